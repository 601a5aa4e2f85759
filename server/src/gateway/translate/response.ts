import { isRecord } from '../adapters/common.js';
import { anthropicStopToFinishReason, finishReasonToAnthropicStop } from './finish-reason.js';
import { anthropicUsageToChat, chatUsageToAnthropic } from './usage.js';

/** Non-streaming response bodies between Anthropic Messages and OpenAI Chat Completions. */

type Json = Record<string, unknown>;

export function messagesResponseToChat(json: unknown, model: string, now: number = Date.now()): Json {
  const msg = isRecord(json) ? json : {};
  let text = '';
  let hasText = false;
  const toolCalls: Json[] = [];
  if (Array.isArray(msg.content)) {
    for (const block of msg.content) {
      if (!isRecord(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') {
        text += block.text;
        hasText = true;
      } else if (block.type === 'tool_use') {
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
      }
    }
  }
  const message: Json = { role: 'assistant', content: hasText || toolCalls.length === 0 ? text : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  message.refusal = null;
  return {
    id: typeof msg.id === 'string' ? msg.id : `chatcmpl-${now.toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: anthropicStopToFinishReason(msg.stop_reason) ?? 'stop' }],
    usage: anthropicUsageToChat(msg.usage),
  };
}

function parseToolInput(args: unknown): unknown {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

export function chatResponseToMessages(json: unknown, model: string): Json {
  const completion = isRecord(json) ? json : {};
  const choice = Array.isArray(completion.choices) && isRecord(completion.choices[0]) ? completion.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  const content: Json[] = [];
  let stopReason = finishReasonToAnthropicStop(choice.finish_reason) ?? 'end_turn';
  if (typeof message.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
  else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      if (isRecord(part) && typeof part.text === 'string' && part.text !== '') content.push({ type: 'text', text: part.text });
    }
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'text', text: message.refusal });
    stopReason = 'refusal';
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
    }
  }
  // Clients index content[0] without checking; Anthropic never sends an empty list for a finished turn.
  if (content.length === 0) content.push({ type: 'text', text: '' });
  const id = typeof completion.id === 'string' ? completion.id : `msg_${Date.now().toString(36)}`;
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: chatUsageToAnthropic(completion.usage),
  };
}
