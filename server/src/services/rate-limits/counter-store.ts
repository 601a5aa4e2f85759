import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SqlPool } from '../../db/pool.js';
import { ConfigError } from '../../config.js';
import { warnOnRedisErrors } from '../redis-connection-errors.js';

export interface CounterStoreOptions {
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  sql: SqlPool;
  logger: Logger;
  instanceId: string;
}

export interface CounterLimiterOptions {
  /** Namespace of this limiter's keys in the store (`<name>:<key>`), unique per limiter. */
  name: string;
  /** rate-limiter-flexible's `points`: what one key may consume per `duration`. */
  points: number;
  /** Seconds from a key's first point until its count resets. */
  duration: number;
}

/**
 * The counters every instance shares — per-key rate limits, the sign-up/log-in limit per client
 * address, log-in attempts per email — so N instances allow what one would, not N times as much.
 * In Redis when REDIS_URL is set (one connection per instance), else in PostgreSQL's `rate_limit`
 * table, both through rate-limiter-flexible's atomic upserts. One store, many limiters: each has
 * its own points and duration under its own key namespace.
 *
 * An unreachable store fails closed: the limiters reject with the store's error, which the edges
 * answer as a generic internal error (500), never as an admission. /v1 per-key limits have always
 * done so; for log-ins failing open would turn a store outage (or a store an attacker can saturate)
 * into unlimited password guessing, while failing closed only pauses new log-ins and sign-ups —
 * existing sessions and API keys never touch these counters, and on PostgreSQL a log-in needs that
 * database anyway.
 */
export interface CounterStore {
  limiter(o: CounterLimiterOptions): RateLimiterAbstract;
  close(): Promise<void>;
}

/**
 * The store key for a caller-supplied value (an email, a client address): a digest, so the store
 * holds no emails and any input, however long, fits the table's 255-character key.
 */
export function counterKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Expired PostgreSQL counters are swept this often (rows of every limiter; one sweep per instance). */
const SWEEP_EVERY_MS = 5 * 60_000;

export function createCounterStore(o: CounterStoreOptions): CounterStore {
  if (o.redisUrl) {
    // Bounded retries and command time: a Redis outage fails a limited request within about a
    // second instead of holding it.
    const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectionName: `gateway-ratelimit-${o.instanceId}` });
    // Log-ins and limited keys fail closed while Redis is away, so say so.
    warnOnRedisErrors(redis, o.logger, 'log-ins, sign-ups and rate-limited keys are refused until it is back');
    return {
      limiter: ({ name, points, duration }) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${o.redisKeyPrefix}${name}`, points, duration }),
      close: async () => void (await redis.quit().catch(() => undefined)),
    };
  }
  // rate-limiter-flexible names its prepared statements; on the embedded database every pooled
  // connection shares one backend, where a second PREPARE of the same name fails. Unnamed
  // parameterised queries work on both (and PostgreSQL still plans them per connection).
  const unnamed = { query: (q: { text: string; values?: unknown[] }) => o.sql.query({ text: q.text, values: q.values }) };
  const sweep = setInterval(
    () => void o.sql.query({ text: 'delete from rate_limit where expire < $1', values: [Date.now()] }).catch(() => undefined),
    SWEEP_EVERY_MS,
  );
  sweep.unref();
  return {
    limiter: ({ name, points, duration }) =>
      new RateLimiterPostgres({
        storeClient: unnamed,
        storeType: 'pool',
        tableName: 'rate_limit', // created by Migration20261127121500
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: name,
        points,
        duration,
      }),
    close: async () => clearInterval(sweep),
  };
}

/** `url` with its password masked, for messages. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Start-up check of REDIS_URL: one connection, one PING. The counters fail closed (above), so an
 * unreachable or misconfigured Redis would otherwise show only as every log-in failing with an
 * internal error while /readyz says ok; refusing to start names the problem instead.
 */
export async function checkRedisReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const reason = lastError?.message ?? (err instanceof Error ? err.message : String(err));
    throw new ConfigError(`REDIS_URL ${withoutPassword(url)}: cannot use Redis (${reason}).`);
  } finally {
    redis.disconnect();
  }
}
