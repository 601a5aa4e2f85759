import { RateLimiter } from './rate-limiter.js';
import type { CounterStore } from './rate-limits/counter-store.js';

export interface LoginThrottleLimits {
  /** Failures for one email from one client address before that address is locked out for it. */
  perAddress: number;
  /** Failures for one email from all addresses together (a botnet, a spoofable proxy header). */
  anyAddress: number;
  windowSeconds: number;
}

/**
 * Log-in attempts without a success, counted twice: per (email, client address), a strict limit
 * that locks that address out of that email for the rest of the window, even with the right
 * password; and per email across all addresses, a much higher limit against distributed
 * guessing. Keying the strict lock-out by address means an outsider failing log-ins for a
 * member's email locks out only themselves: the member, from their own address, still signs in.
 * The client address is the one the per-address sign-up/log-in limit uses (Koa's `ctx.ip`,
 * honouring TRUST_PROXY / TRUST_PROXY_HOPS).
 *
 * Each attempt is counted before its password is checked, in one atomic step, so simultaneous
 * guesses cannot all pass a check made before any of them was counted. A success clears the
 * (email, address) count and gives back its own point of the email's count (so successes never
 * add up to a lock-out; other addresses' failures stay counted). Counted in the shared counter
 * store, so attempts on any instance add up. A store error rejects (fails closed, see
 * counter-store.ts).
 */
export class LoginThrottle {
  private readonly fromAddress: RateLimiter;
  private readonly anyAddress: RateLimiter;

  constructor(counters: CounterStore, limits: LoginThrottleLimits) {
    this.fromAddress = new RateLimiter(
      counters,
      'login-email-ip',
      limits.perAddress,
      limits.windowSeconds,
      'log-in attempts for this account from this address without a success',
    );
    this.anyAddress = new RateLimiter(counters, 'login-email', limits.anyAddress, limits.windowSeconds, 'log-in attempts for this account without a success');
  }

  /** Counts an attempt; throws `RATE_LIMITED` while the email is locked out for this address, or for all. */
  async beginAttempt(email: string, ip: string | null): Promise<void> {
    await this.fromAddress.consume(addressKey(email, ip));
    await this.anyAddress.consume(email);
  }

  async recordSuccess(email: string, ip: string | null): Promise<void> {
    await this.fromAddress.reset(addressKey(email, ip));
    await this.anyAddress.refund(email);
  }
}

/** One counter per email and client address (hashed by the store, like every key). */
function addressKey(email: string, ip: string | null): string {
  return `${email}\n${ip ?? ''}`;
}
