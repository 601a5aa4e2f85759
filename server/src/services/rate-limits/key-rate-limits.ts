import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SqlPool } from '../../db/pool.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { minuteOf, waitMs, windowEstimate } from './sliding-window.js';

/** What a key allows; null: unlimited. */
export interface KeyRateLimitSettings {
  accessKeyId: string;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

/** An admitted request's hold on its key's token window, corrected once the real usage is known. */
export interface RateTicket {
  /** The request's real token count (input + output); 0 when nothing was served. Once. */
  settle(actualTokens: number): void;
}

/** Counters kept 2 minutes: the current minute and the previous one the sliding window still weighs. */
const RETENTION_S = 120;
/** Points per counter are unbounded here: the sliding window decides, not the store's own limit. */
const UNBOUNDED = 2 ** 31 - 1;

/**
 * Per-key requestsPerMinute and tokensPerMinute over a sliding window, shared by every instance:
 * counters in Redis when REDIS_URL is set, else in PostgreSQL (table `rate_limit`), both through
 * rate-limiter-flexible's atomic upserts. A key without limits costs nothing (no store call).
 *
 * Trade-off on PostgreSQL: a limited key's request costs one upsert and one read (in parallel)
 * before it goes upstream; with Redis the same two commands. Unlimited keys — the default —
 * stay free of any round trip.
 */
export class KeyRateLimits {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RateLimiterAbstract,
    private readonly now: () => number,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  /** Counts the request (and its estimated tokens) or throws RateLimitError (429 + retry-after). */
  async admit(limits: KeyRateLimitSettings, estimatedTokens: number): Promise<RateTicket | undefined> {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, accessKeyId } = limits;
    if (rpm === null && tpm === null) return undefined;
    const at = this.now();
    const requestsKey = `r:${accessKeyId}`;
    if (rpm !== null) await this.take(requestsKey, 1, rpm, at, 'requests per minute');
    if (tpm === null) return undefined;
    const tokens = Math.max(0, Math.ceil(estimatedTokens));
    try {
      await this.take(`t:${accessKeyId}`, tokens, tpm, at, 'tokens per minute');
    } catch (err) {
      if (rpm !== null) void this.store.reward(`${requestsKey}:${minuteOf(at)}`, 1).catch(() => undefined);
      throw err;
    }
    const counter = `t:${accessKeyId}:${minuteOf(at)}`;
    let settled = false;
    return {
      settle: (actualTokens) => {
        if (settled) return;
        settled = true;
        const diff = Math.max(0, Math.ceil(actualTokens)) - tokens;
        // Corrected in the minute it was counted in; a failure only leaves the estimate standing.
        if (diff > 0) void this.store.penalty(counter, diff).catch(() => undefined);
        else if (diff < 0) void this.store.reward(counter, -diff).catch(() => undefined);
      },
    };
  }

  /** Housekeeping for the PostgreSQL store: drops counters whose 2 minutes are over. */
  startSweeping(everyMs = 5 * 60_000): void {
    if (!(this.store instanceof RateLimiterPostgres) || this.sweepTimer) return;
    const store = this.store as RateLimiterPostgres & { clearExpired(expire: number): Promise<unknown> };
    this.sweepTimer = setInterval(() => void store.clearExpired(Date.now()).catch(() => undefined), everyMs);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.onClose();
  }

  private async take(id: string, points: number, limit: number, at: number, what: string): Promise<void> {
    const minute = minuteOf(at);
    const [current, previous] = await Promise.all([this.store.penalty(`${id}:${minute}`, points), this.store.get(`${id}:${minute - 1}`)]);
    const counts = { previous: previous?.consumedPoints ?? 0, current: current.consumedPoints };
    if (windowEstimate(counts, at) <= limit) return;
    await this.store.reward(`${id}:${minute}`, points).catch(() => undefined);
    const wait = waitMs({ previous: counts.previous, current: counts.current - points }, points, limit, at);
    if (wait === Infinity) {
      throw new RateLimitError(`Rate limited: this request needs about ${points} tokens, more than this access key's limit of ${limit} ${what}.`, 60);
    }
    throw new RateLimitError(`Rate limited: this access key allows ${limit} ${what}.`, wait / 1000);
  }
}

export interface KeyRateLimitsOptions {
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  sql: SqlPool;
  logger: Logger;
  instanceId: string;
  now: () => number;
}

/** Redis when configured, else PostgreSQL (the `rate_limit` table, created by a migration). */
export function createKeyRateLimits(o: KeyRateLimitsOptions): KeyRateLimits {
  if (o.redisUrl) {
    const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectionName: `gateway-ratelimit-${o.instanceId}` });
    redis.on('error', (err: Error) => o.logger.debug({ err: err.message }, 'redis connection error (rate limits)'));
    const store = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${o.redisKeyPrefix}rl`, points: UNBOUNDED, duration: RETENTION_S });
    return new KeyRateLimits(store, o.now, async () => void (await redis.quit().catch(() => undefined)));
  }
  // rate-limiter-flexible names its prepared statements; on the embedded database every pooled
  // connection shares one backend, where a second PREPARE of the same name fails. Unnamed
  // parameterised queries work on both (and PostgreSQL still plans them per connection).
  const unnamed = { query: (q: { text: string; values?: unknown[] }) => o.sql.query({ text: q.text, values: q.values }) };
  const store = new RateLimiterPostgres({
    storeClient: unnamed,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    clearExpiredByTimeout: false,
    points: UNBOUNDED,
    duration: RETENTION_S,
  });
  const limits = new KeyRateLimits(store, o.now);
  limits.startSweeping();
  return limits;
}
