import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BUILT_IN_CATALOG, type Catalog } from './catalog/catalog.js';
import { CatalogFileError, loadCatalogFile } from './catalog/catalog-file.js';
import { BUILT_IN_PROVIDERS } from './catalog/providers.js';
import { USAGE_EVENT_STORAGE, type UsageEventStorage } from './services/usage/usage-storage.js';

/** The only reader of process.env. Everything else receives a frozen Config. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** base64 32-byte master key; undefined in embedded mode until generated into dataDir. */
  secretKey: string | undefined;
  /** Previous master keys still accepted for decryption during rotation. */
  previousSecretKeys: string[];
  providerBaseUrlOverrides: Readonly<Record<string, string>>;
  managedKeys: Readonly<Record<'MANAGED_OPENAI_API_KEY' | 'MANAGED_ANTHROPIC_API_KEY', string | undefined>>;
  /** The model catalog in effect: built-in models with CATALOG_FILE (if set) merged over them. */
  catalog: Catalog;
  customProviderAllowPrivate: string[];
  payments: 'manual' | 'stripe';
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  publicUrl: string | undefined;
  /** SMTP server for invitation e-mails (smtp:// or smtps:// URL with credentials); unset: no e-mail, links are copied by hand. */
  smtpUrl: string | undefined;
  mailFrom: string;
  authRateLimitPerMinute: number;
  /**
   * Failed log-ins for one email from one client address within 15 minutes before that email is
   * locked out for that address for the rest of the window (other addresses are not affected).
   */
  loginFailuresPerEmail: number;
  /** Failed log-ins for one email from all addresses together within 15 minutes (distributed guessing). */
  loginFailuresPerEmailAnyAddress: number;
  /** Invitations one organization may issue per hour. */
  invitationsPerHour: number;
  /** Invitations one e-mail address may receive per day, from all organizations together. */
  invitationsPerAddressPerDay: number;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  logLevel: string;
  production: boolean;
  graphqlIntrospection: boolean;
  serveWeb: boolean;
  webDistDir: string;
  instanceId: string;
  shutdownGraceMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Honour X-Forwarded-For (behind a load balancer) for client IPs. */
  trustProxy: boolean;
  /** Proxies in front of the gateway that append to X-Forwarded-For (the client is the address before them). */
  trustProxyHops: number;
  /** Slow-client limits: time to receive a request's headers, its whole body, and idle keep-alive time. */
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  httpKeepAliveTimeoutMs: number;
  /** Consecutive failures that open a credential's circuit; 0 disables the breaker. */
  circuitBreakerFailures: number;
  circuitBreakerOpenMs: number;
  /** Raw usage events older than this many days are dropped (whole daily partitions); rollups stay. */
  usageRetentionDays: number;
  /**
   * Which requests get a stored usage event (usage-storage.ts): every one (default), only failed
   * ones, or none. Summaries, budgets, credits and alerts count every request in each mode.
   */
  usageEvents: UsageEventStorage;
  /** Browser origins that may call /v1 cross-origin (http/v1-cors.ts); empty: none, `*`: any. */
  v1CorsOrigins: readonly string[];
  /** How often glibc's free memory is handed back to the system (malloc-tuning.ts); 0: never. */
  mallocTrimIntervalMs: number;
  /** The operator set glibc's mmap threshold in the environment (glibc read it at start-up). */
  mallocMmapThresholdFromEnv: boolean;
  /** OTLP/HTTP collector base URL; set: one span per /v1 request with a child per attempt. */
  otelEndpoint: string | undefined;
  otelServiceName: string;
  /** Redis shared by every instance (response cache, rate-limit counters); undefined: cache in process, counters in PostgreSQL. */
  redisUrl: string | undefined;
  /** Prefix for every Redis key this instance writes. */
  redisKeyPrefix: string;
  /** Bound of the in-process response cache (without Redis). */
  responseCacheMaxBytes: number;
  /** Answers larger than this are never cached. */
  responseCacheMaxEntryBytes: number;
}

const intFrom = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const BOOLEAN_WORDS = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']);
const isOn = (v: z.infer<typeof BOOLEAN_WORDS>) => ['1', 'true', 'yes', 'on'].includes(v);

const boolFrom = (def: boolean) =>
  BOOLEAN_WORDS.default(def ? 'true' : 'false').transform(isOn);

/** An on/off setting whose default depends on another (undefined when unset). */
const optionalBool = () => BOOLEAN_WORDS.optional().transform((v) => (v === undefined ? undefined : isOn(v)));

const EnvSchema = z.object({
  PORT: intFrom(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  SECRET_KEY: z.string().optional(),
  PREVIOUS_SECRET_KEYS: z.string().optional(),
  CUSTOM_PROVIDER_ALLOW_PRIVATE: z.string().optional(),
  PAYMENTS: z.enum(['manual', 'stripe']).default('manual'),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  PUBLIC_URL: z.string().url().optional(),
  SMTP_URL: z.string().url().refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).optional(),
  AUTH_RATE_LIMIT_PER_MINUTE: intFrom(30, 1),
  LOGIN_FAILURES_PER_EMAIL: intFrom(10, 1),
  LOGIN_FAILURES_PER_EMAIL_ANY_ADDRESS: intFrom(100, 1),
  INVITATIONS_PER_HOUR: intFrom(20, 1),
  INVITATIONS_PER_ADDRESS_PER_DAY: intFrom(3, 1),
  MAX_REQUEST_BODY_BYTES: intFrom(20 * 1024 * 1024, 1024),
  MAX_RESPONSE_BODY_BYTES: intFrom(64 * 1024 * 1024, 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  GRAPHQL_INTROSPECTION: optionalBool(),
  SERVE_WEB: boolFrom(true),
  WEB_DIST_DIR: z.string().optional(),
  INSTANCE_ID: z.string().optional(),
  SHUTDOWN_GRACE_MS: intFrom(15_000, 0),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: boolFrom(false),
  TRUST_PROXY_HOPS: intFrom(1, 1, 10),
  HTTP_HEADERS_TIMEOUT_MS: intFrom(30_000, 100, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: intFrom(120_000, 100, 3_600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intFrom(65_000, 100, 600_000),
  CIRCUIT_BREAKER_FAILURES: intFrom(5, 0, 1000),
  CIRCUIT_BREAKER_OPEN_MS: intFrom(30_000, 100, 3_600_000),
  USAGE_RETENTION_DAYS: intFrom(90, 1, 3650),
  USAGE_EVENTS: z.enum(USAGE_EVENT_STORAGE).default('all'),
  MALLOC_TRIM_INTERVAL_MS: intFrom(5_000, 0, 3_600_000),
  V1_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin must be scheme://host[:port] (no path), or *')]))),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('ai-gateway'),
  CATALOG_FILE: z.string().min(1).optional(),
  REDIS_URL: z.string().url().refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL').optional(),
  REDIS_KEY_PREFIX: z.string().max(100).default('gw:'),
  RESPONSE_CACHE_MAX_BYTES: intFrom(64 * 1024 * 1024, 0),
  RESPONSE_CACHE_MAX_ENTRY_BYTES: intFrom(2 * 1024 * 1024, 1024),
});

/** Every variable the schema reads (the README's Configuration table documents each one). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export class ConfigError extends Error {}

/**
 * The admin UI `npm run build:web` writes, found from this module (server/src or server/dist, both
 * two levels below the package root), so the UI is served whatever directory the gateway starts in.
 */
const BUNDLED_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

function decodeKey(name: string, value: string): string {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32) {
    throw new ConfigError(`${name} must be 32 bytes encoded as base64 (got ${bytes.length} bytes).`);
  }
  return value;
}

function readBaseUrlOverrides(env: NodeJS.ProcessEnv): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const provider of BUILT_IN_PROVIDERS) {
    const name = `PROVIDER_BASE_URL_${provider.id.toUpperCase().replace(/[.-]/g, '_')}`;
    const value = env[name];
    if (value === undefined || value === '') continue;
    const parsed = z.string().url().safeParse(value);
    if (!parsed.success || !/^https?:$/.test(new URL(value).protocol)) {
      throw new ConfigError(`${name} must be an http(s) URL.`);
    }
    overrides[provider.id] = value.replace(/\/+$/, '');
  }
  return overrides;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset" (as compose files and shells often produce).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.SECRET_KEY) {
    throw new ConfigError('SECRET_KEY (32 bytes, base64) is required when DATABASE_URL is set.');
  }
  if (e.PAYMENTS === 'stripe' && (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError('PAYMENTS=stripe requires STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.');
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS.');
  }
  const production = e.NODE_ENV === 'production';
  let catalog = BUILT_IN_CATALOG;
  if (e.CATALOG_FILE) {
    try {
      catalog = loadCatalogFile(resolve(e.CATALOG_FILE));
    } catch (err) {
      if (err instanceof CatalogFileError) throw new ConfigError(err.message);
      throw err;
    }
  }
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    secretKey: e.SECRET_KEY === undefined ? undefined : decodeKey('SECRET_KEY', e.SECRET_KEY),
    previousSecretKeys: splitList(e.PREVIOUS_SECRET_KEYS).map((k) => decodeKey('PREVIOUS_SECRET_KEYS', k)),
    providerBaseUrlOverrides: Object.freeze(readBaseUrlOverrides(env)),
    managedKeys: Object.freeze({
      MANAGED_OPENAI_API_KEY: env.MANAGED_OPENAI_API_KEY || undefined,
      MANAGED_ANTHROPIC_API_KEY: env.MANAGED_ANTHROPIC_API_KEY || undefined,
    }),
    catalog,
    customProviderAllowPrivate: splitList(e.CUSTOM_PROVIDER_ALLOW_PRIVATE),
    payments: e.PAYMENTS,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    publicUrl: e.PUBLIC_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'AI Gateway <no-reply@localhost>',
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    loginFailuresPerEmail: e.LOGIN_FAILURES_PER_EMAIL,
    loginFailuresPerEmailAnyAddress: e.LOGIN_FAILURES_PER_EMAIL_ANY_ADDRESS,
    invitationsPerHour: e.INVITATIONS_PER_HOUR,
    invitationsPerAddressPerDay: e.INVITATIONS_PER_ADDRESS_PER_DAY,
    maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    maxResponseBodyBytes: e.MAX_RESPONSE_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
    production,
    graphqlIntrospection: e.GRAPHQL_INTROSPECTION ?? !production,
    serveWeb: e.SERVE_WEB,
    webDistDir: e.WEB_DIST_DIR === undefined ? BUNDLED_WEB_DIST : resolve(e.WEB_DIST_DIR),
    instanceId: e.INSTANCE_ID ?? randomUUID(),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsToken: e.METRICS_TOKEN,
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    httpKeepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    circuitBreakerFailures: e.CIRCUIT_BREAKER_FAILURES,
    circuitBreakerOpenMs: e.CIRCUIT_BREAKER_OPEN_MS,
    usageRetentionDays: e.USAGE_RETENTION_DAYS,
    usageEvents: e.USAGE_EVENTS,
    v1CorsOrigins: e.V1_CORS_ORIGINS,
    mallocTrimIntervalMs: e.MALLOC_TRIM_INTERVAL_MS,
    mallocMmapThresholdFromEnv:
      env.MALLOC_MMAP_THRESHOLD_ !== undefined || /\bglibc\.malloc\.mmap_threshold=/.test(env.GLIBC_TUNABLES ?? ''),
    otelEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otelServiceName: e.OTEL_SERVICE_NAME,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    responseCacheMaxBytes: e.RESPONSE_CACHE_MAX_BYTES,
    responseCacheMaxEntryBytes: e.RESPONSE_CACHE_MAX_ENTRY_BYTES,
  };
  return Object.freeze(config);
}

/** The base URL for links the gateway sends out (checkout returns, invitation e-mails): PUBLIC_URL, else the listen address. */
export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
}
