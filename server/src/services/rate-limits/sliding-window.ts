/**
 * Sliding-window-counter arithmetic (pure): the count of the last 60 s is estimated from two fixed
 * minutes, the previous one weighted by the part of it still inside the window:
 *   window(t) = previous × (1 − f) + current,  f = elapsed part of the current minute.
 * Unlike a fixed window it never lets 2× the limit through around a minute boundary; unlike a log
 * of timestamps it needs two counters per key, which any shared store (Redis, PostgreSQL) can
 * increment atomically.
 */
export const WINDOW_MS = 60_000;

export interface WindowCounts {
  /** Points in the previous minute. */
  previous: number;
  /** Points in the current minute, this request included. */
  current: number;
}

/** Minute index of `at` (the key suffix of its counter). */
export function minuteOf(at: number): number {
  return Math.floor(at / WINDOW_MS);
}

export function windowEstimate(counts: WindowCounts, at: number): number {
  const f = (at - minuteOf(at) * WINDOW_MS) / WINDOW_MS;
  return counts.previous * (1 - f) + counts.current;
}

/**
 * Milliseconds until a request of `points` fits under `limit`, given the counts before it (0 when
 * it fits now; Infinity when it never can: more points than the limit). At most one window: by
 * then everything counted now has left a true sliding window, even where the two-counter
 * estimate would still weigh some of it.
 */
export function waitMs(before: WindowCounts, points: number, limit: number, at: number): number {
  if (points > limit) return Infinity;
  const minuteStart = minuteOf(at) * WINDOW_MS;
  const f = (at - minuteStart) / WINDOW_MS;
  if (before.previous * (1 - f) + before.current + points <= limit) return 0;
  // Later in this minute: previous × (1 − f') + current + points ≤ limit.
  const room = limit - before.current - points;
  if (room >= 0 && before.previous > 0) {
    const fNeeded = 1 - room / before.previous;
    if (fNeeded < 1) return Math.min(WINDOW_MS, Math.max(1, Math.ceil(minuteStart + fNeeded * WINDOW_MS - at)));
  }
  // Next minute: current becomes previous; current × (1 − f') + points ≤ limit.
  const next = minuteStart + WINDOW_MS;
  const fNext = before.current > 0 ? Math.max(0, 1 - (limit - points) / before.current) : 0;
  return Math.min(WINDOW_MS, Math.max(1, Math.ceil(next + fNext * WINDOW_MS - at)));
}
