/** Retry schedule of alert deliveries (pure). */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is `failed`. */
  maxAttempts: number;
  /** Delay after the first failure; doubles after each further one. */
  baseDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
}

/** 10 attempts over about six hours: 1, 2, 4, … 128 minutes, then 4 hours, each with jitter. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 4 * 3_600_000 };

/**
 * Delay before the attempt after failed attempt number `attempt` (1-based): exponential, capped,
 * with "equal jitter" (half fixed, half random) so receivers recovering from an outage are not
 * hit by every instance's retries at the same moment, yet no retry comes sooner than half the step.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
