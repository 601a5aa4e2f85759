import type { BuildRequestInput, BuiltRequest, StreamObservation, StreamObserver, TokenUsage, WireAdapter } from './adapter.js';
import type { SseEvent } from '../sse.js';
import {
  failureFromErrorFrame,
  isRecord,
  joinUrl,
  buildHeaders,
  parseFrame,
  parseUpstreamError,
  rewriteBody,
  isErrorBodyOf,
  joinText,
} from './common.js';
import { finishFromChat, usageFromChat } from '../formats/openai-chat.js';
import type { FinishReason } from '../pivot.js';

const PATH = '/chat/completions';

// Shared, frozen results: most frames produce one of these, so no allocation per frame.
const CONTENT: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: false });
const QUIET: StreamObservation = Object.freeze({ meaningful: false, drop: false, done: false });
const DROPPED: StreamObservation = Object.freeze({ meaningful: false, drop: true, done: false });
const DONE: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: true });

/** finish_reason of each choice that has one (normalised to the pivot's vocabulary). */
function finishOfChoices(choices: unknown, into: FinishReason[]): void {
  if (!Array.isArray(choices)) return;
  for (const choice of choices) if (isRecord(choice) && typeof choice.finish_reason === 'string') into.push(finishFromChat(choice.finish_reason));
}

export function readChatUsage(json: unknown): TokenUsage | undefined {
  return isRecord(json) ? usageFromChat(json.usage) : undefined;
}

function buildRequest(input: BuildRequestInput): BuiltRequest {
  const removedParams: string[] = [];
  const body = rewriteBody(input, removedParams);
  let injectedStreamUsage = false;
  if (input.stream && input.endpoint.supportsStreamUsage && !input.endpoint.stripParams.includes('stream_options')) {
    const options = body.stream_options;
    if (!isRecord(options) || options.include_usage !== true) {
      // Usage is the only source of exact token counts for billing a stream.
      body.stream_options = isRecord(options) ? { ...options, include_usage: true } : { include_usage: true };
      injectedStreamUsage = true;
    }
  }
  return {
    url: joinUrl(input.endpoint.baseUrl, PATH),
    headers: buildHeaders(input),
    body: JSON.stringify(body),
    injectedStreamUsage,
    removedParams,
  };
}

/** A frame with a choice in it (JSON whitespace allowed). */
const HAS_CHOICE = /"choices"\s*:\s*\[\s*\{/;

/**
 * A frame that may carry an error, usage or a finish reason (the last chunk of a choice names it;
 * mid-stream ones say null), so it is parsed at once. One regex pass: five substring searches over
 * every frame were about 1.3 µs of a frame's 2.5 µs in a micro-benchmark of the mock's stream.
 */
const NEEDS_PARSE = /"error"|"usage"\s*:\s*\{|"finish_reason"\s*:(?!\s*null\b)/;

/** Frames kept unparsed for a late token estimate, up to this many characters; past it, text is collected as it comes. */
const DEFERRED_TEXT_LIMIT = 256 * 1024;

/**
 * OpenAI's own content delta: one choice whose delta is only `content`. Such a frame is kept as
 * its content's JSON string literal instead of whole: a stream outlives several scavenges, and the
 * whole frames (about 240 bytes each, against a token of a few characters) were the largest item
 * the garbage collector promoted per streamed request.
 */
const CONTENT_DELTA = /"choices":\[\{"index":0,"delta":\{"content":"(?:[^"\\]|\\.)*"\},"logprobs":null,"finish_reason":null\}\]/g;
const CONTENT_KEY = '"delta":{"content":';
const CONTENT_DELTA_TAIL = '},"logprobs":null,"finish_reason":null}]'.length;

/**
 * The JSON string literal of a frame's content when the frame is an OpenAI content delta. Found
 * through the global regex's lastIndex rather than a capture: no match array per frame. The
 * literal is the last `"delta":{"content":` before the match's end (inside a string literal
 * quotes are escaped, so it cannot contain that key).
 */
export function contentLiteral(data: string): string | undefined {
  // lastIndex is 0 between calls: a failed test resets it, a match is followed by the reset below.
  if (!CONTENT_DELTA.test(data)) return undefined;
  const end = CONTENT_DELTA.lastIndex - CONTENT_DELTA_TAIL;
  CONTENT_DELTA.lastIndex = 0;
  return data.slice(data.lastIndexOf(CONTENT_KEY, end) + CONTENT_KEY.length, end);
}

/**
 * Most frames are plain content deltas. They are recognised by substring and kept raw: their text
 * is only needed for an estimate when the stream never reports usage, which is then parsed once
 * at the end. Frames that may carry usage or an error are always parsed.
 */
class ChatStreamObserver implements StreamObserver {
  private text = '';
  private deferred: string[] = [];
  private deferredChars = 0;
  private tokens: TokenUsage | undefined;
  private readonly finishes: FinishReason[] = [];
  /**
   * A frame with a choice was seen. Whether a frame is meaningful only matters until then (the
   * relay commits at the first one), so later frames skip the choice test: one regex pass a frame.
   * A choice-less frame deferred after it yields no text when parsed for the estimate.
   */
  private answered = false;

  constructor(private readonly hideUsageChunk: boolean) {}

  observe(event: SseEvent): StreamObservation {
    const data = event.data;
    if (data === '[DONE]') return DONE;
    if (this.deferredChars < DEFERRED_TEXT_LIMIT && (this.answered || HAS_CHOICE.test(data)) && !NEEDS_PARSE.test(data)) {
      this.answered = true;
      // Short matches are copies; only a long token's literal still points into its frame.
      const kept = contentLiteral(data) ?? data;
      this.deferred.push(kept);
      this.deferredChars += kept.length;
      return CONTENT;
    }
    const frame = parseFrame(data);
    if (frame === undefined) return data.trim() === '' ? QUIET : CONTENT;
    if (isRecord(frame.error)) {
      return { meaningful: true, drop: false, done: false, error: failureFromErrorFrame(frame.error, 'The provider stream reported an error.') };
    }
    const usage = readChatUsage(frame);
    if (usage !== undefined) this.tokens = usage;
    const choices = frame.choices;
    if (Array.isArray(choices) && choices.length > 0) {
      this.answered = true;
      this.collectChoices(choices);
      finishOfChoices(choices, this.finishes);
      return CONTENT;
    }
    if (usage !== undefined) return this.hideUsageChunk ? DROPPED : CONTENT;
    // e.g. Azure's leading prompt_filter_results chunk: harmless, but not output.
    return QUIET;
  }

  private collectChoices(choices: unknown[]): void {
    for (const choice of choices) if (isRecord(choice) && isRecord(choice.delta)) this.collect(choice.delta);
  }

  private collect(delta: Record<string, unknown>): void {
    if (typeof delta.content === 'string') this.text += delta.content;
    if (typeof delta.reasoning_content === 'string') this.text += delta.reasoning_content;
    if (typeof delta.refusal === 'string') this.text += delta.refusal;
    const calls = delta.tool_calls;
    if (Array.isArray(calls)) {
      for (const call of calls) {
        if (!isRecord(call) || !isRecord(call.function)) continue;
        if (typeof call.function.name === 'string') this.text += call.function.name;
        if (typeof call.function.arguments === 'string') this.text += call.function.arguments;
      }
    }
  }

  usage(): TokenUsage | undefined {
    return this.tokens;
  }

  finishReasons(): readonly FinishReason[] {
    return this.finishes;
  }

  outputText(): string {
    if (this.deferred.length > 0) {
      // Deferred frames came before any text collected eagerly (eager collection starts at the limit).
      const eager = this.text;
      this.text = '';
      for (const data of this.deferred) {
        // A content delta's string literal (see CONTENT_DELTA), or a whole frame.
        if (data.charCodeAt(0) === 34 /* " */) {
          this.text += JSON.parse(data) as string;
          continue;
        }
        const frame = parseFrame(data);
        if (frame && Array.isArray(frame.choices)) this.collectChoices(frame.choices);
      }
      this.text += eager;
      this.deferred = [];
    }
    return this.text;
  }
}

export const openAiChatAdapter: WireAdapter = {
  surface: 'chat',
  format: 'openai',
  path: PATH,
  buildRequest,
  readUsage: readChatUsage,
  readFinishReasons: (json) => {
    const out: FinishReason[] = [];
    if (isRecord(json)) finishOfChoices(json.choices, out);
    return out;
  },
  isErrorBody: (json) => isErrorBodyOf(json, 'choices'),
  readOutputText: (json) =>
    isRecord(json) && Array.isArray(json.choices) ? joinText(json.choices.map((c) => (isRecord(c) && isRecord(c.message) ? c.message.content : undefined))) : '',
  observeStream: ({ hideUsageChunk }) => new ChatStreamObserver(hideUsageChunk),
  parseError: parseUpstreamError,
};
