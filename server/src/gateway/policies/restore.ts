/**
 * Puts redacted values back into an answer. Placeholders all look like `<TYPE_N>` and contain no
 * other `<`, so the only text that can be the start of a placeholder split across chunks is the
 * tail from the last `<`: the streaming restorer holds back that tail, and only while it is a
 * proper prefix of a placeholder of this request (never more than the longest placeholder).
 */
const PLACEHOLDER = /<[A-Z_]+_\d+>/g;

export function restorePlaceholders(text: string, placeholders: ReadonlyMap<string, string>): string {
  if (placeholders.size === 0 || !text.includes('<')) return text;
  return text.replace(PLACEHOLDER, (p) => placeholders.get(p) ?? p);
}

export class StreamingRestorer {
  private held = '';
  private readonly maxLength: number;

  constructor(private readonly placeholders: ReadonlyMap<string, string>) {
    let max = 0;
    for (const p of placeholders.keys()) max = Math.max(max, p.length);
    this.maxLength = max;
  }

  /** Text safe to send now; a possible placeholder prefix at the end is kept for the next call. */
  push(chunk: string): string {
    const text = this.held + chunk;
    const lt = text.lastIndexOf('<');
    let cut = text.length;
    if (lt >= 0 && text.length - lt < this.maxLength && this.isPlaceholderPrefix(text.slice(lt))) cut = lt;
    this.held = text.slice(cut);
    return restorePlaceholders(text.slice(0, cut), this.placeholders);
  }

  /** Whatever is held at the end of the stream (an incomplete placeholder is sent as it is). */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  private isPlaceholderPrefix(tail: string): boolean {
    for (const p of this.placeholders.keys()) if (p.length > tail.length && p.startsWith(tail)) return true;
    return false;
  }
}
