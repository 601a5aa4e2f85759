import { isRecord } from '../adapters/common.js';

/**
 * Request bodies between OpenAI Chat Completions and Anthropic Messages. Fields with no
 * counterpart are dropped rather than forwarded, since the other side would reject them.
 */

type Json = Record<string, unknown>;

/** Anthropic requires max_tokens; chat clients usually leave it out. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  return { mediaType: meta.slice(0, -';base64'.length), data: url.slice(comma + 1) };
}

function imageBlock(url: unknown): Json | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  if (url.startsWith('data:')) {
    const parsed = parseDataUrl(url);
    if (parsed === undefined) return undefined;
    return { type: 'image', source: { type: 'base64', media_type: parsed.mediaType, data: parsed.data } };
  }
  return { type: 'image', source: { type: 'url', url } };
}

/** Copies cache_control across: Anthropic-aware clients set it on OpenAI-shaped parts too. */
function withCache(block: Json, part: Json): Json {
  if (part.cache_control !== undefined) block.cache_control = part.cache_control;
  return block;
}

/** OpenAI content parts → Anthropic blocks (text, images, PDF files). */
function chatPartsToBlocks(content: unknown, out: Json[]): void {
  if (typeof content === 'string') {
    if (content !== '') out.push({ type: 'text', text: content });
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (!isRecord(part)) continue;
    switch (part.type) {
      case 'text':
      case 'refusal': {
        const text = part.type === 'text' ? part.text : part.refusal;
        if (typeof text === 'string' && text !== '') out.push(withCache({ type: 'text', text }, part));
        break;
      }
      case 'image_url': {
        const imageUrl = part.image_url;
        const block = imageBlock(isRecord(imageUrl) ? imageUrl.url : imageUrl);
        if (block !== undefined) out.push(withCache(block, part));
        break;
      }
      case 'file': {
        const file = isRecord(part.file) ? part.file : undefined;
        const parsed = typeof file?.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
        if (parsed !== undefined) {
          out.push(withCache({ type: 'document', source: { type: 'base64', media_type: parsed.mediaType, data: parsed.data } }, part));
        }
        break;
      }
      default:
        break;
    }
  }
}

function parseArguments(args: unknown): Json {
  if (isRecord(args)) return args;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (isRecord(part) && typeof part.text === 'string') text += (text === '' ? '' : '\n') + part.text;
  }
  return text;
}

/** Anthropic merges consecutive same-role turns anyway; doing it here keeps tool_results in one turn. */
function pushTurn(messages: Json[], role: 'user' | 'assistant', blocks: Json[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === role) {
    (last.content as Json[]).push(...blocks);
    return;
  }
  messages.push({ role, content: blocks });
}

/** A single text block goes out as a plain string, the most widely accepted shape. */
function compactContent(messages: Json[]): void {
  for (const m of messages) {
    const blocks = m.content as Json[];
    if (blocks.length === 1 && blocks[0].type === 'text' && blocks[0].cache_control === undefined) {
      m.content = blocks[0].text;
    }
  }
}

function chatToolsToAnthropic(tools: unknown, functions: unknown): Json[] {
  const out: Json[] = [];
  const add = (fn: Json): void => {
    if (typeof fn.name !== 'string') return;
    const tool: Json = {
      name: fn.name,
      input_schema: isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
    if (typeof fn.description === 'string') tool.description = fn.description;
    out.push(tool);
  };
  if (Array.isArray(tools)) {
    for (const t of tools) if (isRecord(t) && t.type === 'function' && isRecord(t.function)) add(t.function);
  }
  if (Array.isArray(functions)) for (const f of functions) if (isRecord(f)) add(f);
  return out;
}

function chatToolChoiceToAnthropic(choice: unknown, parallel: unknown): Json | undefined {
  let out: Json | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    out = { type: 'tool', name: choice.function.name };
  } else if (isRecord(choice) && typeof choice.name === 'string') {
    out = { type: 'tool', name: choice.name }; // legacy function_call: {name}
  }
  if (parallel === false && out?.type !== 'none') {
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return out;
}

export function chatRequestToMessages(body: Json): Json {
  const out: Json = {};
  if (body.model !== undefined) out.model = body.model;

  const system: Json[] = [];
  const messages: Json[] = [];
  const input = Array.isArray(body.messages) ? body.messages : [];
  for (const msg of input) {
    if (!isRecord(msg)) continue;
    switch (msg.role) {
      case 'system':
      case 'developer':
        chatPartsToBlocks(msg.content, system);
        break;
      case 'user': {
        const blocks: Json[] = [];
        chatPartsToBlocks(msg.content, blocks);
        pushTurn(messages, 'user', blocks);
        break;
      }
      case 'assistant': {
        const blocks: Json[] = [];
        chatPartsToBlocks(msg.content, blocks);
        if (Array.isArray(msg.tool_calls)) {
          for (const call of msg.tool_calls) {
            if (!isRecord(call) || !isRecord(call.function)) continue;
            blocks.push({
              type: 'tool_use',
              id: call.id,
              name: call.function.name,
              input: parseArguments(call.function.arguments),
            });
          }
        }
        pushTurn(messages, 'assistant', blocks);
        break;
      }
      case 'tool': {
        const result: Json = { type: 'tool_result', tool_use_id: msg.tool_call_id };
        if (typeof msg.content === 'string') {
          if (msg.content !== '') result.content = msg.content;
        } else {
          const blocks: Json[] = [];
          chatPartsToBlocks(msg.content, blocks);
          if (blocks.length > 0) result.content = blocks;
        }
        pushTurn(messages, 'user', [result]);
        break;
      }
      default:
        break;
    }
  }
  compactContent(messages);

  if (system.length === 1 && system[0].cache_control === undefined) out.system = system[0].text;
  else if (system.length > 0) out.system = system;
  out.messages = messages;

  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  out.max_tokens = typeof maxTokens === 'number' ? maxTokens : DEFAULT_ANTHROPIC_MAX_TOKENS;
  // OpenAI's range is 0–2, Anthropic's 0–1: clamp instead of earning a 400.
  if (typeof body.temperature === 'number') out.temperature = Math.min(Math.max(body.temperature, 0), 1);
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (typeof body.top_k === 'number') out.top_k = body.top_k;
  if (typeof body.stop === 'string') out.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop)) out.stop_sequences = body.stop.filter((s) => typeof s === 'string');
  if (typeof body.stream === 'boolean') out.stream = body.stream;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (isRecord(body.thinking)) out.thinking = body.thinking;

  const tools = chatToolsToAnthropic(body.tools, body.functions);
  if (tools.length > 0) {
    out.tools = tools;
    const choice = chatToolChoiceToAnthropic(body.tool_choice ?? body.function_call, body.parallel_tool_calls);
    if (choice !== undefined) out.tool_choice = choice;
  }
  return out;
}

// ---- Anthropic Messages → OpenAI Chat Completions ----

function anthropicImageUrl(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  if (source.type === 'base64' && typeof source.data === 'string') {
    return `data:${typeof source.media_type === 'string' ? source.media_type : 'image/png'};base64,${source.data}`;
  }
  return undefined;
}

/** Anthropic content blocks (no tool blocks) → OpenAI content parts. */
function blocksToChatParts(block: Json, parts: Json[]): void {
  switch (block.type) {
    case 'text':
      if (typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
      break;
    case 'image': {
      const url = anthropicImageUrl(block.source);
      if (url !== undefined) parts.push({ type: 'image_url', image_url: { url } });
      break;
    }
    case 'document': {
      const source = isRecord(block.source) ? block.source : undefined;
      if (source?.type === 'base64' && typeof source.data === 'string') {
        const mediaType = typeof source.media_type === 'string' ? source.media_type : 'application/pdf';
        parts.push({
          type: 'file',
          file: { filename: typeof block.title === 'string' ? block.title : 'document.pdf', file_data: `data:${mediaType};base64,${source.data}` },
        });
      } else if (source?.type === 'text' && typeof source.data === 'string') {
        parts.push({ type: 'text', text: source.data });
      }
      break;
    }
    default:
      break;
  }
}

/** Many OpenAI-compatible vendors accept only string content; use it whenever the parts are all text. */
function chatContent(parts: Json[]): string | Json[] {
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].type !== 'text') return parts;
    text += (i === 0 ? '' : '\n') + (parts[i].text as string);
  }
  return text;
}

export interface MessagesToChatOptions {
  /** OpenAI's reasoning models reject `max_tokens`; their catalog entry can ask for `max_completion_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

export function messagesRequestToChat(body: Json, options: MessagesToChatOptions = {}): Json {
  const out: Json = {};
  if (body.model !== undefined) out.model = body.model;
  const messages: Json[] = [];

  const system = textOf(body.system);
  if (system !== '') messages.push({ role: 'system', content: system });

  const input = Array.isArray(body.messages) ? body.messages : [];
  for (const msg of input) {
    if (!isRecord(msg)) continue;
    const content = msg.content;
    if (msg.role === 'user') {
      if (typeof content === 'string') {
        messages.push({ role: 'user', content });
        continue;
      }
      if (!Array.isArray(content)) continue;
      const parts: Json[] = [];
      for (const block of content) {
        if (!isRecord(block)) continue;
        if (block.type === 'tool_result') {
          // OpenAI wants tool messages right after the assistant's tool_calls, before any user text.
          const resultParts: Json[] = [];
          if (typeof block.content === 'string') resultParts.push({ type: 'text', text: block.content });
          else if (Array.isArray(block.content)) {
            for (const inner of block.content) if (isRecord(inner)) blocksToChatParts(inner, resultParts);
          }
          let text = '';
          for (const p of resultParts) {
            if (p.type === 'text') text += (text === '' ? '' : '\n') + (p.text as string);
            else parts.push(p); // tool messages carry text only; images ride along in the user turn
          }
          messages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: text });
        } else {
          blocksToChatParts(block, parts);
        }
      }
      if (parts.length > 0) messages.push({ role: 'user', content: chatContent(parts) });
    } else if (msg.role === 'assistant') {
      if (typeof content === 'string') {
        messages.push({ role: 'assistant', content });
        continue;
      }
      if (!Array.isArray(content)) continue;
      let text = '';
      const toolCalls: Json[] = [];
      for (const block of content) {
        if (!isRecord(block)) continue;
        if (block.type === 'text' && typeof block.text === 'string') text += block.text;
        else if (block.type === 'tool_use') {
          toolCalls.push({
            id: block.id,
            type: 'function',
            function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
          });
        }
      }
      const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      messages.push(message);
    }
  }
  out.messages = messages;

  if (typeof body.max_tokens === 'number') out[options.maxTokensField ?? 'max_tokens'] = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) out.stop = body.stop_sequences;
  if (body.stream === true) {
    out.stream = true;
    // The response is rebuilt from chunks; without usage the client's message_delta would report zero.
    out.stream_options = { include_usage: true };
  }
  if (isRecord(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;

  if (Array.isArray(body.tools)) {
    const tools: Json[] = [];
    for (const t of body.tools) {
      // Server tools (web_search_…, bash_…) have no Chat Completions equivalent.
      if (!isRecord(t) || typeof t.name !== 'string' || (t.type !== undefined && t.type !== 'custom')) continue;
      const fn: Json = { name: t.name, parameters: isRecord(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
      if (typeof t.description === 'string') fn.description = t.description;
      tools.push({ type: 'function', function: fn });
    }
    if (tools.length > 0) {
      out.tools = tools;
      const choice = body.tool_choice;
      if (isRecord(choice)) {
        if (choice.type === 'auto') out.tool_choice = 'auto';
        else if (choice.type === 'any') out.tool_choice = 'required';
        else if (choice.type === 'none') out.tool_choice = 'none';
        else if (choice.type === 'tool' && typeof choice.name === 'string') {
          out.tool_choice = { type: 'function', function: { name: choice.name } };
        }
        if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
      }
    }
  }
  return out;
}
