import type { MikroORM } from '@mikro-orm/postgresql';
import type { SqlPool } from './db/pool.js';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import { SecretBox } from './services/crypto.js';
import { RateLimiter } from './services/rate-limiter.js';
import { LoginThrottle } from './services/login-throttle.js';
import { InvitationThrottle } from './services/invitation-throttle.js';
import { LocalChangeEvents } from './services/change-events.js';
import { AccessContextCache } from './gateway/access-context.js';
import { ProviderDirectory } from './gateway/provider-directory.js';
import { createUpstreamClient, type UpstreamClient } from './gateway/upstream.js';
import { UsageWriter } from './services/usage/usage-writer.js';
import { pgUsageDb, type SqlChargeApplier } from './services/usage/usage-db.js';
import { UsagePartitions } from './services/usage/partitions.js';
import type { RequestTracer } from './telemetry/tracing.js';
import { createCreditGate, type CreditGate } from './gateway/credit-gate.js';
import type { ListenAddress } from './gateway/egress-guard.js';
import { createMailer, type Mailer } from './services/mailer.js';
import { CreditService, type CreditServiceOptions } from './services/credits/credit-service.js';
import { createKeyRateLimits, type KeyRateLimits } from './services/rate-limits/key-rate-limits.js';
import { createCounterStore } from './services/rate-limits/counter-store.js';
import { createResponseCache, type ResponseCache } from './gateway/cache/index.js';
import { AlertDeliveryWorker, type DeliveryWorkerOptions } from './services/alerts/delivery-worker.js';
import { alertDetectionHook } from './services/alerts/usage-hook.js';

/** The typed service container, built once per server instance and passed to everything. */
export interface Services {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  /** Plain pg pool for the data plane's writes (see db/pool.ts). */
  sql: SqlPool;
  metrics: Metrics;
  secretBox: SecretBox;
  events: LocalChangeEvents;
  /** signUp/logIn/acceptInvitation attempts per client address, shared by every instance. */
  authRateLimiter: RateLimiter;
  /** Log-in attempts per email (per client address, and all addresses together) without a success, shared by every instance. */
  loginThrottle: LoginThrottle;
  /** Invitations per organization and per recipient address, shared by every instance. */
  invitationThrottle: InvitationThrottle;
  /** Per-key requestsPerMinute / tokensPerMinute (Redis when configured, else PostgreSQL). */
  keyRateLimits: KeyRateLimits;
  accessContexts: AccessContextCache;
  providers: ProviderDirectory;
  upstream: UpstreamClient;
  usage: UsageWriter;
  /** OpenTelemetry spans for /v1 requests; undefined unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: RequestTracer | undefined;
  /** Daily partitions of the raw usage events and their retention. */
  usagePartitions: UsagePartitions;
  creditGate: CreditGate;
  /** Credit control for /v1 (reserve/settle/applyCharges), purchases, ledger, Stripe webhook. */
  credits: CreditService;
  /** Opt-in response cache (Redis when REDIS_URL is set, else in process). */
  responseCache: ResponseCache;
  /** Invitation e-mails when SMTP_URL is set. */
  mailer: Mailer | null;
  /** Filled in once the server listens, so custom providers cannot loop back into it. */
  listenAddresses: ListenAddress[];
  /** Sends queued alert webhooks (budget thresholds, low balance, tests) with retries. */
  alertDeliveries: AlertDeliveryWorker;
  start(): void;
  stop(): Promise<void>;
}

export interface ServiceInputs {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  sql: SqlPool;
  metrics: Metrics;
  masterKey: string;
  tracing?: RequestTracer;
  /** Defaults to credits.applyCharges. */
  applyCharges?: SqlChargeApplier;
  /** Test hooks: clock, fake payments gateway, timings. */
  creditOptions?: Pick<CreditServiceOptions, 'now' | 'payments' | 'timings' | 'instanceId'>;
  /** Test hooks: alert delivery retry policy, timeouts, polling. */
  alertOptions?: Pick<DeliveryWorkerOptions, 'retry' | 'timeoutMs' | 'pollMs' | 'random'>;
}

export function buildServices(inputs: ServiceInputs): Services {
  const { config, logger, orm, sql, metrics } = inputs;
  const secretBox = new SecretBox([inputs.masterKey, ...config.previousSecretKeys]);
  const events = new LocalChangeEvents();
  const listenAddresses: ListenAddress[] = [];
  const upstream = createUpstreamClient({
    connectTimeoutMs: 10_000,
    maxResponseBytes: config.maxResponseBodyBytes,
    allowPrivateCidrs: config.customProviderAllowPrivate,
    selfAddresses: () => listenAddresses,
  });
  const accessContexts = new AccessContextCache({ em: () => orm.em.fork(), secretBox, events, logger });
  const credits = new CreditService({
    orm,
    sql,
    config,
    logger,
    events,
    // Operators can alert on money the pre-flight estimate let through (README, Credits).
    onCreditShortfall: (nano) => metrics.creditShortfall.inc(Number(nano) / 1e9),
    ...inputs.creditOptions,
  });
  // One store (Redis when configured, else PostgreSQL) for every counter instances must share.
  const counters = createCounterStore({ redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, sql, logger, instanceId: config.instanceId });
  const keyRateLimits = createKeyRateLimits(counters, credits.now);
  const applyCharges: SqlChargeApplier = inputs.applyCharges ?? ((client, charges) => credits.applyCharges(client, charges));
  // Usage events, rollups and their charges (credits, key spend) in one transaction on services.sql.
  const usagePartitions = new UsagePartitions({ sql, logger, retentionDays: config.usageRetentionDays });
  const alertDeliveries = new AlertDeliveryWorker({ sql, secretBox, upstream, logger, now: credits.now, ...inputs.alertOptions });
  // Alerts are detected in the usage batch that records the spend (same transaction), never on the request path.
  const detectAlerts = alertDetectionHook({ logger, now: credits.now, onQueued: () => alertDeliveries.kick() });
  const usage = new UsageWriter({ db: pgUsageDb(sql, applyCharges, detectAlerts), logger, metrics, partitions: usagePartitions, storage: config.usageEvents });
  const responseCache = createResponseCache(config, secretBox, logger);
  return {
    config,
    logger,
    orm,
    sql,
    metrics,
    secretBox,
    events,
    authRateLimiter: new RateLimiter(counters, 'auth-ip', config.authRateLimitPerMinute, 60, 'sign-up/log-in attempts from this address'),
    loginThrottle: new LoginThrottle(counters, {
      perAddress: config.loginFailuresPerEmail,
      anyAddress: config.loginFailuresPerEmailAnyAddress,
      windowSeconds: 15 * 60,
    }),
    invitationThrottle: new InvitationThrottle(counters, {
      perOrganizationPerHour: config.invitationsPerHour,
      perAddressPerDay: config.invitationsPerAddressPerDay,
    }),
    accessContexts,
    providers: new ProviderDirectory(config, { upstream }),
    upstream,
    usage,
    usagePartitions,
    tracing: inputs.tracing,
    creditGate: createCreditGate(credits),
    credits,
    keyRateLimits,
    responseCache,
    mailer: createMailer(config, logger),
    listenAddresses,
    alertDeliveries,
    start() {
      usagePartitions.start();
      usage.start();
      credits.start();
      alertDeliveries.start();
    },
    async stop() {
      await usage.stop();
      await alertDeliveries.stop();
      await usagePartitions.stop();
      await inputs.tracing?.shutdown();
      // After the usage flush: every settled charge is written, so all grants can go back.
      await credits.stop();
      accessContexts.close();
      await counters.close();
      await upstream.close();
      await responseCache.close();
    },
  };
}
