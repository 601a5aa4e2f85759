import type { StreamObservation, StreamObserver, TokenUsage, WireAdapter } from './adapter.js';
import type { SseEvent } from '../sse.js';
import type { FinishReason } from '../pivot.js';
import { buildJsonRequest, failureFromErrorFrame, finiteNumber, isRecord, parseFrame, parseUpstreamError, isErrorBodyOf, joinText } from './common.js';

const PATH = '/responses';

const CONTENT: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: false });
const QUIET: StreamObservation = Object.freeze({ meaningful: false, drop: false, done: false });
const DONE: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: true });

/** `output_text` (the SDK convenience some servers send) plus the text parts of every output item. */
function readResponsesText(json: unknown): string {
  if (!isRecord(json)) return '';
  const parts: unknown[] = [json.output_text];
  if (Array.isArray(json.output)) {
    for (const item of json.output) if (isRecord(item) && Array.isArray(item.content)) for (const c of item.content) parts.push(isRecord(c) ? c.text : undefined);
  }
  return joinText(parts);
}

export function readResponsesUsage(json: unknown): TokenUsage | undefined {
  if (!isRecord(json) || !isRecord(json.usage)) return undefined;
  const input = finiteNumber(json.usage.input_tokens);
  const output = finiteNumber(json.usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: TokenUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const cached = isRecord(json.usage.input_tokens_details) ? finiteNumber(json.usage.input_tokens_details.cached_tokens) : undefined;
  if (cached) usage.cacheReadTokens = cached;
  const searches = webSearchCallsOf(json.output);
  if (searches > 0) usage.webSearchCalls = searches;
  return usage;
}

/** The hosted web searches a response made: OpenAI bills each `web_search_call` item, not in `usage`. */
function webSearchCallsOf(output: unknown): number {
  if (!Array.isArray(output)) return 0;
  let calls = 0;
  for (const item of output) if (isRecord(item) && item.type === 'web_search_call') calls++;
  return calls;
}

/** Output item types that are the model calling a tool (the answer stops for the caller to run it). */
const TOOL_CALL_ITEM = /_call$/;

/**
 * The Responses API has no finish reason; one is derived from the response as the other formats
 * would say it: incomplete for max_output_tokens = length, content_filter = content_filter, a
 * completed response ending in tool calls = tool_calls, else stop. Nothing for a failed one.
 */
export function readResponsesFinish(json: unknown): FinishReason[] {
  if (!isRecord(json)) return [];
  if (json.status === 'incomplete') {
    const reason = isRecord(json.incomplete_details) ? json.incomplete_details.reason : undefined;
    return [reason === 'content_filter' ? 'content_filter' : 'length'];
  }
  if (json.status !== 'completed') return [];
  const calls = Array.isArray(json.output) && json.output.some((item) => isRecord(item) && typeof item.type === 'string' && TOOL_CALL_ITEM.test(item.type));
  return [calls ? 'tool_calls' : 'stop'];
}

/** Events whose `delta` is generated text (kept for a token estimate when usage never arrives). */
const TEXT_DELTAS: ReadonlySet<string> = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
  'response.custom_tool_call_input.delta',
]);

class ResponsesStreamObserver implements StreamObserver {
  private text = '';
  private tokens: TokenUsage | undefined;
  private finish: FinishReason[] = [];

  observe(event: SseEvent): StreamObservation {
    const frame = parseFrame(event.data);
    if (frame === undefined) return event.data.trim() === '' ? QUIET : CONTENT;
    const type = typeof frame.type === 'string' ? frame.type : event.event;
    if (type === undefined) return CONTENT;
    if (TEXT_DELTAS.has(type)) {
      if (typeof frame.delta === 'string') this.text += frame.delta;
      return CONTENT;
    }
    switch (type) {
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed': {
        const response = isRecord(frame.response) ? frame.response : undefined;
        const usage = readResponsesUsage(response);
        if (usage !== undefined) this.tokens = usage;
        this.finish = readResponsesFinish(response);
        if (type === 'response.failed') {
          const err = response !== undefined && isRecord(response.error) ? response.error : {};
          return { meaningful: true, drop: false, done: true, error: failureFromErrorFrame(err, 'The provider reported a failed response.') };
        }
        return DONE;
      }
      case 'error': {
        // Older streams put code/message at the top level, newer ones nest them under `error`.
        const err = isRecord(frame.error) ? frame.error : frame;
        return { meaningful: true, drop: false, done: false, error: failureFromErrorFrame(err, 'The provider stream reported an error.') };
      }
      default:
        return CONTENT;
    }
  }

  usage(): TokenUsage | undefined {
    return this.tokens;
  }

  outputText(): string {
    return this.text;
  }

  finishReasons(): readonly FinishReason[] {
    return this.finish;
  }
}

export const openAiResponsesAdapter: WireAdapter = {
  surface: 'responses',
  format: 'openai',
  path: PATH,
  buildRequest: (input) => buildJsonRequest(input, PATH),
  readUsage: readResponsesUsage,
  readFinishReasons: readResponsesFinish,
  isErrorBody: (json) => isErrorBodyOf(json, 'output'),
  readOutputText: readResponsesText,
  observeStream: () => new ResponsesStreamObserver(),
  parseError: parseUpstreamError,
};
