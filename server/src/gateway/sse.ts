import { StringDecoder } from 'node:string_decoder';

/**
 * Server-sent events framing (WHATWG "event stream" interpretation), incremental and byte-safe.
 * Only `event`, `data` and `id` matter to the gateway; `retry` and unknown fields are ignored.
 */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Largest event the gateway reads. The biggest legitimate ones are Responses' `response.completed`
 * (the whole answer, echoed instructions and tools); an upstream that sends more without ending
 * the event is broken or hostile, and buffering it would grow memory without bound. Counted in
 * UTF-16 units by the parser and in bytes by the byte-level relay.
 */
export const MAX_SSE_EVENT_BYTES = 4 * 1024 * 1024;

export class SseEventTooLargeError extends Error {
  constructor() {
    super(`upstream stream sent an event over ${MAX_SSE_EVENT_BYTES / (1024 * 1024)} MiB`);
    this.name = 'SseEventTooLargeError';
  }
}

// One regex pass finds every terminator; a lone CR is a line end too (the spec allows it).
const LINE_END = /\r\n|\r|\n/g;
const NEWLINES = /\r\n|\r|\n/;

export class SseParser {
  // StringDecoder rather than TextDecoder: the same handling of a UTF-8 sequence split across
  // chunks, without TextDecoder's per-call converter set-up in streaming mode (a measurable cost
  // at one call per upstream chunk). It keeps a BOM, which feed() strips.
  private readonly decoder = new StringDecoder('utf8');
  /** Text of a line not yet terminated. */
  private partial = '';
  /** The previous chunk ended in CR: a leading LF of the next chunk belongs to that CR. */
  private pendingCr = false;
  private started = false;
  private eventType: string | undefined = undefined;
  private id: string | undefined = undefined;
  private data = '';
  private hasData = false;

  /** The complete events in `chunk`, appended to `out` when given (the relay reuses one array per stream). */
  push(chunk: Uint8Array | string, out: SseEvent[] = []): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length > 0) this.feed(text, out);
    return out;
  }

  /** End of stream: emits a trailing event even without its blank line (upstreams do cut it off). */
  flush(out: SseEvent[] = []): SseEvent[] {
    const rest = this.decoder.end();
    if (rest.length > 0) this.feed(rest, out);
    if (this.partial.length > 0) {
      const line = this.partial;
      this.partial = '';
      this.processLine(line, out);
    }
    this.pendingCr = false;
    this.dispatch(out);
    return out;
  }

  private feed(text: string, out: SseEvent[]): void {
    let start = 0;
    if (!this.started) {
      this.started = true;
      // A leading BOM is not part of the stream (neither the decoder nor string input drops it).
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(start) === 10) start++;
    }
    // Nearly every upstream ends lines with LF alone: then indexOf finds them faster than the regex.
    if (text.indexOf('\r', start) < 0) {
      let end: number;
      while ((end = text.indexOf('\n', start)) >= 0) {
        if (this.partial.length > 0) {
          const line = this.partial + text.slice(start, end);
          this.partial = '';
          this.processLine(line, out);
        } else if (end === start) {
          this.dispatch(out);
        } else if (text.startsWith('data:', start)) {
          // Nearly every line: its value is cut from the chunk's text at once, not from a line cut first.
          this.appendData(text.slice(text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end));
        } else {
          this.processLine(text.slice(start, end), out);
        }
        start = end + 1;
      }
    } else {
      start = this.feedLines(text, start, out);
    }
    if (start < text.length) this.partial += text.slice(start);
    if (this.partial.length + this.data.length > MAX_SSE_EVENT_BYTES) throw new SseEventTooLargeError();
  }

  /** Lines ended by CRLF, CR or LF, in any mix; returns where the unterminated rest begins. */
  private feedLines(text: string, start: number, out: SseEvent[]): number {
    LINE_END.lastIndex = start;
    let m: RegExpExecArray | null;
    while ((m = LINE_END.exec(text)) !== null) {
      let line = text.slice(start, m.index);
      if (this.partial.length > 0) {
        line = this.partial + line;
        this.partial = '';
      }
      start = m.index + m[0].length;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === '\r' && start === text.length) this.pendingCr = true;
      this.processLine(line, out);
    }
    return start;
  }

  private processLine(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return; // comment / keep-alive
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.appendData(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        break;
    }
  }

  private appendData(value: string): void {
    if (this.hasData) this.data += '\n' + value;
    else {
      this.data = value;
      this.hasData = true;
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.hasData) {
      const ev: SseEvent = { data: this.data };
      if (this.eventType !== undefined && this.eventType !== '') ev.event = this.eventType;
      if (this.id !== undefined) ev.id = this.id;
      out.push(ev);
    }
    this.data = '';
    this.hasData = false;
    this.eventType = undefined;
    this.id = undefined;
  }
}

export function serializeSse(event: SseEvent): string {
  let head = '';
  if (event.event !== undefined) head += `event: ${event.event}\n`;
  if (event.id !== undefined) head += `id: ${event.id}\n`;
  const data = event.data;
  if (!NEWLINES.test(data)) return `${head}data: ${data}\n\n`;
  return `${head}data: ${data.split(NEWLINES).join('\ndata: ')}\n\n`;
}
