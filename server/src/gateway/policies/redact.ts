import { detectPii } from './pii/detectors.js';
import type { PiiType } from './types.js';

/**
 * Replaces PII in the texts of one request with typed placeholders (`<EMAIL_1>`, `<PHONE_2>`, …).
 * The same value gets the same placeholder everywhere in the request, so the model can still
 * refer to "the same person", and the table maps placeholders back for the answer.
 */
export class Redactor {
  /** placeholder → original value, for restoring the answer. Never logged or stored. */
  readonly placeholders = new Map<string, string>();
  /** Per type: value → placeholder. */
  private readonly byValue = new Map<PiiType, Map<string, string>>();
  /** Matches replaced per PII type (decisions record counts, never the text). */
  readonly counts = new Map<PiiType, number>();

  constructor(private readonly types: readonly PiiType[]) {}

  redact(text: string): string {
    const matches = detectPii(text, this.types);
    if (matches.length === 0) return text;
    let out = '';
    let at = 0;
    for (const m of matches) {
      out += text.slice(at, m.start) + this.placeholderFor(m.type, text.slice(m.start, m.end));
      at = m.end;
      this.counts.set(m.type, (this.counts.get(m.type) ?? 0) + 1);
    }
    return out + text.slice(at);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  private placeholderFor(type: PiiType, value: string): string {
    let ofType = this.byValue.get(type);
    if (!ofType) this.byValue.set(type, (ofType = new Map()));
    const known = ofType.get(value);
    if (known) return known;
    const placeholder = `<${type}_${ofType.size + 1}>`;
    ofType.set(value, placeholder);
    this.placeholders.set(placeholder, value);
    return placeholder;
  }
}
