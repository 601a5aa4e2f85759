import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RateLimitError } from '../errors/rate-limit-error.js';

/**
 * Failed log-ins per email, whatever the client address (the per-address limit alone lets a
 * botnet or a spoofable proxy header guess passwords without bound). After `maxFailures` within
 * the window, log-ins for that email are refused until the window ends, even with the right
 * password; a success clears the count. In memory, per instance, like the per-address limit.
 */
export class LoginThrottle {
  private readonly failures: RateLimiterMemory;

  constructor(
    private readonly maxFailures: number,
    windowSeconds: number,
  ) {
    this.failures = new RateLimiterMemory({ points: maxFailures, duration: windowSeconds });
  }

  /** Throws `RATE_LIMITED` while the email is locked out. */
  async assertAllowed(email: string): Promise<void> {
    const state = await this.failures.get(email);
    if (state && state.consumedPoints >= this.maxFailures) {
      throw new RateLimitError(
        'Too many failed log-ins for this account; try again later.',
        state.msBeforeNext / 1000,
      );
    }
  }

  async recordFailure(email: string): Promise<void> {
    // Past the limit consume() rejects; the lock-out is read by assertAllowed, so that is expected.
    await this.failures.consume(email).catch(() => undefined);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.failures.delete(email);
  }
}
