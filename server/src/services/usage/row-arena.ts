/**
 * Where queued usage rows wait for their batch: UTF-8 bytes in Buffers outside the V8 heap, each
 * row followed by a comma, so a run of rows queued one after another is already the inside of the
 * batch's JSON array. As strings on the heap, every queued row (~500 B) was copied by each
 * scavenge it outlived and then promoted. The queue was ~40 % of the gateway's scavenge time
 * under load (14.0 against 8.5 µs per request without it); with its rows here, scavenges took
 * 1.6–1.8 µs less per request (bench/RESULTS.md, session 10).
 *
 * Hand-written: a bump allocator over Buffers, which no library offers in this shape (the pieces
 * are read back as runs, not one by one).
 */

/** A row's place in an arena: bytes [start, end), its comma at `end`. */
export interface RowRef {
  readonly arena: Buffer;
  readonly start: number;
  readonly end: number;
}

/** Bytes per arena: ~500 rows. An arena is freed with the last queued row it holds. */
const ARENA_BYTES = 256 * 1024;

let arena = Buffer.allocUnsafeSlow(0);
let used = 0;

/** Copies `row` (JSON text) into the current arena, starting a new one when it may not fit. */
export function storeRow(row: string): RowRef {
  // At most 3 bytes per UTF-16 code unit, plus the comma.
  const room = row.length * 3 + 1;
  if (arena.length - used < room) {
    arena = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, room));
    used = 0;
  }
  const start = used;
  const end = start + arena.write(row, start, 'utf8');
  arena[end] = COMMA;
  used = end + 1;
  return { arena, start, end };
}

const COMMA = 0x2c;

export function rowText(ref: RowRef): string {
  return ref.arena.toString('utf8', ref.start, ref.end);
}

/**
 * The rows as one JSON array. Rows stored one after another are read back as one piece: a batch
 * (a slice of the queue) is a few pieces, one per arena it spans.
 */
export function rowsAsJsonArray(refs: readonly RowRef[]): string {
  const pieces: string[] = [];
  let i = 0;
  while (i < refs.length) {
    const first = refs[i];
    let last = first;
    while (i + 1 < refs.length && refs[i + 1].arena === last.arena && refs[i + 1].start === last.end + 1) last = refs[++i];
    pieces.push(first.arena.toString('utf8', first.start, last.end));
    i++;
  }
  return `[${pieces.join(',')}]`;
}
