import type { GenerativeSurface } from '../../catalog/types.js';
import { checkAnswerTool, type PolicyBlock, type RequestVerdict } from './evaluate.js';
import { restorePlaceholders, StreamingRestorer } from './restore.js';
import { calledToolNames, streamedToolName } from './tool-names.js';

/**
 * Where a tool call is named in each format's JSON: a complete answer and stream events
 * (calledToolNames / streamedToolName read nothing else).
 */
const TOOL_KEY: Record<GenerativeSurface, string> = { chat: '"tool_calls"', messages: '"tool_use"', responses: '"function_call"' };

/** `<` escaped in JSON (any case of its hex digit). */
function hasEscapedLt(body: string | Buffer): boolean {
  return body.includes('\\u003c') || body.includes('\\u003C');
}

/** One SSE event of the client's format: its `event:` name and its parsed JSON data. */
export interface ClientEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Puts redacted values back into every string of a complete value (answers, final stream events). */
function restoreDeep(value: unknown, placeholders: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return restorePlaceholders(value, placeholders);
  if (Array.isArray(value)) return value.map((v) => restoreDeep(v, placeholders));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = restoreDeep(v, placeholders);
    return out;
  }
  return value;
}

/**
 * Where a stream's text deltas sit in each client format. Only deltas are streamed piecewise;
 * every other string in an event is complete and restored whole.
 */
interface DeltaAccess {
  get(data: Json): string | undefined;
  set(data: Json, text: string): void;
  /** A delta event carrying `text`, shaped like `template` (the last delta seen). */
  make(template: ClientEvent, text: string): ClientEvent;
}

const clone = (data: Json): Json => structuredClone(data);

const DELTAS: Record<GenerativeSurface, DeltaAccess> = {
  chat: {
    get: (d) => {
      const choice = Array.isArray(d.choices) ? d.choices[0] : undefined;
      const delta = isObject(choice) ? choice.delta : undefined;
      return isObject(delta) && typeof delta.content === 'string' ? delta.content : undefined;
    },
    set: (d, text) => (((d.choices as Json[])[0].delta as Json).content = text),
    make: (t, text) => {
      const d = clone(t.data);
      (d.choices as Json[])[0] = { index: 0, delta: { content: text }, finish_reason: null };
      return { event: t.event, data: d };
    },
  },
  messages: {
    get: (d) => (d.type === 'content_block_delta' && isObject(d.delta) && d.delta.type === 'text_delta' && typeof d.delta.text === 'string' ? d.delta.text : undefined),
    set: (d, text) => ((d.delta as Json).text = text),
    make: (t, text) => ({ event: t.event, data: { ...clone(t.data), delta: { type: 'text_delta', text } } }),
  },
  responses: {
    get: (d) => (d.type === 'response.output_text.delta' && typeof d.delta === 'string' ? d.delta : undefined),
    set: (d, text) => (d.delta = text),
    make: (t, text) => ({ event: t.event, data: { ...clone(t.data), delta: text } }),
  },
};

/**
 * The firewall's part of an answer, in the client's format: tool calls checked against the
 * policies' tool rules, and placeholders put back where the policy asked for it. A stream holds
 * back only a possible placeholder prefix of its text, flushed before the next non-text event.
 */
export class AnswerGuard {
  private readonly restorer: StreamingRestorer | undefined;
  private readonly delta: DeltaAccess;
  private lastDelta: ClientEvent | undefined;

  constructor(
    private readonly surface: GenerativeSurface,
    private readonly verdict: RequestVerdict,
  ) {
    this.restorer = verdict.restore ? new StreamingRestorer(verdict.restore) : undefined;
    this.delta = DELTAS[surface];
  }

  /** Whether answers need looking at at all (no policy, no cost). */
  static needed(verdict: RequestVerdict | undefined): verdict is RequestVerdict {
    return verdict !== undefined && (verdict.restore !== undefined || verdict.answerRules.length > 0);
  }

  /** A complete (non-streaming) answer: blocked, or the answer with values restored. */
  guardAnswer(answer: unknown): { block: PolicyBlock } | { answer: unknown } {
    for (const name of calledToolNames(this.surface, answer)) {
      const block = checkAnswerTool(this.verdict, name);
      if (block) return { block };
    }
    return { answer: this.verdict.restore ? restoreDeep(answer, this.verdict.restore) : answer };
  }

  /**
   * A complete answer as its JSON body. Most answers need no parsing: a placeholder can only be
   * there as `<` (or its `\u003c` escape), and a tool call only under the format's tool key, so a
   * body with neither is returned as it is (same object, not even decoded). Without tool rules,
   * placeholders are replaced in the text by their JSON-escaped values: a parse, deep copy and
   * re-serialisation cost more than the redaction itself.
   */
  guardAnswerBody<B extends string | Buffer>(body: B): { block: PolicyBlock } | { body: B | string } {
    const escapes = body.includes('\\u');
    const toolsToCheck = this.verdict.answerRules.length > 0 && (escapes || body.includes(TOOL_KEY[this.surface]));
    const placeholders = this.verdict.restore !== undefined && (body.includes('<') || (escapes && hasEscapedLt(body)));
    if (!toolsToCheck && !placeholders) return { body };
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (!toolsToCheck && !hasEscapedLt(text)) return { body: restorePlaceholders(text, this.jsonEscaped()) };
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return { body };
    }
    const out = this.guardAnswer(answer);
    return 'block' in out ? out : { body: JSON.stringify(out.answer) };
  }

  /** The same for a JSON text (tests and callers holding a string). */
  guardAnswerText(text: string): { block: PolicyBlock } | { text: string } {
    const out = this.guardAnswerBody(text);
    return 'block' in out ? out : { text: out.body };
  }

  /**
   * Whether a stream event's JSON data needs the guard: text is held back, or the data may hold a
   * placeholder or (with tool rules) a tool call. Everything else is relayed unparsed.
   */
  mustInspect(data: string): boolean {
    if (this.restorer?.holding) return true;
    const escapes = data.includes('\\u');
    if (this.restorer && (data.includes('<') || escapes)) return true;
    return this.verdict.answerRules.length > 0 && (escapes || data.includes(TOOL_KEY[this.surface]));
  }

  private jsonEscapedMap: ReadonlyMap<string, string> | undefined;
  private jsonEscaped(): ReadonlyMap<string, string> {
    if (this.jsonEscapedMap) return this.jsonEscapedMap;
    const out = new Map<string, string>();
    for (const [placeholder, value] of this.verdict.restore ?? []) out.set(placeholder, JSON.stringify(value).slice(1, -1));
    return (this.jsonEscapedMap = out);
  }

  /** One stream event: the events to send instead (text held back or flushed), or a block. */
  guardEvent(ev: ClientEvent): { block: PolicyBlock } | { events: ClientEvent[] } {
    const tool = streamedToolName(this.surface, ev.data);
    if (tool !== undefined) {
      const block = checkAnswerTool(this.verdict, tool);
      if (block) return { block };
    }
    if (!this.restorer) return { events: [ev] };
    const text = this.delta.get(ev.data);
    if (text !== undefined) {
      this.lastDelta = ev;
      this.delta.set(ev.data, this.restorer.push(text));
      return { events: [ev] };
    }
    const out = this.flushHeld();
    out.push({ event: ev.event, data: restoreDeep(ev.data, this.verdict.restore!) as Json });
    return { events: out };
  }

  /** Text still held when the stream ends without a further event. */
  end(): ClientEvent[] {
    return this.flushHeld();
  }

  private flushHeld(): ClientEvent[] {
    if (!this.restorer?.holding || !this.lastDelta) return [];
    return [this.delta.make(this.lastDelta, this.restorer.flush())];
  }
}
