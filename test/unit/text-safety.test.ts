import { describe, expect, it } from 'vitest';
import { cleanText, hasUnsafeText } from '../../server/src/gateway/text-safety.js';

describe('text safety (audit HIGH-1)', () => {
  it('flags C0/C1 controls and lone surrogates, not emoji, RTL marks or non-Latin scripts', () => {
    for (const bad of ['x\u0000', '\u0007', 'a\r\nb', 'x\u007f', 'x\u0085', 'x\ud800', '\udc00x', 'a\ud800b']) {
      expect(hasUnsafeText(bad), JSON.stringify(bad)).toBe(true);
    }
    for (const ok of ['gpt-4o-mini', 'gpt-🤖', 'gpt‮x', 'модель', 'مدل', 'ｇｐｔ']) expect(hasUnsafeText(ok), ok).toBe(false);
  });

  it('cleans text to relay: control runs become one space, lone surrogates U+FFFD', () => {
    expect(cleanText('a\u0000\u0001b\ud800c 🤖')).toBe('a b\ufffdc 🤖');
  });
});
