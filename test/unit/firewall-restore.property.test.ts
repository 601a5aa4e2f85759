import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restorePlaceholders, StreamingRestorer } from '../../server/src/gateway/policies/restore.js';

const placeholders = new Map([
  ['<EMAIL_1>', 'jane@example.com'],
  ['<EMAIL_10>', 'ten@example.com'],
  ['<PHONE_1>', '+1 415-555-0132'],
  ['<CREDIT_CARD_2>', '4111 1111 1111 1111'],
]);
const longest = Math.max(...[...placeholders.keys()].map((p) => p.length));

/** Text made of placeholders, near-misses and ordinary words, so prefixes and '<' abound. */
const piece = fc.oneof(
  fc.constantFrom(...placeholders.keys()),
  fc.constantFrom('<', '<EMAIL_', '<EMAIL_1', '<PHONE>', '< b', '<<', '>', 'a<b', '<UNKNOWN_3>'),
  fc.string({ maxLength: 12 }),
);

function chunked(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

describe('StreamingRestorer', () => {
  it('restores exactly what a whole-text restore gives, however the text is chunked, holding back less than one placeholder', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (pieces, cuts) => {
        const text = pieces.join('');
        const restorer = new StreamingRestorer(placeholders);
        let out = '';
        for (const chunk of chunked(text, cuts)) {
          out += restorer.push(chunk);
          // Never holds more than a placeholder could span.
          expect((restorer as unknown as { held: string }).held.length).toBeLessThan(longest);
        }
        out += restorer.flush();
        expect(out).toBe(restorePlaceholders(text, placeholders));
      }),
      { numRuns: 2000 },
    );
  });

  it('holds a split placeholder until it completes', () => {
    const r = new StreamingRestorer(placeholders);
    expect(r.push('Mail <EMA')).toBe('Mail ');
    expect(r.push('IL_1')).toBe('');
    expect(r.push('0> now')).toBe('ten@example.com now');
    expect(r.push(' <b>')).toBe(' <b>');
    expect(r.flush()).toBe('');
  });

  it('passes text through untouched when nothing was redacted', () => {
    const r = new StreamingRestorer(new Map());
    expect(r.push('a <EMAIL_1')).toBe('a <EMAIL_1');
  });
});
