import type { GenerativeSurface, Surface } from '../catalog/types.js';
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
/**
 * An image's real cost depends on its size, which is unknown here; this is OpenAI's 512×512
 * high-detail tile cost, a typical image's. Holds on credit count images at their ceiling instead
 * (pricing.ts).
 */
const TOKENS_PER_IMAGE = 765;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the model reads in a request, as the walk below meets it. */
interface ContentVisitor {
  /** A message or input item (framing overhead). */
  message(): void;
  text(text: string): void;
  /** A value the model reads as its JSON text (tool-call input); serialised only by visitors that count text. */
  json(value: unknown): void;
  image(): void;
  /** A file, document or audio part: what it costs is unknown until the provider reads it. */
  document(): void;
}

/** `computer_screenshot`: a Responses computer_call_output's screenshot, an image the model reads like any other. */
const IMAGE_TYPES: ReadonlySet<string> = new Set(['image_url', 'image', 'input_image', 'computer_screenshot']);
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(['file', 'input_file', 'document', 'input_audio', 'audio']);

/**
 * A content value in any of the three formats: a string, or a list of parts/blocks (text, tool
 * calls and results, images, files). Binary payloads are counted, never read.
 */
function walkContent(content: unknown, v: ContentVisitor): void {
  if (typeof content === 'string') {
    if (content !== '') v.text(content);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (typeof part === 'string') {
      v.text(part);
      continue;
    }
    if (!isRecord(part)) continue;
    const type = typeof part.type === 'string' ? part.type : '';
    if (IMAGE_TYPES.has(type)) {
      v.image();
      continue;
    }
    if (DOCUMENT_TYPES.has(type)) {
      v.document();
      continue;
    }
    if (typeof part.text === 'string') v.text(part.text);
    else if (typeof part.refusal === 'string') v.text(part.refusal);
    if (type === 'tool_use' || type === 'server_tool_use') {
      if (typeof part.name === 'string') v.text(part.name);
      if (part.input !== undefined) v.json(part.input);
    } else if (type === 'tool_result') {
      walkContent(part.content, v);
    } else if (type === 'thinking' && typeof part.thinking === 'string') {
      v.text(part.thinking);
    }
  }
}

function walkChatMessage(msg: Json, v: ContentVisitor): void {
  v.message();
  walkContent(msg.content, v);
  if (typeof msg.name === 'string') v.text(msg.name);
  if (Array.isArray(msg.tool_calls)) {
    for (const call of msg.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      if (typeof call.function.name === 'string') v.text(call.function.name);
      if (typeof call.function.arguments === 'string') v.text(call.function.arguments);
    }
  }
}

function walkResponsesItem(item: unknown, v: ContentVisitor): void {
  if (typeof item === 'string') {
    v.message();
    v.text(item);
    return;
  }
  if (!isRecord(item)) return;
  v.message();
  walkContent(item.content, v);
  // function_call / function_call_output / reasoning items
  if (typeof item.name === 'string') v.text(item.name);
  if (typeof item.arguments === 'string') v.text(item.arguments);
  if (typeof item.output === 'string') v.text(item.output);
  else if (Array.isArray(item.output)) walkContent(item.output, v);
  // computer_call_output: one part, not a list (a screenshot by URL is a few bytes in the body).
  else if (isRecord(item.output)) walkContent([item.output], v);
  if (Array.isArray(item.summary)) walkContent(item.summary, v);
}

/** Everything in a request body that the model reads as input, per surface (tool schemas aside). */
function walkRequest(surface: GenerativeSurface, body: Json, v: ContentVisitor): void {
  switch (surface) {
    case 'chat':
      if (Array.isArray(body.messages)) for (const m of body.messages) if (isRecord(m)) walkChatMessage(m, v);
      break;
    case 'messages':
      walkContent(body.system, v);
      if (Array.isArray(body.messages)) for (const m of body.messages) if (isRecord(m)) walkChatMessage(m, v);
      break;
    case 'responses':
      if (typeof body.instructions === 'string') v.text(body.instructions);
      if (typeof body.input === 'string') walkResponsesItem(body.input, v);
      else if (Array.isArray(body.input)) for (const item of body.input) walkResponsesItem(item, v);
      break;
  }
}

/** Images and documents in a request: what its input can cost beyond its text. */
export interface MediaCount {
  images: number;
  documents: number;
}

class MediaCounter implements ContentVisitor, MediaCount {
  images = 0;
  documents = 0;
  message(): void {}
  text(_text: string): void {}
  json(_value: unknown): void {}
  image(): void {
    this.images++;
  }
  document(): void {
    this.documents++;
  }
}

/** Counts the images and documents only: no text is gathered or serialised (the credit hold's cheap path). */
export function countMedia(surface: Surface, body: Json): MediaCount {
  const counter = new MediaCounter();
  if (surface !== 'embeddings') walkRequest(surface, body, counter);
  return counter;
}

/** The request's text to encode, and its framing and media, for an estimate. */
class TextCollector extends MediaCounter {
  readonly parts: string[] = [];
  messages = 0;
  override message(): void {
    this.messages++;
  }
  override text(text: string): void {
    this.parts.push(text);
  }
  override json(value: unknown): void {
    this.parts.push(JSON.stringify(value));
  }
}

export function collectRequestText(surface: GenerativeSurface, body: Json): TextCollector {
  const into = new TextCollector();
  walkRequest(surface, body, into);
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

/** A request's estimated text tokens (framing included) and its media, counted apart: what a hold prices per model. */
export interface InputEstimate extends MediaCount {
  textTokens: number;
}

export function estimateRequestInput(surface: Surface, body: Json): InputEstimate {
  if (surface === 'embeddings') return { textTokens: estimateEmbeddingInputTokens(body), images: 0, documents: 0 };
  const collected = collectRequestText(surface, body);
  const text = collected.parts.length === 1 ? collected.parts[0] : collected.parts.join('\n');
  return {
    textTokens: estimateTextTokens(text) + collected.messages * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS,
    images: collected.images,
    documents: collected.documents,
  };
}

/** A fair estimate of a request's input tokens: each image or document at a typical image's cost. */
export function estimateRequestInputTokens(surface: Surface, body: Json): number {
  const { textTokens, images, documents } = estimateRequestInput(surface, body);
  return textTokens + (images + documents) * TOKENS_PER_IMAGE;
}
