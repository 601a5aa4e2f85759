import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from '../../server/src/db/time-ordered-uuid.js';
import { msOfUuidV7, UUID_V7 } from '../support/uuid.js';

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID with the millisecond time in its first 48 bits', () => {
    const ms = Date.UTC(2026, 10, 28, 9, 30, 0, 123);
    const id = timeOrderedUuid(ms);
    expect(id).toMatch(UUID_V7);
    expect(msOfUuidV7(id)).toBe(ms);
    expect(timeOrderedUuid()).toMatch(UUID_V7);
  });

  it('sorts by time as text (how PostgreSQL compares uuids), and stays unique within a millisecond', () => {
    const start = Date.UTC(2026, 10, 28);
    const ids = [start, start + 1, start + 255, start + 256, start + 4096, start + 86_400_000].map((ms) => timeOrderedUuid(ms));
    expect([...ids].sort()).toEqual(ids);
    const sameMs = new Set(Array.from({ length: 10_000 }, () => timeOrderedUuid(start)));
    expect(sameMs.size).toBe(10_000);
  });

  it('writes the time of each call, not of the call its cached text was made for', () => {
    expect(timeOrderedUuid(1_000).slice(0, 13)).toBe('00000000-03e8');
    expect(timeOrderedUuid(1_001).slice(0, 13)).toBe('00000000-03e9');
    expect(timeOrderedUuid(2_000).slice(0, 13)).toBe('00000000-07d0');
    expect(timeOrderedUuid(2 ** 40 + 5).slice(0, 13)).toBe('01000000-0005');
  });

  it('draws every random digit afresh (74 random bits, the variant 10xx), across refills of its random bytes', () => {
    const ids = Array.from({ length: 5_000 }, () => timeOrderedUuid(Date.UTC(2026, 10, 28)));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    // Every random hex position takes many values (each id uses 10 random bytes; 256 ids per refill).
    const randomPositions = [15, 16, 17, 20, 21, 22, ...Array.from({ length: 12 }, (_, i) => 24 + i)];
    for (const at of randomPositions) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
    // Each byte is its own: two neighbouring ones are equal in ~1 id in 256, not in every id.
    expect(ids.filter((id) => id.slice(24, 26) === id.slice(26, 28)).length).toBeLessThan(100);
  });
});
