import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbeddingsBody } from './fake-embeddings.js';

/**
 * A simulated upstream provider speaking OpenAI Chat Completions, OpenAI Responses, Anthropic
 * Messages and OpenAI Embeddings, with scripted faults. The format is chosen by the path suffix, so any base path
 * (e.g. a custom provider at `/custom/v1`) works against the same server.
 */

export type WireFormat = 'chat' | 'responses' | 'messages';
/** What a recorded request spoke: a generating format, or `/embeddings`. */
export type RecordedFormat = WireFormat | 'embeddings';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** The query string including `?`, or '' when absent. */
  query: string;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
  rawBody: string;
  /** Bearer token or x-api-key value: which credential the caller used. */
  credential: string | undefined;
  format: RecordedFormat | undefined;
  receivedAt: number;
  /** Set when the connection closed before the response was complete (caller abort, scripted reset). */
  abortedAt?: number;
}

export interface ToolCallSpec {
  name: string;
  arguments: string;
}

export type FaultStep =
  | {
      kind: 'ok';
      text?: string;
      usage?: boolean;
      chunks?: number;
      chunkDelayMs?: number;
      toolCall?: ToolCallSpec;
      /** A stream stays open this long after its final event (real upstreams close a little later). */
      tailDelayMs?: number;
      /** Reasoning before the answer: Anthropic thinking blocks, chat `reasoning_content`. */
      reasoning?: string;
      /**
       * Input reported as read from / written to the prompt cache (a part of the input, which grows
       * to hold them), in each format's own fields; writes only in Anthropic's.
       */
      cache?: { read?: number; write?: number; write1h?: number };
      /**
       * Hosted web searches the answer ran: Anthropic's `server_tool_use.web_search_requests`,
       * `web_search_call` items in a Responses output (not streamed as events).
       */
      webSearches?: number;
    }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number; then?: FaultStep }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'disconnectMidStream'; afterChunks: number }
  | { kind: 'malformedJson' }
  /**
   * A 200 stream that fails in-band; `afterStart` first sends Anthropic's message_start and a ping,
   * `afterChunks` first sends that many frames of a normal answer (content included).
   */
  | { kind: 'errorFrame'; afterStart?: boolean; afterChunks?: number }
  | { kind: 'trickle'; chunkDelayMs: number; chunks: number };

export interface FakeUpstream {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  port: number;
  /** Every request received, in order; cleared in place by `reset()`. */
  requests: RecordedRequest[];
  /**
   * The ids `GET …/models` lists (OpenAI and Anthropic list shape: `{ data: [{ id }], has_more }`);
   * replace it to list other models. Faults for the listing come only from `scriptFor` queues.
   */
  models: string[];
  /** Queues behaviours consumed one per request (FIFO); afterwards requests succeed. */
  script(...steps: FaultStep[]): void;
  /** Per-matcher queues, checked (in registration order) before the global queue. */
  scriptFor(match: (req: RecordedRequest) => boolean, ...steps: FaultStep[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  port?: number;
  defaultText?: string;
  /** Consulted after the per-matcher queues and before the global one: random fault injection (soak). */
  chaos?: (req: RecordedRequest) => FaultStep | undefined;
}

type OkStep = Extract<FaultStep, { kind: 'ok' }>;

interface Usage {
  /** All input, cached included. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

/** One response being produced: everything the per-format renderers need. */
interface Turn {
  format: WireFormat;
  model: string;
  text: string | null;
  toolCall?: ToolCallSpec;
  reasoning?: string;
  webSearches: number;
  usage: Usage | undefined;
  includeStreamUsage: boolean;
  ids: { main: string; item: string; tool: string; call: string };
  created: number;
}

interface SseFrame {
  event?: string;
  data: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const COUNT_TOKENS = '/messages/count_tokens';

function formatOf(path: string): RecordedFormat | undefined {
  if (path.endsWith('/embeddings')) return 'embeddings';
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/messages') || path.endsWith(COUNT_TOKENS)) return 'messages';
  return undefined;
}

function credentialOf(headers: Record<string, string>): string | undefined {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return headers['x-api-key'] ?? auth;
}

/** Concatenated input text, to make prompt-token counts depend on the request deterministically. */
function inputText(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.text === 'string') parts.push(record.text);
      else if ('content' in record) visit(record.content);
    }
  };
  visit(body.system);
  visit(body.instructions);
  visit(body.messages);
  visit(body.input);
  return parts.join('\n');
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Splits `text` into `n` nearly equal pieces, or into words (spaces kept) when `n` is absent. */
function splitText(text: string, n?: number): string[] {
  if (text === '') return [];
  if (n === undefined) return text.match(/\S+\s*|\s+/g) ?? [text];
  const count = Math.max(1, Math.min(n, text.length));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

// ---- success bodies ------------------------------------------------------------------------

function usageOf(uncached: number, output: number, cache: OkStep['cache']): Usage {
  const cacheRead = cache?.read ?? 0;
  const cacheWrite = (cache?.write ?? 0) + (cache?.write1h ?? 0);
  return { input: uncached + cacheRead + cacheWrite, output, cacheRead, cacheWrite, cacheWrite1h: cache?.write1h ?? 0 };
}

function chatUsage(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function responsesUsage(u: Usage) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead, cache_write_tokens: 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input + u.output,
  };
}

/*
 * Anthropic-format bodies carry every field Anthropic's API definition marks as always present
 * (@anthropic-ai/sdk's non-optional properties; test/fixtures/spec/anthropic-schemas.json), as the
 * real API does: native answers are relayed untouched, so this is what a client gets.
 */

/** Anthropic's ServerToolUsage: present once a server tool ran. */
const serverToolUse = (webSearches: number) => (webSearches > 0 ? { web_fetch_requests: 0, web_search_requests: webSearches } : null);

function anthropicUsage(u: Usage, webSearches = 0) {
  // Anthropic's input_tokens leaves out what was read from or written to the cache.
  return {
    input_tokens: u.input - u.cacheRead - u.cacheWrite,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h, ephemeral_1h_input_tokens: u.cacheWrite1h },
    output_tokens: u.output,
    output_tokens_details: null,
    server_tool_use: serverToolUse(webSearches),
    service_tier: 'standard',
    inference_geo: null,
    speed: null,
  };
}

/** message_delta's usage: cumulative counts (MessageDeltaUsage). */
function anthropicDeltaUsage(u: Usage, webSearches: number) {
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } = anthropicUsage(u);
  return { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, output_tokens_details: null, server_tool_use: serverToolUse(webSearches) };
}

/** The fields of a Message besides id, model, content, stop_reason and usage. */
const MESSAGE_NULLS = { stop_sequence: null, stop_details: null, container: null, diagnostics: null };

function responseObject(turn: Turn, status: 'in_progress' | 'completed') {
  const done = status === 'completed';
  const output: unknown[] = [];
  for (let i = 0; done && i < turn.webSearches; i++) {
    output.push({ type: 'web_search_call', id: `ws_fake${i}`, status: 'completed', action: { type: 'search', query: 'fake query' } });
  }
  if (done && turn.text !== null) output.push(responsesMessageItem(turn, 'completed'));
  if (done && turn.toolCall) output.push(responsesToolItem(turn, 'completed'));
  return {
    id: turn.ids.main,
    object: 'response',
    created_at: turn.created,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: turn.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    temperature: 1,
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done && turn.usage ? responsesUsage(turn.usage) : null,
    metadata: {},
  };
}

function responsesMessageItem(turn: Turn, status: 'in_progress' | 'completed') {
  const content = status === 'completed' ? [{ type: 'output_text', text: turn.text ?? '', annotations: [], logprobs: [] }] : [];
  return { type: 'message', id: turn.ids.item, status, role: 'assistant', content };
}

function responsesToolItem(turn: Turn, status: 'in_progress' | 'completed') {
  const tool = turn.toolCall as ToolCallSpec;
  return {
    type: 'function_call',
    id: turn.ids.tool,
    call_id: turn.ids.call,
    name: tool.name,
    arguments: status === 'completed' ? tool.arguments : '',
    status,
  };
}

function parseArguments(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}

function jsonBody(turn: Turn): unknown {
  if (turn.format === 'chat') {
    const message: Record<string, unknown> = { role: 'assistant', content: turn.text, refusal: null, annotations: [] };
    if (turn.reasoning) message.reasoning_content = turn.reasoning;
    if (turn.toolCall) {
      message.tool_calls = [
        { id: turn.ids.call, type: 'function', function: { name: turn.toolCall.name, arguments: turn.toolCall.arguments } },
      ];
    }
    return {
      id: turn.ids.main,
      object: 'chat.completion',
      created: turn.created,
      model: turn.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: turn.toolCall ? 'tool_calls' : 'stop' }],
      ...(turn.usage ? { usage: chatUsage(turn.usage) } : {}),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  }
  if (turn.format === 'messages') {
    const content: unknown[] = [];
    if (turn.reasoning) content.push({ type: 'thinking', thinking: turn.reasoning, signature: 'sig_fake' });
    if (turn.text !== null) content.push({ type: 'text', text: turn.text, citations: null });
    if (turn.toolCall) {
      content.push({ type: 'tool_use', id: turn.ids.tool, name: turn.toolCall.name, input: parseArguments(turn.toolCall.arguments), caller: { type: 'direct' } });
    }
    return {
      id: turn.ids.main,
      type: 'message',
      role: 'assistant',
      model: turn.model,
      content,
      stop_reason: turn.toolCall ? 'tool_use' : 'end_turn',
      ...MESSAGE_NULLS,
      ...(turn.usage ? { usage: anthropicUsage(turn.usage, turn.webSearches) } : {}),
    };
  }
  return responseObject(turn, 'completed');
}

// ---- streams -------------------------------------------------------------------------------

function chatFrames(turn: Turn, pieces: string[], argPieces: string[]): SseFrame[] {
  const base = { id: turn.ids.main, object: 'chat.completion.chunk', created: turn.created, model: turn.model, service_tier: 'default', system_fingerprint: 'fp_fake' };
  // OpenAI sends `usage: null` on every chunk once include_usage is requested.
  const usageNull = turn.includeStreamUsage && turn.usage ? { usage: null } : {};
  const chunk = (delta: unknown, finish: string | null = null): SseFrame => ({
    data: JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull }),
  });
  const frames: SseFrame[] = [chunk({ role: 'assistant', content: turn.text === null ? null : '', refusal: null })];
  if (turn.reasoning) frames.push(chunk({ reasoning_content: turn.reasoning }));
  for (const piece of pieces) frames.push(chunk({ content: piece }));
  if (turn.toolCall) {
    frames.push(chunk({ tool_calls: [{ index: 0, id: turn.ids.call, type: 'function', function: { name: turn.toolCall.name, arguments: '' } }] }));
    for (const piece of argPieces) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  }
  frames.push(chunk({}, turn.toolCall ? 'tool_calls' : 'stop'));
  if (turn.includeStreamUsage && turn.usage) {
    frames.push({ data: JSON.stringify({ ...base, choices: [], usage: chatUsage(turn.usage) }) });
  }
  frames.push({ data: '[DONE]' });
  return frames;
}

function messagesFrames(turn: Turn, pieces: string[], argPieces: string[]): SseFrame[] {
  const frame = (type: string, payload: Record<string, unknown>): SseFrame => ({ event: type, data: JSON.stringify({ type, ...payload }) });
  const startUsage = turn.usage ? { usage: { ...anthropicUsage(turn.usage), output_tokens: 1 } } : {};
  const frames: SseFrame[] = [
    frame('message_start', {
      message: { id: turn.ids.main, type: 'message', role: 'assistant', model: turn.model, content: [], stop_reason: null, ...MESSAGE_NULLS, ...startUsage },
    }),
  ];
  let index = 0;
  if (turn.reasoning) {
    frames.push(frame('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    frames.push(frame('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: turn.reasoning } }));
    frames.push(frame('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'sig_fake' } }));
    frames.push(frame('content_block_stop', { index }));
    index += 1;
  }
  if (turn.text !== null) {
    frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } }));
    frames.push(frame('ping', {}));
    for (const piece of pieces) frames.push(frame('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    frames.push(frame('content_block_stop', { index }));
    index += 1;
  }
  if (turn.toolCall) {
    frames.push(frame('content_block_start', { index, content_block: { type: 'tool_use', id: turn.ids.tool, name: turn.toolCall.name, input: {}, caller: { type: 'direct' } } }));
    if (turn.text === null) frames.push(frame('ping', {}));
    for (const piece of argPieces) frames.push(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
    frames.push(frame('content_block_stop', { index }));
  }
  frames.push(
    frame('message_delta', {
      delta: { stop_reason: turn.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null, stop_details: null, container: null },
      // Cumulative counts, the searches among them, as Anthropic reports them at the end.
      ...(turn.usage ? { usage: anthropicDeltaUsage(turn.usage, turn.webSearches) } : {}),
    }),
  );
  frames.push(frame('message_stop', {}));
  return frames;
}

function responsesFrames(turn: Turn, pieces: string[], argPieces: string[]): SseFrame[] {
  let sequence = 0;
  const frame = (type: string, payload: Record<string, unknown>): SseFrame => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...payload }),
  });
  const frames: SseFrame[] = [
    frame('response.created', { response: responseObject(turn, 'in_progress') }),
    frame('response.in_progress', { response: responseObject(turn, 'in_progress') }),
  ];
  let outputIndex = 0;
  if (turn.text !== null) {
    const ref = { item_id: turn.ids.item, output_index: outputIndex, content_index: 0 };
    frames.push(frame('response.output_item.added', { output_index: outputIndex, item: responsesMessageItem(turn, 'in_progress') }));
    frames.push(frame('response.content_part.added', { ...ref, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
    for (const piece of pieces) frames.push(frame('response.output_text.delta', { ...ref, delta: piece, logprobs: [] }));
    frames.push(frame('response.output_text.done', { ...ref, text: turn.text, logprobs: [] }));
    frames.push(frame('response.content_part.done', { ...ref, part: { type: 'output_text', text: turn.text, annotations: [], logprobs: [] } }));
    frames.push(frame('response.output_item.done', { output_index: outputIndex, item: responsesMessageItem(turn, 'completed') }));
    outputIndex += 1;
  }
  if (turn.toolCall) {
    const ref = { item_id: turn.ids.tool, output_index: outputIndex };
    frames.push(frame('response.output_item.added', { output_index: outputIndex, item: responsesToolItem(turn, 'in_progress') }));
    for (const piece of argPieces) frames.push(frame('response.function_call_arguments.delta', { ...ref, delta: piece }));
    frames.push(frame('response.function_call_arguments.done', { ...ref, name: turn.toolCall.name, arguments: turn.toolCall.arguments }));
    frames.push(frame('response.output_item.done', { output_index: outputIndex, item: responsesToolItem(turn, 'completed') }));
  }
  frames.push(frame('response.completed', { response: responseObject(turn, 'completed') }));
  return frames;
}

function streamFrames(turn: Turn, chunks?: number): SseFrame[] {
  const pieces = splitText(turn.text ?? '', chunks);
  const argPieces = turn.toolCall ? splitText(turn.toolCall.arguments, Math.min(3, Math.max(1, turn.toolCall.arguments.length))) : [];
  if (turn.format === 'chat') return chatFrames(turn, pieces, argPieces);
  if (turn.format === 'messages') return messagesFrames(turn, pieces, argPieces);
  return responsesFrames(turn, pieces, argPieces);
}

const serializeFrame = (frame: SseFrame) => `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`;

// ---- errors --------------------------------------------------------------------------------

const OPENAI_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid request (fake upstream).' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  408: { type: 'timeout', code: 'timeout', message: 'Request timed out.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests (fake upstream).' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded, please try again later.' },
};

const ANTHROPIC_ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request (fake upstream).' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'model: not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit (fake upstream).' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

function errorBody(format: WireFormat | undefined, status: number): unknown {
  if (format === 'messages') {
    const known = ANTHROPIC_ERRORS[status] ?? ANTHROPIC_ERRORS[status >= 500 ? 500 : 400];
    return { type: 'error', error: { type: known.type, message: known.message } };
  }
  const known = OPENAI_ERRORS[status] ?? OPENAI_ERRORS[status >= 500 ? 500 : 400];
  return { error: { message: known.message, type: known.type, param: null, code: known.code } };
}

/** The in-band error a vendor sends on a stream that already answered 200. */
function errorFrame(format: WireFormat): SseFrame {
  if (format === 'messages') {
    return { event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) };
  }
  if (format === 'responses') {
    return { event: 'error', data: JSON.stringify({ type: 'error', code: 'server_error', message: 'The server had an error while processing your request.', param: null, sequence_number: 0 }) };
  }
  return { data: JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: 'server_error' } }) };
}

// ---- server --------------------------------------------------------------------------------

async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Anthropic's 400 for a tool loop continued with thinking on but without the thinking that opened
 * the assistant's turn (the real API's wording). Checked the simple way the real API's message
 * reads: the assistant message before the last tool results must start with a thinking block.
 * Also its 400 for context editing that clears thinking in a request without thinking.
 */
function anthropicThinkingRefusal(body: Record<string, unknown>): string | undefined {
  // Clearing thinking (Claude Code asks for it on every request) needs thinking on, as at the real API.
  const management = body.context_management as { edits?: unknown } | undefined;
  const clearing = Array.isArray(management?.edits) ? (management.edits as { type?: unknown }[]).find((e) => typeof e?.type === 'string' && e.type.startsWith('clear_thinking_')) : undefined;
  const thinkingType = (body.thinking as { type?: unknown } | undefined)?.type;
  if (clearing !== undefined && thinkingType !== 'enabled' && thinkingType !== 'adaptive') return `\`${String(clearing.type)}\` strategy requires \`thinking\` to be enabled or adaptive`;
  if (!Array.isArray(body.messages)) return undefined;
  const messages = body.messages as { role?: unknown; content?: unknown }[];
  for (const [i, m] of messages.entries()) {
    if (!Array.isArray(m.content)) continue;
    for (const [j, block] of (m.content as { type?: unknown; signature?: unknown }[]).entries()) {
      // Anthropic verifies the signature of every thinking block sent back; only its own pass.
      if (block?.type === 'thinking' && (typeof block.signature !== 'string' || block.signature === '')) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
    }
  }
  const thinking = body.thinking as { type?: unknown } | undefined;
  if (thinking?.type !== 'enabled') return undefined;
  const last = messages[messages.length - 1];
  const isToolResults = Array.isArray(last?.content) && (last.content as { type?: unknown }[]).some((b) => b?.type === 'tool_result');
  if (last?.role !== 'user' || !isToolResults) return undefined;
  const assistant = messages[messages.length - 2];
  const first = Array.isArray(assistant?.content) ? (assistant.content as { type?: unknown }[])[0] : undefined;
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return undefined;
  return `messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type ?? 'text')}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`.`;
}

/**
 * DeepSeek's 400 in thinking mode (its default) for a tool loop whose assistant tool-call messages
 * come back without their `reasoning_content` (the real API's wording).
 */
function deepSeekThinkingRefusal(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const messages = body.messages as { role?: unknown; tool_calls?: unknown; reasoning_content?: unknown }[];
  const bare = messages.some((m) => m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string');
  return bare ? 'The `reasoning_content` in the thinking mode must be passed back to the API.' : undefined;
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  let globalQueue: FaultStep[] = [];
  let matcherQueues: { match: (req: RecordedRequest) => boolean; steps: FaultStep[] }[] = [];
  let counter = 0;

  const matcherStep = (recorded: RecordedRequest): FaultStep | undefined => {
    for (const entry of matcherQueues) {
      if (entry.steps.length > 0 && entry.match(recorded)) return entry.steps.shift() as FaultStep;
    }
    return undefined;
  };
  const nextStep = (recorded: RecordedRequest): FaultStep =>
    matcherStep(recorded) ?? options.chaos?.(recorded) ?? globalQueue.shift() ?? { kind: 'ok' };

  const api: FakeUpstream = {
    url: '',
    port: 0,
    requests,
    models: ['fake-model'],
    script(...steps) {
      globalQueue.push(...steps);
    },
    scriptFor(match, ...steps) {
      matcherQueues.push({ match, steps: [...steps] });
    },
    reset() {
      requests.length = 0;
      globalQueue = [];
      matcherQueues = [];
      api.models = ['fake-model'];
    },
    async close() {
      // Hanging and keep-alive sockets would otherwise hold close() open forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const makeTurn = (format: WireFormat, body: Record<string, unknown>, step: OkStep): Turn => {
    counter += 1;
    const n = String(counter).padStart(6, '0');
    const model = typeof body.model === 'string' ? body.model : 'unknown-model';
    const text = step.text ?? (step.toolCall ? null : (options.defaultText ?? `Hello from fake ${model}`));
    const outputTokens = countWords(text ?? '') + (step.toolCall ? Math.ceil(step.toolCall.arguments.length / 4) : 0);
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    return {
      format,
      model,
      text,
      toolCall: step.toolCall,
      reasoning: step.reasoning,
      webSearches: step.webSearches ?? 0,
      usage: step.usage === false ? undefined : usageOf(Math.max(1, Math.ceil(inputText(body).length / 4)), outputTokens, step.cache),
      // Only chat completions gates usage on a request flag; the other formats always stream it.
      includeStreamUsage: format !== 'chat' || streamOptions?.include_usage === true,
      ids: {
        main: { chat: `chatcmpl-fake${n}`, messages: `msg_fake${n}`, responses: `resp_fake${n}` }[format],
        item: `msg_fake${n}`,
        tool: format === 'messages' ? `toolu_fake${n}` : `fc_fake${n}`,
        call: `call_fake${n}`,
      },
      created: Math.floor(Date.now() / 1000),
    };
  };

  /** Vendors return a request id header; Anthropic names it `request-id`. */
  const baseHeaders = (recorded: RecordedRequest): Record<string, string> => {
    const id = `req_fake${String(requests.indexOf(recorded) + 1).padStart(6, '0')}`;
    return recorded.format === 'messages' ? { 'request-id': id } : { 'x-request-id': id };
  };

  /** The client went away (abort, reset): stop writing quietly. */
  const gone = (res: ServerResponse) => res.destroyed || res.writableEnded || res.socket?.destroyed === true;

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  /** Writes pieces with optional pauses, stopping quietly when the client has gone away. */
  const writePieces = async (res: ServerResponse, pieces: string[], delayMs: number) => {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      if (gone(res)) return;
      res.write(piece);
    }
  };

  const startSse = (res: ServerResponse, recorded: RecordedRequest) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...baseHeaders(recorded) });
    res.flushHeaders();
  };

  /** `/embeddings`: a JSON answer (never a stream); faults as on the other formats. */
  const respondEmbeddings = async (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest, body: Record<string, unknown>, step: FaultStep): Promise<void> => {
    switch (step.kind) {
      case 'status':
        sendJson(res, step.status, step.body ?? errorBody('chat', step.status), { ...baseHeaders(recorded), ...step.headers });
        return;
      case 'delay':
        await sleep(step.ms);
        if (gone(res)) return;
        return respondEmbeddings(req, res, recorded, body, step.then ?? { kind: 'ok' });
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformedJson':
        sendJson(res, 200, '{"object": "list", "data": [', baseHeaders(recorded));
        return;
      case 'errorFrame':
        sendJson(res, 200, errorBody('chat', 500), baseHeaders(recorded));
        return;
      default:
        sendJson(res, 200, fakeEmbeddingsBody(body, !(step.kind === 'ok' && step.usage === false)), baseHeaders(recorded));
    }
  };

  const respond = async (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest, step: FaultStep): Promise<void> => {
    const format = recorded.format;
    const body = (recorded.body && typeof recorded.body === 'object' ? recorded.body : {}) as Record<string, unknown>;
    const stream = body.stream === true;
    if (!format) {
      sendJson(res, 404, errorBody(undefined, 404), {});
      return;
    }
    if (format === 'embeddings') return respondEmbeddings(req, res, recorded, body, step);
    const refusal = format === 'messages' ? anthropicThinkingRefusal(body) : recorded.path.startsWith('/deepseek/') ? deepSeekThinkingRefusal(body) : undefined;
    if (refusal !== undefined && (step.kind === 'ok' || step.kind === 'trickle')) {
      sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: refusal } }, baseHeaders(recorded));
      return;
    }

    switch (step.kind) {
      case 'ok':
      case 'trickle': {
        const ok: OkStep = step.kind === 'ok' ? step : { kind: 'ok', chunks: step.chunks, chunkDelayMs: step.chunkDelayMs };
        const turn = makeTurn(format, body, ok);
        const delayMs = ok.chunkDelayMs ?? 0;
        if (stream) {
          startSse(res, recorded);
          await writePieces(res, streamFrames(turn, ok.chunks).map(serializeFrame), delayMs);
          if (ok.tailDelayMs) await sleep(ok.tailDelayMs);
          if (!gone(res)) res.end();
          return;
        }
        const text = JSON.stringify(jsonBody(turn));
        if (step.kind === 'ok' && delayMs === 0) {
          sendJson(res, 200, text, baseHeaders(recorded));
          return;
        }
        // A slow non-streaming body: headers at once, then the JSON in pieces (exercises bodyTimeout).
        res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders(recorded) });
        res.flushHeaders();
        await writePieces(res, splitText(text, ok.chunks ?? 4), delayMs);
        if (!gone(res)) res.end();
        return;
      }
      case 'status':
        sendJson(res, step.status, step.body ?? errorBody(format, step.status), { ...baseHeaders(recorded), ...step.headers });
        return;
      case 'delay':
        await sleep(step.ms);
        if (gone(res)) return;
        return respond(req, res, recorded, step.then ?? { kind: 'ok' });
      case 'hang':
        // Nothing is written; the socket stays open until the client aborts or close() runs.
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'disconnectMidStream': {
        const turn = makeTurn(format, body, { kind: 'ok' });
        if (stream) {
          startSse(res, recorded);
          const frames = streamFrames(turn).slice(0, step.afterChunks).map(serializeFrame);
          await writePieces(res, frames, 0);
        } else {
          const text = JSON.stringify(jsonBody(turn));
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...baseHeaders(recorded) });
          res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        }
        // Let the written bytes leave before the socket dies, so the client sees a partial body.
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      case 'malformedJson':
        if (stream) {
          startSse(res, recorded);
          res.end(serializeFrame({ event: format === 'chat' ? undefined : 'message_start', data: '{"id": "broken", "choices": [' }));
          return;
        }
        sendJson(res, 200, '{"id": "broken", "object": "chat.completion", "choices": [', baseHeaders(recorded));
        return;
      case 'errorFrame': {
        if (stream) {
          startSse(res, recorded);
          if (step.afterChunks !== undefined) {
            await writePieces(res, streamFrames(makeTurn(format, body, { kind: 'ok' })).slice(0, step.afterChunks).map(serializeFrame), 0);
            await new Promise((r) => setTimeout(r, 30));
          } else if (step.afterStart && format === 'messages') {
            const start = {
              type: 'message_start',
              message: { id: 'msg_fake_err', type: 'message', role: 'assistant', model: 'fake', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } },
            };
            res.write(serializeFrame({ event: 'message_start', data: JSON.stringify(start) }));
            res.write(serializeFrame({ event: 'ping', data: '{"type":"ping"}' }));
            // Separately from the error, as a real upstream would: the gateway sees the start first.
            await new Promise((r) => setTimeout(r, 30));
          }
          res.end(serializeFrame(errorFrame(format)));
          return;
        }
        // A 200 whose body is an error: some OpenAI-compatible vendors do this.
        sendJson(res, 200, errorBody(format, 500), baseHeaders(recorded));
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readRequestBody(req);
      const url = new URL(req.url ?? '/', 'http://fake.local');
      let body: unknown = rawBody;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        // keep the raw text: tests may assert on what a broken client sent
      }
      const headers = flatHeaders(req);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        headers,
        body,
        rawBody,
        credential: credentialOf(headers),
        format: req.method === 'POST' ? formatOf(url.pathname) : undefined,
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      res.once('close', () => {
        if (!res.writableFinished) recorded.abortedAt = Date.now();
      });
      if (req.method === 'GET' && url.pathname.endsWith('/models')) {
        // Only per-matcher faults: a global script() queue is meant for inference requests.
        const step = matcherStep(recorded);
        if (step?.kind === 'status') {
          sendJson(res, step.status, step.body ?? errorBody('chat', step.status), step.headers ?? {});
        } else if (step?.kind === 'reset') {
          req.socket.destroy();
        } else if (step?.kind === 'malformedJson') {
          sendJson(res, 200, '{"object": "list", "data": [', {});
        } else {
          if (step?.kind === 'delay') await new Promise((r) => setTimeout(r, step.ms));
          const data = api.models.map((id) => ({ id, object: 'model', type: 'model', created: 0, owned_by: 'fake', display_name: id }));
          sendJson(res, 200, { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }, {});
        }
        return;
      }
      const step = nextStep(recorded);
      if (req.method === 'POST' && url.pathname.endsWith(COUNT_TOKENS) && step.kind === 'ok') {
        // Anthropic's token counting: the same deterministic prompt count the answers report.
        const counted = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
        sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(inputText(counted).length / 4)) }, baseHeaders(recorded));
        return;
      }
      await respond(req, res, recorded, step);
    })().catch((error: unknown) => {
      // A bug in the fake must show up in the test, not as a hung request.
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'fake_upstream_bug', code: null } }, {});
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  api.port = port;
  api.url = `http://127.0.0.1:${port}/v1`;
  return api;
}
