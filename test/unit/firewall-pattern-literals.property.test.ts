import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { literalPrefilter, requiredLiterals } from '../../server/src/gateway/policies/pattern-literals.js';

describe('deny pattern literals', () => {
  it('finds the literals every match needs', () => {
    expect(requiredLiterals('(?i)(internal only|project\\s+falcon)')).toEqual({ literals: ['internal only', 'project'], caseInsensitive: true });
    expect(requiredLiterals('colou?r')).toEqual({ literals: ['colour', 'color'], caseInsensitive: false });
    expect(requiredLiterals('\\bsecret[0-9]+\\.txt$')).toEqual({ literals: ['secret'], caseInsensitive: false });
    expect(requiredLiterals('(?:top|very)\\s(?P<w>secret)+')).toEqual({ literals: ['secret'], caseInsensitive: false });
  });

  it('gives up on syntax it does not model, and on literals too short to help', () => {
    for (const pattern of ['\\Qa|b\\E', 'abc{', 'abc{,2}', '(?i:abc)def', 'def(?i)abc', '\\p{L}abcd', '\\x41bcd', 'ab', 'abc|.*', 'abc|d', '(?-i)abc']) {
      expect(requiredLiterals(pattern), pattern).toBeUndefined();
    }
  });

  it('folds case as RE2 does, long s and Kelvin sign included', () => {
    for (const [pattern, text] of [
      ['(?i)status', 'STATU\u017f'],
      ['(?i)kelvin', '\u212aELVIN'],
      ['(?i)Project', 'pROJECT'],
    ]) {
      expect(RE2JS.compile(pattern).test(text), pattern).toBe(true);
      expect(literalPrefilter(pattern)!(text), pattern).toBe(true);
    }
    expect(literalPrefilter('Project')!('project')).toBe(false);
  });
});

/**
 * Random patterns over a small alphabet (so matches are frequent) in the syntax the literal
 * finder models and some it does not, against random texts: whenever RE2 finds a match, the
 * prefilter must let the text through.
 */
const WORDS = ['ask', 'bak', 'sks', 'kas', 'ab'];
const atom: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...WORDS, 'ASK', 'bAK', 'a', 's', 'k', 'S', 'K', ' ', '\\-', '\\.', '-', 'é'),
    fc.constantFrom('[ab]', '[^a]', '[]a]', '[[:alpha:]]', '.', '\\s', '\\d', '\\w', '\\b', '^', '$', '\\pL', '\\Qa|\\E', 'a{', '(?s)'),
    fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{1,2}', '{2}', '{0,1}', '{1,}', '+?', '*?')).map(([n, q]) => `(?:${n})${q}`),
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((parts) => `(?:${parts.join('|')})`),
    tie('node').map((n) => `(${n})`),
    tie('node').map((n) => `(?P<g>${n})`),
    tie('node').map((n) => `(?i:${n})`),
  ),
})).node;
const pattern = fc.tuple(fc.constantFrom('', '(?i)', '(?is)'), atom).map(([flags, body]) => flags + body);
const text = fc
  .array(fc.constantFrom(...WORDS, 'ASK', 'bAK', 'SkS', 'KAS', 'a', 'b', 's', 'k', 'S', 'K', '\u017f', '\u212a', ' ', '-', '.', '1', 'é', 'É', '|'), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

describe('deny pattern prefilter (property)', () => {
  it('never turns away a text the pattern matches', () => {
    let checked = 0;
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 8, maxLength: 8 }), (p, texts) => {
        let re: RE2JS;
        try {
          re = RE2JS.compile(p);
        } catch {
          return; // RE2 refuses it: never saved as a policy
        }
        const mayMatch = literalPrefilter(p);
        if (!mayMatch) return;
        for (const t of texts) {
          if (re.test(t)) {
            checked++;
            expect(mayMatch(t), `${p} on ${JSON.stringify(t)}`).toBe(true);
          }
        }
      }),
      { numRuns: 4000 },
    );
    // The generator must reach the interesting case often, or the property says little.
    expect(checked).toBeGreaterThan(500);
  });
});
