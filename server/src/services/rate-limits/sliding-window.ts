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
 * Milliseconds until a request of `points` fits under `limit`, given the counts before it and no
 * other request in between (0 when it fits now; Infinity when it never can: more points than the
 * limit). The wait is the estimate's, which admission uses, so a client that waits it is admitted:
 * up to two windows, since this minute's count still weighs on the next minute's estimate (one
 * request per minute, sent at 10:00:30, is counted as 0.5 at 10:01:30 and gone only at 10:02:00).
 * Capping it at one window sent clients back while they would still be refused.
 */
export function waitMs(before: WindowCounts, points: number, limit: number, at: number): number {
  if (points > limit) return Infinity;
  if (admits(before, points, limit, at, at)) return 0;
  let wait = boundaryWaitMs(before, points, limit, at);
  // The boundary is exact in rationals; the estimate's floating point may land a hair over it.
  for (let i = 0; i < 10 && !admits(before, points, limit, at, at + wait); i++) wait++;
  return wait;
}

/** Whether a request of `points` sent at `later` is admitted, given the counts at `at` and nothing counted since. */
function admits(before: WindowCounts, points: number, limit: number, at: number, later: number): boolean {
  const minutes = minuteOf(later) - minuteOf(at);
  const counts = minutes === 0 ? before : minutes === 1 ? { previous: before.current, current: 0 } : { previous: 0, current: 0 };
  return windowEstimate({ previous: counts.previous, current: counts.current + points }, later) <= limit;
}

/** Where the estimate first admits the request, solved for f (the elapsed part of a minute). */
function boundaryWaitMs(before: WindowCounts, points: number, limit: number, at: number): number {
  const minuteStart = minuteOf(at) * WINDOW_MS;
  // Later in this minute: previous × (1 − f') + current + points ≤ limit.
  const room = limit - before.current - points;
  if (room >= 0 && before.previous > 0) {
    const fNeeded = 1 - room / before.previous;
    if (fNeeded < 1) return Math.max(1, Math.ceil(minuteStart + fNeeded * WINDOW_MS - at));
  }
  // Next minute: current becomes previous; current × (1 − f') + points ≤ limit.
  const next = minuteStart + WINDOW_MS;
  const fNext = before.current > 0 ? Math.max(0, 1 - (limit - points) / before.current) : 0;
  return Math.max(1, Math.ceil(next + fNext * WINDOW_MS - at));
}
