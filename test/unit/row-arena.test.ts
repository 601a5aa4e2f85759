import { describe, expect, it } from 'vitest';
import { rowsAsJsonArray, rowText, storeRow } from '../../server/src/services/usage/row-arena.js';

const row = (i: number, extra = '') => JSON.stringify([`req-${i}`, i, `modèle-✓-${extra}`, { nested: [i, null, '"q\\\\'] }]);

describe('row arena', () => {
  it('gives back each row, multi-byte text included', () => {
    const texts = Array.from({ length: 50 }, (_, i) => row(i));
    const refs = texts.map(storeRow);
    expect(refs.map(rowText)).toEqual(texts);
  });

  it('reads a batch as one JSON array, for a run of consecutive rows and for any subset', () => {
    const texts = Array.from({ length: 300 }, (_, i) => row(i));
    const refs = texts.map(storeRow);
    expect(JSON.parse(rowsAsJsonArray(refs))).toEqual(texts.map((t) => JSON.parse(t)));
    const everyThird = refs.filter((_, i) => i % 3 === 0);
    expect(JSON.parse(rowsAsJsonArray(everyThird))).toEqual(texts.filter((_, i) => i % 3 === 0).map((t) => JSON.parse(t)));
    const halves = [refs.slice(0, 150), refs.slice(150)];
    expect(halves.map((h) => JSON.parse(rowsAsJsonArray(h)))).toEqual([texts.slice(0, 150), texts.slice(150)].map((h) => h.map((t) => JSON.parse(t))));
    expect(rowsAsJsonArray([])).toBe('[]');
  });

  it('keeps rows whole across arenas: a row larger than an arena, and batches spanning several', () => {
    const texts = [row(1), row(2, 'x'.repeat(300_000)), ...Array.from({ length: 5_000 }, (_, i) => row(i + 3, 'y'.repeat(200)))];
    const refs = texts.map(storeRow);
    expect(new Set(refs.map((r) => r.arena)).size).toBeGreaterThan(2);
    expect(JSON.parse(rowsAsJsonArray(refs))).toEqual(texts.map((t) => JSON.parse(t)));
    expect(rowText(refs[1])).toBe(texts[1]);
  });
});
