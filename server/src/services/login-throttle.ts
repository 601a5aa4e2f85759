import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { counterKey, type CounterStore } from './rate-limits/counter-store.js';

/**
 * Failed log-ins per email, whatever the client address (the per-address limit alone lets a
 * botnet or a spoofable proxy header guess passwords without bound). After `maxFailures` within
 * the window, log-ins for that email are refused until the window ends, even with the right
 * password; a success clears the count. Counted in the shared counter store, so failures on any
 * instance add up (per instance, N instances would allow N × maxFailures guesses). A store error
 * rejects (fails closed, see counter-store.ts).
 */
export class LoginThrottle {
  private readonly failures: RateLimiterAbstract;

  constructor(
    counters: CounterStore,
    private readonly maxFailures: number,
    windowSeconds: number,
  ) {
    this.failures = counters.limiter({ name: 'login-email', points: maxFailures, duration: windowSeconds });
  }

  /** Throws `RATE_LIMITED` while the email is locked out. */
  async assertAllowed(email: string): Promise<void> {
    const state = await this.failures.get(counterKey(email));
    if (state && state.consumedPoints >= this.maxFailures) {
      throw new RateLimitError(
        'Too many failed log-ins for this account; try again later.',
        state.msBeforeNext / 1000,
      );
    }
  }

  async recordFailure(email: string): Promise<void> {
    // penalty() counts without rejecting past the limit (assertAllowed reads the lock-out), so
    // the only rejection left is a store error, which propagates.
    await this.failures.penalty(counterKey(email));
  }

  async recordSuccess(email: string): Promise<void> {
    await this.failures.delete(counterKey(email));
  }
}
