import type { UpstreamFailure } from '../errors/upstream-error.js';
import type { TokenUsage } from './adapters/adapter.js';

/**
 * The neutral shapes every wire format maps to (after vercel/ai's prompt and stream parts and
 * Bifrost's BifrostRequest). A translation is parse (client format → pivot) then build (pivot →
 * provider format), so a new format needs one codec, not one translator per pair. Nothing here
 * knows a wire format.
 */

export type Json = Record<string, unknown>;

export type PivotPart =
  | { type: 'text'; text: string; cacheControl?: unknown }
  /** `url` is an https URL or a `data:` URL. */
  | { type: 'image'; url: string; cacheControl?: unknown }
  /** A base64 document (PDF and the like). */
  | { type: 'file'; mediaType: string; data: string; filename?: string; cacheControl?: unknown }
  /**
   * Model reasoning; `signature` lets the provider that wrote it verify it when sent back.
   * `redacted`: thinking Anthropic's safety systems encrypted (`redacted_thinking` data), no text.
   */
  | { type: 'reasoning'; text: string; signature?: string; redacted?: string }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  /** Lives in a user message, as Anthropic has it; chat and Responses codecs lift it out. */
  | { type: 'tool_result'; toolCallId: string; content: PivotPart[]; isError?: boolean; cacheControl?: unknown };

export interface PivotMessage {
  role: 'user' | 'assistant';
  content: PivotPart[];
}

export interface PivotTool {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters: Json;
  strict?: boolean;
  cacheControl?: unknown;
}

export type PivotToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type PivotOutputFormat =
  | { type: 'json_schema'; name?: string; description?: string; schema: Json; strict?: boolean }
  | { type: 'json_object' };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface PivotRequest {
  model: string;
  /** Text parts only. */
  system: PivotPart[];
  messages: PivotMessage[];
  stream: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  user?: string;
  tools: PivotTool[];
  toolChoice?: PivotToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: { effort?: ReasoningEffort; budgetTokens?: number; disabled?: boolean };
  output?: PivotOutputFormat;
  /** Client fields the parser could not carry into the pivot: never sent, always named. */
  removed: string[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What the provider billed (TokenUsage: cached input included in `inputTokens`), and its reasoning share of the output. */
export interface PivotUsage extends TokenUsage {
  reasoningTokens?: number;
}

export interface PivotResponse {
  id: string;
  model: string;
  /** text, reasoning and tool_call parts, in order. */
  content: PivotPart[];
  finish: FinishReason;
  usage: PivotUsage | undefined;
}

/**
 * One decoded upstream stream event. Tool calls are numbered 0, 1, … in the order they start,
 * whatever index the wire format used.
 */
export type StreamPart =
  | { type: 'start'; id?: string; usage?: Partial<PivotUsage> }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'reasoning_signature'; signature: string }
  /** A whole `redacted_thinking` block: opaque, to be returned as it came. */
  | { type: 'reasoning_redacted'; data: string }
  | { type: 'tool_start'; index: number; id: string; name: string }
  | { type: 'tool_delta'; index: number; arguments: string }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'usage'; usage: Partial<PivotUsage> }
  /** The upstream's terminal event ([DONE], message_stop). */
  | { type: 'end' }
  | { type: 'error'; failure: UpstreamFailure };

/** Upstream SSE event → stream parts; one JSON parse per event. */
export interface StreamDecoder {
  decode(event: { event?: string; data: string }): StreamPart[];
}

/** Stream parts → client SSE frames. `end` writes the finish, the usage and the terminal event. */
export interface StreamEncoder {
  encode(part: StreamPart): string[];
}

export interface EncoderOptions {
  /** The model name the client sees. */
  model: string;
  /** chat: the client asked for stream_options.include_usage. */
  includeUsage: boolean;
  /** Estimated input tokens for formats that announce them before the upstream does (message_start). */
  inputTokens?: number;
  /** The client's request body, for formats whose answers repeat its settings (Responses). */
  request?: Json;
  now?: number;
}

export function mergeUsage(into: Partial<PivotUsage>, more: Partial<PivotUsage> | undefined): Partial<PivotUsage> {
  if (more === undefined) return into;
  const out = { ...into };
  for (const key of Object.keys(more) as (keyof PivotUsage)[]) {
    const v = more[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function completeUsage(u: Partial<PivotUsage>): PivotUsage {
  return { ...u, inputTokens: u.inputTokens ?? 0, outputTokens: u.outputTokens ?? 0 };
}

/** Tool arguments as an object (providers that take parsed input); malformed JSON becomes {}. */
export function parseToolArguments(args: unknown): Json {
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) return args as Json;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
}

/** Concatenated text parts (system prompts, tool results for formats that take a string). */
export function textOfParts(parts: PivotPart[], separator = '\n'): string {
  const texts: string[] = [];
  for (const p of parts) if (p.type === 'text') texts.push(p.text);
  return texts.join(separator);
}

export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  return { mediaType: meta.slice(0, -';base64'.length), data: url.slice(comma + 1) };
}
