import type { BuildRequestInput, BuiltRequest, StreamObservation, StreamObserver, TokenUsage, WireAdapter } from './adapter.js';
import type { SseEvent } from '../sse.js';
import { finishFromAnthropic, usageFromAnthropic } from '../formats/anthropic-messages.js';
import { completeUsage, mergeUsage, type FinishReason } from '../pivot.js';
import { buildJsonRequest, failureFromErrorFrame, isRecord, parseFrame, parseUpstreamError, isErrorBodyOf, joinText } from './common.js';

const PATH = '/messages';
/** The Messages wire format requires a version header; used only when neither catalog nor client sets one. */
const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

const CONTENT: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: false });
const QUIET: StreamObservation = Object.freeze({ meaningful: false, drop: false, done: false });
const DONE: StreamObservation = Object.freeze({ meaningful: true, drop: false, done: true });

export function readMessagesUsage(json: unknown): TokenUsage | undefined {
  const usage = isRecord(json) ? usageFromAnthropic(json.usage) : undefined;
  return usage && completeUsage(usage);
}

class MessagesStreamObserver implements StreamObserver {
  private text = '';
  /** The counts the stream's frames reported so far, each as the latest frame that had it said. */
  private counted: Partial<TokenUsage> | undefined;
  private finish: FinishReason[] = [];

  observe(event: SseEvent): StreamObservation {
    const frame = parseFrame(event.data);
    const type = frame !== undefined && typeof frame.type === 'string' ? frame.type : event.event;
    if (frame === undefined) {
      if (type === 'error') {
        return { meaningful: true, drop: false, done: false, error: failureFromErrorFrame({ message: event.data }, 'The provider stream reported an error.') };
      }
      return type === 'ping' || event.data.trim() === '' ? QUIET : CONTENT;
    }
    switch (type) {
      case 'ping':
        return QUIET;
      case 'content_block_delta': {
        const delta = frame.delta;
        if (isRecord(delta)) {
          if (typeof delta.text === 'string') this.text += delta.text;
          else if (typeof delta.partial_json === 'string') this.text += delta.partial_json;
          else if (typeof delta.thinking === 'string') this.text += delta.thinking;
        }
        return CONTENT;
      }
      case 'message_start': {
        const message = frame.message;
        if (isRecord(message) && isRecord(message.usage)) this.record(message.usage);
        // Not yet an answer: Anthropic may still follow it with overloaded_error, and until the
        // first content the request can fail over (the frame is held, then forwarded).
        return QUIET;
      }
      case 'content_block_start':
        return QUIET;
      case 'message_delta':
        // Counts here are cumulative for the message, so they replace what message_start said.
        if (isRecord(frame.usage)) this.record(frame.usage);
        if (isRecord(frame.delta) && typeof frame.delta.stop_reason === 'string') this.finish = [finishFromAnthropic(frame.delta.stop_reason)];
        return CONTENT;
      case 'message_stop':
        return DONE;
      case 'error': {
        const err = isRecord(frame.error) ? frame.error : frame;
        return { meaningful: true, drop: false, done: false, error: failureFromErrorFrame(err, 'The provider stream reported an error.') };
      }
      default:
        return CONTENT;
    }
  }

  private record(usage: Record<string, unknown>): void {
    // Merged, not replaced: message_delta's counts are cumulative but partial. It may count no
    // input (only output and web searches), and it repeats the cache counts without their split by
    // lifetime (`cache_creation`, only in message_start), which bills 1-hour writes apart.
    const counted = usageFromAnthropic(usage);
    if (counted !== undefined) this.counted = mergeUsage(this.counted ?? {}, counted);
  }

  usage(): TokenUsage | undefined {
    return this.counted && completeUsage(this.counted);
  }

  outputText(): string {
    return this.text;
  }

  finishReasons(): readonly FinishReason[] {
    return this.finish;
  }
}

export const anthropicMessagesAdapter: WireAdapter = {
  surface: 'messages',
  format: 'anthropic',
  path: PATH,
  buildRequest: (input) => withVersion(buildJsonRequest(input, PATH)),
  readUsage: readMessagesUsage,
  readFinishReasons: (json) => (isRecord(json) && typeof json.stop_reason === 'string' ? [finishFromAnthropic(json.stop_reason)] : []),
  isErrorBody: (json) => isErrorBodyOf(json, 'content'),
  readOutputText: (json) =>
    isRecord(json) && Array.isArray(json.content) ? joinText(json.content.map((b) => (isRecord(b) ? b.text : undefined))) : '',
  observeStream: () => new MessagesStreamObserver(),
  parseError: parseUpstreamError,
};

function withVersion(built: BuiltRequest): BuiltRequest {
  if (built.headers['anthropic-version'] === undefined) built.headers['anthropic-version'] = DEFAULT_ANTHROPIC_VERSION;
  return built;
}

/** Token counting (`POST …/messages/count_tokens`): the Messages body minus `stream`, which that endpoint refuses. */
export function buildCountTokensRequest(input: Omit<BuildRequestInput, 'stream'>): BuiltRequest {
  const { stream: _stream, ...body } = input.body;
  return withVersion(buildJsonRequest({ ...input, body, stream: false }, `${PATH}/count_tokens`));
}
