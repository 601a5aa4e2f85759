import { describe, expect, it } from 'vitest';
import { jsonbArrayOf, RowArena, rowText, type ArenaRow } from '../../server/src/services/usage/row-arena.js';

const rowOf = (i: number, pad = 600) => JSON.stringify([`req-${i}`, 'modèle·😀 \u2028', 'x'.repeat(pad)]);

describe('RowArena', () => {
  it('gives back each row as appended, across chunks, including multi-byte text', () => {
    const arena = new RowArena();
    // ~4 MB of rows: several 1 MB chunks.
    const texts = Array.from({ length: 6_000 }, (_, i) => rowOf(i));
    const rows = texts.map((t) => arena.append(t));
    expect(new Set(rows.map((r) => r.chunk)).size).toBeGreaterThan(2);
    expect(rows.map(rowText)).toEqual(texts);
    const batch = jsonbArrayOf(rows);
    expect(batch[0]).toBe(1);
    expect(JSON.parse(batch.toString('utf8', 1))).toEqual(texts.map((t) => JSON.parse(t)));
  });

  it('never cuts a row at the end of a chunk, however many bytes its characters take', () => {
    const arena = new RowArena();
    // Three UTF-8 bytes per character: a row takes three times its length in bytes.
    const texts = Array.from({ length: 3_000 }, (_, i) => JSON.stringify([`req-${i}`, '€'.repeat(300 + (i % 97))]));
    const rows = texts.map((t) => arena.append(t));
    expect(new Set(rows.map((r) => r.chunk)).size).toBeGreaterThan(2);
    expect(rows.map(rowText)).toEqual(texts);
  });

  it('holds a row larger than a chunk', () => {
    const arena = new RowArena();
    const big = rowOf(1, 2_000_000);
    const small = arena.append(rowOf(0));
    const row = arena.append(big);
    expect(rowText(row)).toBe(big);
    expect(rowText(small)).toBe(rowOf(0));
  });

  it('reuses a chunk only once every row in it is released, and never overwrites a queued row', () => {
    const arena = new RowArena();
    const queued: { row: ArenaRow; text: string }[] = [];
    const seen = new Set<ArenaRow['chunk']>();
    let n = 0;
    // A writer's life: rows queue up, the oldest batch is written and released, repeatedly.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1_000; i++, n++) {
        const text = rowOf(n, 400 + (n % 300));
        const row = arena.append(text);
        seen.add(row.chunk);
        queued.push({ row, text });
      }
      const written = queued.splice(0, round % 3 === 2 ? queued.length : 700);
      expect(written.map((w) => rowText(w.row))).toEqual(written.map((w) => w.text));
      arena.release(written.map((w) => w.row));
      // What is still queued is intact after the release.
      expect(queued.map((q) => rowText(q.row))).toEqual(queued.map((q) => q.text));
    }
    // ~13 MB appended; recycled chunks kept the arena to a handful.
    expect(seen.size).toBeLessThanOrEqual(5);
  });

  it('makes an empty batch an empty array', () => {
    const batch = jsonbArrayOf([]);
    expect(batch.toString('utf8', 1)).toBe('[]');
  });
});
