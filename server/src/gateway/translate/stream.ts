import { FAILURE_POLICY } from '../../errors/failure-class.js';
import { failureFromErrorFrame, isRecord, parseFrame } from '../adapters/common.js';
import type { SseEvent } from '../sse.js';
import { anthropicStopToFinishReason, finishReasonToAnthropicStop } from './finish-reason.js';
import { anthropicUsageToChat, chatUsageToAnthropic } from './usage.js';

/**
 * Streams between Anthropic Messages events and OpenAI chat.completion.chunk frames. Each push
 * returns serialized SSE frames ready to write. A stream that ends without its terminal event
 * gets no synthetic ending (the caller reports the failure), so a cut-off answer never looks whole.
 */
export interface StreamTranslator {
  push(event: SseEvent): string[];
  /** Upstream ended: closes the client stream only if the upstream had already finished its answer. */
  end(): string[];
}

type Json = Record<string, unknown>;

const NONE: string[] = [];

export interface MessagesToChatStreamOptions {
  /** The client asked for stream_options.include_usage: send the usage chunk before [DONE]. */
  includeUsage?: boolean;
  now?: number;
}

export function createMessagesToChatStream(model: string, options: MessagesToChatStreamOptions = {}): StreamTranslator {
  const created = Math.floor((options.now ?? Date.now()) / 1000);
  const modelJson = JSON.stringify(model);
  let id = `chatcmpl-${created.toString(36)}`;
  // Content deltas are the bulk of a stream: they are built from a cached prefix instead of an object per token.
  let prefix = '';
  let started = false;
  let finished = false;
  let finishReason: string | null = null;
  let usage: Json = {};
  const toolIndexByBlock = new Map<number, number>();

  const setPrefix = (): void => {
    prefix = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${modelJson},"choices":[{"index":0,"delta":`;
  };
  setPrefix();
  const chunk = (deltaJson: string, finish: string | null = null): string =>
    `${prefix}${deltaJson},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}]}\n\n`;

  const start = (out: string[]): void => {
    if (started) return;
    started = true;
    out.push(chunk('{"role":"assistant","content":""}'));
  };

  const finish = (): string[] => {
    finished = true;
    const out: string[] = [];
    start(out);
    out.push(chunk('{}', finishReason ?? 'stop'));
    if (options.includeUsage === true) {
      out.push(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: anthropicUsageToChat(usage) })}\n\n`,
      );
    }
    out.push('data: [DONE]\n\n');
    return out;
  };

  const mergeUsage = (u: unknown): void => {
    if (isRecord(u)) usage = { ...usage, ...u };
  };

  return {
    push(event: SseEvent): string[] {
      if (finished) return NONE;
      const frame = parseFrame(event.data);
      if (frame === undefined) return NONE;
      const type = typeof frame.type === 'string' ? frame.type : event.event;
      switch (type) {
        case 'message_start': {
          const message = isRecord(frame.message) ? frame.message : {};
          if (typeof message.id === 'string') {
            id = message.id;
            setPrefix();
          }
          mergeUsage(message.usage);
          const out: string[] = [];
          start(out);
          return out;
        }
        case 'content_block_start': {
          const block = isRecord(frame.content_block) ? frame.content_block : {};
          const out: string[] = [];
          start(out);
          if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
            out.push(chunk(`{"content":${JSON.stringify(block.text)}}`));
          } else if (block.type === 'tool_use') {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(typeof frame.index === 'number' ? frame.index : index, index);
            out.push(
              chunk(
                JSON.stringify({
                  tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }],
                }),
              ),
            );
          }
          return out;
        }
        case 'content_block_delta': {
          const delta = isRecord(frame.delta) ? frame.delta : {};
          const out: string[] = [];
          if (delta.type === 'text_delta' && typeof delta.text === 'string') {
            start(out);
            out.push(chunk(`{"content":${JSON.stringify(delta.text)}}`));
          } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
            const index = toolIndexByBlock.get(typeof frame.index === 'number' ? frame.index : -1);
            if (index !== undefined) {
              start(out);
              out.push(chunk(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(delta.partial_json)}}}]}`));
            }
          }
          return out;
        }
        case 'message_delta': {
          const delta = isRecord(frame.delta) ? frame.delta : {};
          if (typeof delta.stop_reason === 'string') finishReason = anthropicStopToFinishReason(delta.stop_reason);
          mergeUsage(frame.usage);
          return NONE;
        }
        case 'message_stop':
          return finish();
        case 'error': {
          finished = true;
          const err = isRecord(frame.error) ? frame.error : frame;
          const type = typeof err.type === 'string' && err.type !== 'error' ? err.type : 'api_error';
          const message = typeof err.message === 'string' ? err.message : 'The provider stream reported an error.';
          return [`data: ${JSON.stringify({ error: { message, type, code: type } })}\n\n`];
        }
        default:
          return NONE;
      }
    },
    end(): string[] {
      return !finished && finishReason !== null ? finish() : NONE;
    },
  };
}

export interface ChatToMessagesStreamOptions {
  /** Reported in message_start when the gateway estimated it up front (chunks carry usage only at the end). */
  inputTokens?: number;
}

export function createChatToMessagesStream(model: string, options: ChatToMessagesStreamOptions = {}): StreamTranslator {
  let started = false;
  let finished = false;
  let finishReason: string | null = null;
  let usage: unknown;
  let nextBlock = 0;
  /** Index of the open content block and its kind; Anthropic blocks are strictly sequential. */
  let openBlock = -1;
  let openKind: 'text' | 'tool' | undefined;
  let lastToolIndex = -1;
  const blockByToolIndex = new Map<number, number>();

  const frame = (name: string, data: Json): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

  const start = (out: string[], id: unknown): void => {
    if (started) return;
    started = true;
    out.push(
      frame('message_start', {
        type: 'message_start',
        message: {
          id: typeof id === 'string' ? id : `msg_${Date.now().toString(36)}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: options.inputTokens ?? 0, output_tokens: 0 },
        },
      }),
    );
  };

  const closeBlock = (out: string[]): void => {
    if (openKind === undefined) return;
    out.push(`event: content_block_stop\ndata: {"type":"content_block_stop","index":${openBlock}}\n\n`);
    openKind = undefined;
  };

  const finish = (): string[] => {
    finished = true;
    const out: string[] = [];
    start(out, undefined);
    closeBlock(out);
    out.push(
      frame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: finishReason ?? 'end_turn', stop_sequence: null },
        usage: chatUsageToAnthropic(usage),
      }),
    );
    out.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    return out;
  };

  const text = (out: string[], value: string): void => {
    if (openKind !== 'text') {
      closeBlock(out);
      openBlock = nextBlock++;
      openKind = 'text';
      out.push(
        `event: content_block_start\ndata: {"type":"content_block_start","index":${openBlock},"content_block":{"type":"text","text":""}}\n\n`,
      );
    }
    out.push(
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":${openBlock},"delta":{"type":"text_delta","text":${JSON.stringify(value)}}}\n\n`,
    );
  };

  const toolCall = (out: string[], call: Json): void => {
    const fn = isRecord(call.function) ? call.function : {};
    // Some vendors omit `index`; a new id then means a new call.
    const toolIndex =
      typeof call.index === 'number' ? call.index : typeof call.id === 'string' && call.id !== '' ? lastToolIndex + 1 : Math.max(lastToolIndex, 0);
    lastToolIndex = Math.max(lastToolIndex, toolIndex);
    let block = blockByToolIndex.get(toolIndex);
    if (block === undefined) {
      closeBlock(out);
      block = nextBlock++;
      blockByToolIndex.set(toolIndex, block);
      openBlock = block;
      openKind = 'tool';
      out.push(
        frame('content_block_start', {
          type: 'content_block_start',
          index: block,
          content_block: {
            type: 'tool_use',
            id: typeof call.id === 'string' ? call.id : `toolu_${block}`,
            name: typeof fn.name === 'string' ? fn.name : '',
            input: {},
          },
        }),
      );
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') {
      out.push(
        `event: content_block_delta\ndata: {"type":"content_block_delta","index":${block},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(fn.arguments)}}}\n\n`,
      );
    }
  };

  return {
    push(event: SseEvent): string[] {
      if (finished) return NONE;
      if (event.data === '[DONE]') return finish();
      const chunk = parseFrame(event.data);
      if (chunk === undefined) return NONE;
      const out: string[] = [];
      if (isRecord(chunk.error)) {
        finished = true;
        const failure = failureFromErrorFrame(chunk.error, 'The provider stream reported an error.');
        out.push(
          frame('error', { type: 'error', error: { type: FAILURE_POLICY[failure.failureClass].anthropicErrorType, message: failure.message } }),
        );
        return out;
      }
      start(out, chunk.id);
      if (isRecord(chunk.usage)) usage = chunk.usage;
      const choices = chunk.choices;
      if (!Array.isArray(choices)) return out;
      for (const choice of choices) {
        // Anthropic has one candidate per message; n>1 extras are dropped.
        if (!isRecord(choice) || (typeof choice.index === 'number' && choice.index !== 0)) continue;
        const delta = isRecord(choice.delta) ? choice.delta : {};
        if (typeof delta.content === 'string' && delta.content !== '') text(out, delta.content);
        if (typeof delta.refusal === 'string' && delta.refusal !== '') text(out, delta.refusal);
        if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) if (isRecord(call)) toolCall(out, call);
        if (typeof choice.finish_reason === 'string') finishReason = finishReasonToAnthropicStop(choice.finish_reason);
      }
      return out;
    },
    end(): string[] {
      return !finished && finishReason !== null ? finish() : NONE;
    },
  };
}
