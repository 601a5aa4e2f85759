import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import type { CounterStore } from './counter-store.js';
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
  constructor(
    private readonly store: RateLimiterAbstract,
    private readonly now: () => number,
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

/** On the instance's shared counter store (Redis when configured, else PostgreSQL; see counter-store.ts). */
export function createKeyRateLimits(counters: CounterStore, now: () => number): KeyRateLimits {
  return new KeyRateLimits(counters.limiter({ name: 'rl', points: UNBOUNDED, duration: RETENTION_S }), now);
}
