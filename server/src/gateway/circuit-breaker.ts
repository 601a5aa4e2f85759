import { FAILURE_POLICY, type FailureClass } from '../errors/failure-class.js';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips its key, unless the upstream said Retry-After. */
  openMs: number;
  /** Upper bound for Retry-After driven openings. */
  maxOpenMs: number;
  now?: () => number;
}

interface BreakerState {
  failures: number;
  openUntil: number;
  /** Half-open: one trial request in flight after the cool-down. */
  trial: boolean;
}

/**
 * One circuit per credential (provider key, or a provider's gateway credential). After
 * `failureThreshold` consecutive failures its key is skipped for a while, so a dead or exhausted key
 * stops costing every request an attempt; after the cool-down one trial request decides.
 */
export class CircuitBreakers {
  private states = new Map<string, BreakerState>();
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when the credential may be tried now (closed, or half-open with no trial running). */
  allows(key: string): boolean {
    const s = this.states.get(key);
    if (!s || s.openUntil === 0) return true;
    if (this.now() < s.openUntil) return false;
    if (s.trial) return false;
    s.trial = true;
    return true;
  }

  isOpen(key: string): boolean {
    const s = this.states.get(key);
    return Boolean(s && s.openUntil !== 0 && (this.now() < s.openUntil || s.trial));
  }

  success(key: string): void {
    this.states.delete(key);
  }

  failure(key: string, failureClass: FailureClass, retryAfterSeconds?: number): void {
    if (!FAILURE_POLICY[failureClass].opensCircuit) {
      // The key worked; the request or model was the problem. End any trial without judging the key.
      const s = this.states.get(key);
      if (s) s.trial = false;
      return;
    }
    const s = this.states.get(key) ?? { failures: 0, openUntil: 0, trial: false };
    s.failures++;
    const wasTrial = s.trial;
    s.trial = false;
    if (wasTrial || s.failures >= this.options.failureThreshold) {
      const hinted = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * 1000, this.options.maxOpenMs) : 0;
      s.openUntil = this.now() + Math.max(this.options.openMs, hinted);
    }
    this.states.set(key, s);
    if (this.states.size > 50_000) this.states.delete(this.states.keys().next().value as string);
  }
}

/**
 * Failover must not multiply load without bound when an upstream is down: every request earns
 * `ratio` retry tokens (capped), every attempt after a request's first spends one. With the
 * bucket empty, a request gets its first attempt only.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio: number,
    private readonly cap: number,
  ) {
    this.tokens = cap;
  }

  onRequest(): void {
    this.tokens = Math.min(this.cap, this.tokens + this.ratio);
  }

  tryRetry(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    return this.tokens;
  }
}
