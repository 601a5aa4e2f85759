/**
 * Where queued usage rows wait for their batch: as UTF-8 bytes in large buffers outside V8's heap,
 * which the writer recycles once their rows are written.
 *
 * Held as strings, the rows of a batch (about 600 bytes each, up to 500 ms in the queue) survived
 * one or two scavenges each before V8 promoted them: the scavenger copied every row's bytes on the
 * request path; bytes in a recycled off-heap buffer cost it nothing. Under the shared benchmark's
 * load the gateway's scavenges went from 12.5–14.7 to 9.1–11.3 µs per request and their mean pause
 * from 4.9–5.7 to 3.5–4.5 ms (`npm run bench:scavenges`; bench/RESULTS.md, sessions 14 and 15).
 * Written by hand: no library keeps strings off-heap by reference count, and the arena is a few
 * lines over Buffer.
 */

/** One off-heap buffer: rows are appended at `used`; `live` counts those not yet written. */
interface ArenaChunk {
  readonly bytes: Buffer;
  used: number;
  live: number;
}

/** A queued row: its bytes in a chunk, [start, end). */
export interface ArenaRow {
  readonly chunk: ArenaChunk;
  readonly start: number;
  readonly end: number;
}

/** 1 MB: about 1,700 rows, a batch and a half at the default batch size. */
const CHUNK_BYTES = 1 << 20;
/** Spare chunks kept for reuse: the writer holds at most a couple of batches between two drains. */
const SPARE_CHUNKS = 2;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit, so a row of n units always fits in 3n bytes. */
const MAX_BYTES_PER_UNIT = 3;

export class RowArena {
  private current: ArenaChunk = newChunk(CHUNK_BYTES);
  private readonly spares: ArenaChunk[] = [];

  /** Copies `text` into the arena. */
  append(text: string): ArenaRow {
    const room = text.length * MAX_BYTES_PER_UNIT;
    if (this.current.bytes.length - this.current.used < room) this.current = this.nextChunk(room);
    const chunk = this.current;
    const start = chunk.used;
    chunk.used += chunk.bytes.write(text, start, 'utf8');
    chunk.live++;
    return { chunk, start, end: chunk.used };
  }

  /** The rows' chunks may be reused once all their rows are released: call once per written row. */
  release(rows: Iterable<ArenaRow>): void {
    for (const { chunk } of rows) {
      if (--chunk.live > 0) continue;
      chunk.used = 0;
      if (chunk !== this.current && chunk.bytes.length === CHUNK_BYTES && this.spares.length < SPARE_CHUNKS) this.spares.push(chunk);
    }
  }

  private nextChunk(room: number): ArenaChunk {
    // The current chunk stays alive through its rows until they are released.
    if (room > CHUNK_BYTES) return newChunk(room); // one oversized row (a very long attempts list)
    return this.spares.pop() ?? newChunk(CHUNK_BYTES);
  }
}

function newChunk(size: number): ArenaChunk {
  // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared pool.
  return { bytes: Buffer.allocUnsafeSlow(size), used: 0, live: 0 };
}

/** A row's text (for an operator's dead letter; the batch sends bytes). */
export function rowText(row: ArenaRow): string {
  return row.chunk.bytes.toString('utf8', row.start, row.end);
}

/** jsonb's binary input format: a version byte (1), then the JSON text. */
const JSONB_BINARY_VERSION = 1;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * The rows as one JSON array in jsonb's binary wire format, for a `$1::jsonb` parameter: pg sends a
 * Buffer parameter as binary, and PostgreSQL parses the text after the version byte as it would
 * the text form. One copy of each row's bytes; nothing per row on the V8 heap.
 */
export function jsonbArrayOf(rows: readonly ArenaRow[]): Buffer {
  let size = 3 + Math.max(0, rows.length - 1);
  for (const row of rows) size += row.end - row.start;
  const out = Buffer.allocUnsafeSlow(size);
  out[0] = JSONB_BINARY_VERSION;
  out[1] = OPEN;
  let at = 2;
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out[at++] = COMMA;
    const { chunk, start, end } = rows[i];
    at += chunk.bytes.copy(out, at, start, end);
  }
  out[at] = CLOSE;
  return out;
}
