import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { counterKey, type CounterStore } from './rate-limits/counter-store.js';

/**
 * Fixed-window counter per key (the window starts at a key's first hit), in the shared counter
 * store so every instance counts against one limit: it protects the sign-up/log-in surface
 * (brute force on logIn, runaway clients); it is not a billing control. A store error rejects
 * (fails closed, see counter-store.ts).
 */
export class RateLimiter {
  private readonly counter: RateLimiterAbstract;

  constructor(
    counters: CounterStore,
    name: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
    private readonly what: string,
  ) {
    this.counter = counters.limiter({ name, points: limit, duration: windowSeconds });
  }

  /** Counts one hit; throws RateLimitError (429 + retry-after) past the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.counter.consume(counterKey(key));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new RateLimitError(`Too many ${this.what}: limit is ${this.limit} per ${this.windowSeconds} s.`, err.msBeforeNext / 1000);
    }
  }

  /** Gives back one hit (a success that should not count toward a lock-out). */
  async refund(key: string): Promise<void> {
    await this.counter.reward(counterKey(key), 1);
  }

  /** Forgets the key's hits (a success that ends a lock-out count). */
  async reset(key: string): Promise<void> {
    await this.counter.delete(counterKey(key));
  }
}
