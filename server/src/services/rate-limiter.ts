import { RateLimitError } from '../errors/rate-limit-error.js';

/**
 * Fixed-window counter per key, in memory. Per instance by design: it protects this process
 * (brute force on logIn, runaway clients); it is not a billing control.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; throws RateLimitError (429 + retry-after) past the limit. */
  consume(key: string): void {
    const t = this.now();
    this.sweep(t);
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    if (w.count > this.limit) {
      throw new RateLimitError(
        `Too many ${this.what}: limit is ${this.limit} per ${Math.round(this.windowMs / 1000)} s.`,
        (w.start + this.windowMs - t) / 1000,
      );
    }
  }

  private sweep(t: number): void {
    if (t - this.lastSweep < this.windowMs) return;
    this.lastSweep = t;
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
