import type { Surface } from '../catalog/types.js';
import { TokenizerThread } from './tokenizer-thread.js';

/**
 * Token estimates for when a provider reports no usage. o200k_base is close enough for every
 * vendor's tokenizer to bill on; the point is a fair number, not an exact one.
 */

/** The process's one encoder, in its own thread (tokenizer-thread.ts), started on first need. */
const tokenizer = new TokenizerThread('o200k_base');

/**
 * Starts the encoder's thread and resolves once it counts: for answers that are nothing but a
 * count (`count_tokens`), and tests that compare exact counts. Other estimates do not wait.
 */
export function warmTokenizer(): Promise<void> {
  return tokenizer.start();
}

/** o200k_base averages about four characters per token on English text and code. */
const CHARS_PER_TOKEN = 4;

/**
 * Above this many characters, only a prefix is encoded and the count is scaled: encoding runs at
 * ~1 ms per 1k tokens, which the event loop waits for (tokenizer-thread.ts), and a multi-megabyte
 * prompt would stall every stream.
 */
const EXACT_LIMIT_CHARS = 256 * 1024;

/**
 * o200k_base tokens in `text`. While the encoder's thread is starting (or if it failed), by
 * characters: a fair number for the few requests in those first tenths of a second, where the
 * alternative was making every request in flight wait for the encoder.
 */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  if (text.length <= EXACT_LIMIT_CHARS) return tokenizer.count(text) ?? Math.ceil(text.length / CHARS_PER_TOKEN);
  const sample = tokenizer.count(text.slice(0, EXACT_LIMIT_CHARS));
  if (sample === undefined) return Math.ceil(text.length / CHARS_PER_TOKEN);
  return Math.ceil((sample * text.length) / EXACT_LIMIT_CHARS);
}

/** Per-message framing tokens (role, separators), per OpenAI's published counting recipe. */
const TOKENS_PER_MESSAGE = 3;
/** Every reply is primed with an assistant header. */
const REPLY_PRIMING_TOKENS = 3;
/** An image's real cost depends on its size, which is unknown here; this is OpenAI's 512×512 high-detail tile cost. */
const TOKENS_PER_IMAGE = 765;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface CollectedText {
  /** Text fragments to encode (joined with newlines). */
  parts: string[];
  /** Messages / input items seen, for framing overhead. */
  messages: number;
  images: number;
}

export function createCollector(): CollectedText {
  return { parts: [], messages: 0, images: 0 };
}

const IMAGE_TYPES: ReadonlySet<string> = new Set(['image_url', 'image', 'input_image']);
const FILE_TYPES: ReadonlySet<string> = new Set(['file', 'input_file', 'document']);

/**
 * Text from a content value in any of the three formats: a string, or a list of parts/blocks
 * (text, tool calls and results, images). Binary payloads are counted, never tokenized.
 */
export function collectText(content: unknown, into: CollectedText): void {
  if (typeof content === 'string') {
    if (content !== '') into.parts.push(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (typeof part === 'string') {
      into.parts.push(part);
      continue;
    }
    if (!isRecord(part)) continue;
    const type = typeof part.type === 'string' ? part.type : '';
    if (IMAGE_TYPES.has(type)) {
      into.images++;
      continue;
    }
    if (FILE_TYPES.has(type)) {
      // A document's text is unknown without decoding it; count it like one image page.
      into.images++;
      continue;
    }
    if (typeof part.text === 'string') into.parts.push(part.text);
    else if (typeof part.refusal === 'string') into.parts.push(part.refusal);
    if (type === 'tool_use' || type === 'server_tool_use') {
      if (typeof part.name === 'string') into.parts.push(part.name);
      if (part.input !== undefined) into.parts.push(JSON.stringify(part.input));
    } else if (type === 'tool_result') {
      collectText(part.content, into);
    } else if (type === 'thinking' && typeof part.thinking === 'string') {
      into.parts.push(part.thinking);
    }
  }
}

function collectChatMessage(msg: Json, into: CollectedText): void {
  into.messages++;
  collectText(msg.content, into);
  if (typeof msg.name === 'string') into.parts.push(msg.name);
  if (Array.isArray(msg.tool_calls)) {
    for (const call of msg.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      if (typeof call.function.name === 'string') into.parts.push(call.function.name);
      if (typeof call.function.arguments === 'string') into.parts.push(call.function.arguments);
    }
  }
}

function collectResponsesItem(item: unknown, into: CollectedText): void {
  if (typeof item === 'string') {
    into.messages++;
    into.parts.push(item);
    return;
  }
  if (!isRecord(item)) return;
  into.messages++;
  collectText(item.content, into);
  // function_call / function_call_output / reasoning items
  if (typeof item.name === 'string') into.parts.push(item.name);
  if (typeof item.arguments === 'string') into.parts.push(item.arguments);
  if (typeof item.output === 'string') into.parts.push(item.output);
  else if (Array.isArray(item.output)) collectText(item.output, into);
  if (Array.isArray(item.summary)) collectText(item.summary, into);
}

/** Everything in a request body that the model reads as input, per surface. */
export function collectRequestText(surface: Surface, body: Json, into: CollectedText = createCollector()): CollectedText {
  switch (surface) {
    case 'chat':
      if (Array.isArray(body.messages)) for (const m of body.messages) if (isRecord(m)) collectChatMessage(m, into);
      break;
    case 'messages':
      collectText(body.system, into);
      if (Array.isArray(body.messages)) for (const m of body.messages) if (isRecord(m)) collectChatMessage(m, into);
      break;
    case 'responses':
      if (typeof body.instructions === 'string') into.parts.push(body.instructions);
      if (typeof body.input === 'string') collectResponsesItem(body.input, into);
      else if (Array.isArray(body.input)) for (const item of body.input) collectResponsesItem(item, into);
      break;
  }
  // Tool schemas are sent to the model as text; their JSON is a fair proxy.
  if (Array.isArray(body.tools) && body.tools.length > 0) into.parts.push(JSON.stringify(body.tools));
  if (Array.isArray(body.functions) && body.functions.length > 0) into.parts.push(JSON.stringify(body.functions));
  return into;
}

/**
 * Input tokens of an embeddings request: token arrays count exactly, texts are estimated. No
 * message framing or reply priming: each input is embedded as it is.
 */
export function estimateEmbeddingInputTokens(body: Json): number {
  const input = body.input;
  if (typeof input === 'string') return estimateTextTokens(input);
  if (!Array.isArray(input)) return 0;
  let tokens = 0;
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === 'string') texts.push(item);
    else if (typeof item === 'number') tokens += 1;
    else if (Array.isArray(item)) tokens += item.length;
  }
  for (const text of texts) tokens += estimateTextTokens(text);
  return tokens;
}

export function estimateRequestInputTokens(surface: Surface, body: Json): number {
  if (surface === 'embeddings') return estimateEmbeddingInputTokens(body);
  const collected = collectRequestText(surface, body);
  const text = collected.parts.length === 1 ? collected.parts[0] : collected.parts.join('\n');
  return (
    estimateTextTokens(text) +
    collected.messages * TOKENS_PER_MESSAGE +
    collected.images * TOKENS_PER_IMAGE +
    REPLY_PRIMING_TOKENS
  );
}
