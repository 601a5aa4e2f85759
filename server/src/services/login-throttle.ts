import { RateLimiter } from './rate-limiter.js';
import type { CounterStore } from './rate-limits/counter-store.js';

/**
 * Log-in attempts per email without a success, whatever the client address (the per-address
 * limit alone lets a botnet or a spoofable proxy header guess passwords without bound). Each
 * attempt is counted before its password is checked, in one atomic step, so simultaneous guesses
 * cannot all pass a check made before any of them was counted. Past `maxFailures` within the
 * window, log-ins for that email are refused until the window ends, even with the right
 * password; a success clears the count. Counted in the shared counter store, so attempts on any
 * instance add up. A store error rejects (fails closed, see counter-store.ts).
 */
export class LoginThrottle {
  private readonly attempts: RateLimiter;

  constructor(counters: CounterStore, maxFailures: number, windowSeconds: number) {
    this.attempts = new RateLimiter(counters, 'login-email', maxFailures, windowSeconds, 'log-in attempts for this account without a success');
  }

  /** Counts an attempt; throws `RATE_LIMITED` while the email is locked out. */
  beginAttempt(email: string): Promise<void> {
    return this.attempts.consume(email);
  }

  recordSuccess(email: string): Promise<void> {
    return this.attempts.reset(email);
  }
}
