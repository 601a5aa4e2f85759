import type { Surface } from '../../catalog/types.js';

/**
 * Where tool names sit in each client format: offered in the request, called in a complete
 * answer, and first named in a stream event. Wire knowledge kept beside the firewall because only
 * the tool rules read it.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (v: unknown): string | undefined => (isObject(v) && typeof v.name === 'string' ? v.name : undefined);

/** Tool names the request offers (chat: tools[].function.name; responses/messages: tools[].name). */
export function offeredToolNames(surface: Surface, body: Json): string[] {
  if (!Array.isArray(body.tools)) return [];
  const names: string[] = [];
  for (const tool of body.tools) {
    const name = surface === 'chat' ? nameOf(isObject(tool) ? tool.function : undefined) : nameOf(tool);
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** Tool names called in a non-streaming answer of the client's format. */
export function calledToolNames(surface: Surface, answer: unknown): string[] {
  if (!isObject(answer)) return [];
  const names: string[] = [];
  if (surface === 'chat' && Array.isArray(answer.choices)) {
    for (const choice of answer.choices) {
      const calls = isObject(choice) && isObject(choice.message) ? choice.message.tool_calls : undefined;
      if (Array.isArray(calls)) for (const c of calls) pushName(names, isObject(c) ? c.function : undefined);
    }
  } else if (surface === 'messages' && Array.isArray(answer.content)) {
    for (const block of answer.content) if (isObject(block) && block.type === 'tool_use') pushName(names, block);
  } else if (surface === 'responses' && Array.isArray(answer.output)) {
    for (const item of answer.output) if (isObject(item) && item.type === 'function_call') pushName(names, item);
  }
  return names;
}

/** The tool name a stream event of the client's format starts a call with, if any. */
export function streamedToolName(surface: Surface, event: unknown): string | undefined {
  if (!isObject(event)) return undefined;
  if (surface === 'chat') {
    if (!Array.isArray(event.choices)) return undefined;
    for (const choice of event.choices) {
      const calls = isObject(choice) && isObject(choice.delta) ? choice.delta.tool_calls : undefined;
      if (!Array.isArray(calls)) continue;
      for (const c of calls) {
        const name = nameOf(isObject(c) ? c.function : undefined);
        if (name) return name;
      }
    }
    return undefined;
  }
  if (surface === 'messages') {
    return event.type === 'content_block_start' && isObject(event.content_block) && event.content_block.type === 'tool_use'
      ? nameOf(event.content_block)
      : undefined;
  }
  return event.type === 'response.output_item.added' && isObject(event.item) && event.item.type === 'function_call' ? nameOf(event.item) : undefined;
}

function pushName(names: string[], holder: unknown): void {
  const name = nameOf(holder);
  if (name !== undefined) names.push(name);
}
