import { randomFillSync } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): the Unix time in milliseconds in its first 48 bits, then 74 random
 * bits, so ids made one after another sort together. usage_event's primary key and its request-id
 * key are B-trees: random (v4) ids put every new row on a random leaf page, while these append at
 * the right edge. With 1.5 M events stored, PostgreSQL's work per inserted event fell from 47–58 to
 * 31–36 µs (bench/RESULTS.md, session 10), with fewer full-page images in the WAL after each
 * checkpoint; the embedded database's, with 500 k stored, by a third.
 *
 * Hand-written rather than the uuid package's v7: that costs ~3.4 µs per id here (a
 * getRandomValues call per id). Two are made per /v1 request (its request id and its usage event's
 * id), so the text is written byte by byte into one scratch buffer and read out as one string:
 * random bytes are drawn in bulk, and nothing else is allocated. Node's randomUUID(), used before,
 * formats its text by concatenating 20 pieces, ~1.5 KB of garbage per id (V8's sampling heap
 * profiler, bench/RESULTS.md, session 15). Ids of the same millisecond are not ordered among
 * themselves, which costs an index nothing: they land on the same page.
 */
export function timeOrderedUuid(ms: number = Date.now()): string {
  const t = Math.max(0, Math.min(MAX_MS, Math.floor(ms) || 0));
  const high = Math.floor(t / 256);
  if (high !== highOf) {
    // The first 10 of the 12 hex digits change every 256 ms: written once for those 256 ms.
    const hex = high.toString(16).padStart(10, '0');
    text.write(`${hex.slice(0, 8)}-${hex.slice(8)}`, 0, 'latin1');
    highOf = high;
  }
  writeHexByte(11, t % 256);
  if (randomAt + RANDOM_BYTES_PER_ID > random.length) {
    randomFillSync(random);
    randomAt = 0;
  }
  const r = randomAt;
  randomAt += RANDOM_BYTES_PER_ID;
  // xxxxxxxx-xxxx-7aaa-vbbb-bbbbbbbbbbbb: rand_a (12 bits), the variant (10) and 2 bits, rand_b's other 60.
  text[15] = HEX[random[r] & 15];
  writeHexByte(16, random[r + 1]);
  text[19] = HEX[8 | (random[r + 2] & 3)];
  text[20] = HEX[random[r + 2] >> 4];
  writeHexByte(21, random[r + 3]);
  for (let i = 0; i < 6; i++) writeHexByte(24 + 2 * i, random[r + 4 + i]);
  return text.toString('latin1', 0, 36);
}

function writeHexByte(at: number, byte: number): void {
  text[at] = HEX[byte >> 4];
  text[at + 1] = HEX[byte & 15];
}

const MAX_MS = 2 ** 48 - 1;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** The id being written; the dashes and the version digit never change. */
const text = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
/** Random bits per id: 74 used of 80. */
const RANDOM_BYTES_PER_ID = 10;
const random = Buffer.alloc(RANDOM_BYTES_PER_ID * 256);
let randomAt = random.length;
/** The time's first 10 hex digits ("xxxxxxxx-xx") in `text` are for these 256 ms. */
let highOf = Number.NaN;
