import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minuteOf, waitMs, WINDOW_MS, windowEstimate, type WindowCounts } from '../../server/src/services/rate-limits/sliding-window.js';

/** The counts a request sent at `later` would see, nothing else having been counted since `at`. */
function countsAt(before: WindowCounts, at: number, later: number): WindowCounts {
  const minutes = minuteOf(later) - minuteOf(at);
  if (minutes === 0) return before;
  if (minutes === 1) return { previous: before.current, current: 0 };
  return { previous: 0, current: 0 };
}

const fits = (before: WindowCounts, at: number, later: number, points: number, limit: number) =>
  windowEstimate({ ...countsAt(before, at, later), current: countsAt(before, at, later).current + points }, later) <= limit;

describe('sliding window retry-after', () => {
  it('one request per minute: the wait reaches past the next minute, where the first request still weighs', () => {
    const at = 10 * WINDOW_MS + 30_000; // 30 s into a minute, one request counted
    const wait = waitMs({ previous: 0, current: 1 }, 1, 1, at);
    // Admitted only once the first minute's count has left the estimate: the end of the next minute.
    expect(wait).toBe(90_000);
  });

  it('a client that waits the advertised time is admitted, and not a millisecond before it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.nat({ max: 3000 }),
        fc.nat({ max: 3000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: WINDOW_MS - 1 }),
        (limit, previous, current, points, offset) => {
          const at = 1_000 * WINDOW_MS + offset;
          const before = { previous, current };
          const wait = waitMs(before, points, limit, at);
          if (points > limit) {
            expect(wait).toBe(Infinity);
            return;
          }
          if (fits(before, at, at, points, limit)) {
            expect(wait).toBe(0);
            return;
          }
          expect(wait).toBeGreaterThan(0);
          expect(fits(before, at, at + wait, points, limit)).toBe(true);
          // Rounded up to the millisecond, so one earlier is refused.
          if (wait > 1) expect(fits(before, at, at + wait - 1, points, limit)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
