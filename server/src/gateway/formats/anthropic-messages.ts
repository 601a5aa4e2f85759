import { FAILURE_POLICY } from '../../errors/failure-class.js';
import { failureFromErrorFrame, parseFrame } from '../adapters/common.js';
import {
  completeUsage,
  mergeUsage,
  parseDataUrl,
  parseToolArguments,
  type EncoderOptions,
  type FinishReason,
  type Json,
  type PivotMessage,
  type PivotPart,
  type PivotRequest,
  type PivotResponse,
  type PivotTool,
  type PivotToolChoice,
  type PivotUsage,
  type ReasoningEffort,
  type StreamDecoder,
  type StreamEncoder,
  type StreamPart,
} from '../pivot.js';
import {
  clampMaxTokens,
  DEFAULT_MAX_TOKENS,
  generatedId,
  isRecord,
  num,
  sseFrame,
  str,
  unconsumed,
  type BuildOptions,
  type BuiltBody,
  type ClientCodec,
  type PivotField,
  type ProviderCodec,
} from './codec.js';

/** Anthropic Messages ⇄ pivot. Everything this gateway knows about the Messages wire format. */

// ---- requests ------------------------------------------------------------------------------

const CONSUMED: ReadonlySet<string> = new Set([
  'model', 'models', 'messages', 'system', 'stream', 'max_tokens', 'temperature', 'top_p', 'top_k', 'stop_sequences',
  'metadata', 'tools', 'tool_choice', 'thinking', 'output_config', 'output_format',
]);

function cache<T extends PivotPart>(part: T, block: Json): T {
  return block.cache_control === undefined ? part : { ...part, cacheControl: block.cache_control };
}

function imageUrl(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  if (source.type === 'base64' && typeof source.data === 'string') return `data:${str(source.media_type) ?? 'image/png'};base64,${source.data}`;
  return undefined;
}

function blockToPart(block: Json): PivotPart | undefined {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? cache({ type: 'text', text: block.text }, block) : undefined;
    case 'image': {
      const url = imageUrl(block.source);
      return url === undefined ? undefined : cache({ type: 'image', url }, block);
    }
    case 'document': {
      const source = isRecord(block.source) ? block.source : {};
      if (source.type === 'base64' && typeof source.data === 'string') {
        return cache({ type: 'file', mediaType: str(source.media_type) ?? 'application/pdf', data: source.data, filename: str(block.title) }, block);
      }
      if (source.type === 'text' && typeof source.data === 'string') return cache({ type: 'text', text: source.data }, block);
      return undefined;
    }
    case 'thinking':
      return typeof block.thinking === 'string' ? { type: 'reasoning', text: block.thinking, signature: str(block.signature) } : undefined;
    case 'redacted_thinking':
      return typeof block.data === 'string' ? { type: 'reasoning', text: '', redacted: block.data } : undefined;
    case 'tool_use':
      return { type: 'tool_call', id: str(block.id) ?? '', name: str(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) };
    case 'tool_result': {
      const content = typeof block.content === 'string' ? [{ type: 'text' as const, text: block.content }] : blocksToParts(block.content);
      const part: PivotPart = { type: 'tool_result', toolCallId: str(block.tool_use_id) ?? '', content };
      if (block.is_error === true) part.isError = true;
      return cache(part, block);
    }
    default:
      return undefined;
  }
}

function blocksToParts(content: unknown): PivotPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: PivotPart[] = [];
  if (Array.isArray(content)) {
    for (const block of content) {
      const part = isRecord(block) ? blockToPart(block) : undefined;
      if (part !== undefined) out.push(part);
    }
  }
  return out;
}

function parseToolChoice(choice: unknown): { choice?: PivotToolChoice; parallel?: boolean } {
  if (!isRecord(choice)) return {};
  const parallel = choice.disable_parallel_tool_use === true ? false : undefined;
  if (choice.type === 'auto' || choice.type === 'none') return { choice: { type: choice.type }, parallel };
  if (choice.type === 'any') return { choice: { type: 'required' }, parallel };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { choice: { type: 'tool', name: choice.name }, parallel };
  return { parallel };
}

const ANTHROPIC_EFFORTS: Readonly<Record<string, ReasoningEffort>> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' };

function parseRequest(body: Json): PivotRequest {
  const removed = unconsumed(body, CONSUMED);
  const messages: PivotMessage[] = [];
  for (const msg of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(msg) || (msg.role !== 'user' && msg.role !== 'assistant')) continue;
    messages.push({ role: msg.role, content: blocksToParts(msg.content) });
  }
  const tools: PivotTool[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools) {
      if (!isRecord(t)) continue;
      // Server tools (web_search_…, bash_…) run at Anthropic; no other format has them.
      if (t.type !== undefined && t.type !== 'custom') {
        removed.push(`tools.${String(t.type)}`);
        continue;
      }
      if (typeof t.name !== 'string') continue;
      const tool: PivotTool = { name: t.name, parameters: isRecord(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
      if (typeof t.description === 'string') tool.description = t.description;
      if (typeof t.strict === 'boolean') tool.strict = t.strict;
      if (t.cache_control !== undefined) tool.cacheControl = t.cache_control;
      tools.push(tool);
    }
  }
  const out: PivotRequest = {
    model: str(body.model) ?? '',
    system: blocksToParts(body.system).filter((p) => p.type === 'text'),
    messages,
    stream: body.stream === true,
    tools,
    removed,
  };
  if (num(body.max_tokens) !== undefined) out.maxTokens = num(body.max_tokens);
  if (num(body.temperature) !== undefined) out.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) out.topP = num(body.top_p);
  if (num(body.top_k) !== undefined) out.topK = num(body.top_k);
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) out.stop = body.stop_sequences.filter((s): s is string => typeof s === 'string');
  if (isRecord(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;
  const { choice, parallel } = parseToolChoice(body.tool_choice);
  if (choice !== undefined) out.toolChoice = choice;
  if (parallel !== undefined) out.parallelToolCalls = parallel;
  const config = isRecord(body.output_config) ? body.output_config : {};
  if (isRecord(body.thinking)) {
    if (body.thinking.type === 'disabled') out.reasoning = { disabled: true };
    else out.reasoning = { budgetTokens: num(body.thinking.budget_tokens) };
  }
  if (typeof config.effort === 'string' && ANTHROPIC_EFFORTS[config.effort] !== undefined) {
    out.reasoning = { ...out.reasoning, effort: ANTHROPIC_EFFORTS[config.effort] };
  }
  // output_format is the beta name (structured-outputs-2025-11-13) of output_config.format.
  const format = isRecord(config.format) ? config.format : isRecord(body.output_format) ? body.output_format : undefined;
  if (format?.type === 'json_schema' && isRecord(format.schema)) out.output = { type: 'json_schema', schema: format.schema };
  return out;
}

/** Consecutive same-role turns are merged (Anthropic requires alternation; tool results then share one user turn). */
function pushTurn(messages: Json[], role: 'user' | 'assistant', blocks: Json[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === role) {
    (last.content as Json[]).push(...blocks);
    return;
  }
  messages.push({ role, content: blocks });
}

function withCache(block: Json, part: { cacheControl?: unknown }): Json {
  if (part.cacheControl !== undefined) block.cache_control = part.cacheControl;
  return block;
}

function partToBlock(part: PivotPart): Json | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : withCache({ type: 'text', text: part.text }, part);
    case 'image': {
      const data = parseDataUrl(part.url);
      if (data) return withCache({ type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } }, part);
      return part.url.startsWith('data:') ? undefined : withCache({ type: 'image', source: { type: 'url', url: part.url } }, part);
    }
    case 'file':
      return withCache({ type: 'document', source: { type: 'base64', media_type: part.mediaType, data: part.data } }, part);
    case 'reasoning':
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted };
      // Thinking without Anthropic's signature (written by another provider) would be refused.
      return part.signature === undefined ? undefined : { type: 'thinking', thinking: part.text, signature: part.signature };
    case 'tool_call':
      return { type: 'tool_use', id: part.id, name: part.name, input: parseToolArguments(part.arguments) };
    case 'tool_result': {
      const block: Json = { type: 'tool_result', tool_use_id: part.toolCallId };
      const inner = part.content.map(partToBlock).filter((b): b is Json => b !== undefined);
      if (inner.length === 1 && inner[0].type === 'text' && inner[0].cache_control === undefined) block.content = inner[0].text;
      else if (inner.length > 0) block.content = inner;
      if (part.isError) block.is_error = true;
      return withCache(block, part);
    }
  }
}

/** Anthropic's smallest thinking budget; the budget must also stay below max_tokens. */
const MIN_THINKING_BUDGET = 1024;
/** Thinking budget for an OpenAI-style effort. */
const BUDGET: Readonly<Record<ReasoningEffort, number>> = { minimal: MIN_THINKING_BUDGET, low: 2048, medium: 8192, high: 16384, xhigh: 32768 };
/** Room kept for the answer beside the thinking, where max_tokens allows it. */
const ANSWER_ROOM = 1024;

/**
 * The thinking budget that fits under `maxTokens` (which counts thinking and answer together):
 * `wanted` where it leaves room for an answer, less where it would not, undefined where no budget
 * Anthropic accepts fits (max_tokens of 1,024 or less).
 */
export function thinkingBudgetWithin(maxTokens: number, wanted: number): number | undefined {
  if (maxTokens <= MIN_THINKING_BUDGET) return undefined;
  return Math.max(MIN_THINKING_BUDGET, Math.min(wanted, maxTokens - Math.min(ANSWER_ROOM, maxTokens - MIN_THINKING_BUDGET)));
}

const isThinkingBlock = (block: unknown): boolean => isRecord(block) && (block.type === 'thinking' || block.type === 'redacted_thinking');
const hasToolResult = (message: Json): boolean => Array.isArray(message.content) && message.content.some((b) => isRecord(b) && b.type === 'tool_result');

/**
 * Whether the assistant turn this request continues starts without a thinking block. With thinking
 * on, Anthropic refuses that ("a final assistant message must start with a thinking block"): the
 * turn is the messages after the last user message that is more than tool results, and its first
 * assistant message must open with the (signed) thinking Claude wrote. Claude thinks once per
 * turn, so later assistant messages of a tool loop need none.
 */
export function continuedTurnLacksThinking(messages: readonly Json[]): boolean {
  let first: Json | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'assistant') first = m;
    else if (!hasToolResult(m)) break;
  }
  if (first === undefined) return false;
  return !(Array.isArray(first.content) && isThinkingBlock(first.content[0]));
}

/** Thinking the gateway wrote for a translated answer: another vendor's reasoning, unsigned. Anthropic refuses it ("Invalid signature"). */
const isForeignThinking = (block: unknown): boolean => isRecord(block) && block.type === 'thinking' && (typeof block.signature !== 'string' || block.signature === '');
const hasForeignThinking = (message: unknown): boolean => isRecord(message) && message.role === 'assistant' && Array.isArray(message.content) && message.content.some(isForeignThinking);

/**
 * A Messages body for Anthropic itself, when turns of the conversation were answered by another
 * vendor through the gateway (a fallback, a model switch): their reasoning came back as thinking
 * blocks without a signature, which Anthropic refuses, so they are left out (a message left empty
 * goes too: Anthropic joins the turns around it). A tool loop continued with thinking enabled
 * whose turn then opens without thinking goes without it, named in `removed`, as a translated
 * request would. The client's body is never changed; without such turns it is sent as it is.
 */
export function forAnthropic(body: Json): { body: Json; removed: string[] } {
  const original = body.messages;
  if (!Array.isArray(original)) return { body, removed: [] };
  let messages = original as unknown[];
  if (messages.some(hasForeignThinking)) {
    messages = messages.flatMap((m) => {
      if (!hasForeignThinking(m)) return [m];
      const message = m as Json;
      const content = (message.content as unknown[]).filter((b) => !isForeignThinking(b));
      return content.length === 0 ? [] : [{ ...message, content }];
    });
  }
  const thinking = isRecord(body.thinking) && body.thinking.type === 'enabled' && continuedTurnLacksThinking(messages.filter(isRecord));
  if (messages === original && !thinking) return { body, removed: [] };
  const out: Json = { ...body, messages };
  if (!thinking) return { body: out, removed: [] };
  delete out.thinking;
  return { body: out, removed: ['thinking', ...withoutThinkingClearing(out)] };
}

const isThinkingClearing = (edit: unknown): edit is Json => isRecord(edit) && typeof edit.type === 'string' && edit.type.startsWith('clear_thinking_');

/**
 * Context editing that clears thinking (Claude Code asks for `clear_thinking_20251015` on every
 * request) is refused without thinking ("strategy requires `thinking` to be enabled or adaptive"):
 * where thinking goes, so does its clearing, which had nothing left to clear. Returns the names removed.
 */
function withoutThinkingClearing(body: Json): string[] {
  const management = body.context_management;
  if (!isRecord(management) || !Array.isArray(management.edits) || !management.edits.some(isThinkingClearing)) return [];
  const clearing = management.edits.filter(isThinkingClearing).map((edit) => `context_management.edits.${String(edit.type)}`);
  const edits = management.edits.filter((edit) => !isThinkingClearing(edit));
  // Nothing left to edit: the setting goes whole.
  if (edits.length === 0) delete body.context_management;
  else body.context_management = { ...management, edits };
  return clearing;
}

/** With thinking off, Anthropic refuses thinking in an assistant message in the final position (a prefill): it is left out. */
function withoutFinalThinking(messages: Json[]): void {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant' || !Array.isArray(last.content) || !last.content.some(isThinkingBlock)) return;
  last.content = last.content.filter((b) => !isThinkingBlock(b));
  if ((last.content as Json[]).length === 0) messages.pop();
}

function buildRequest(req: PivotRequest, { spec }: BuildOptions): BuiltBody {
  const removed: PivotField[] = [];
  const messages: Json[] = [];
  for (const msg of req.messages) {
    pushTurn(messages, msg.role, msg.content.map(partToBlock).filter((b): b is Json => b !== undefined));
  }
  // A single text block goes out as a plain string, the most widely accepted shape.
  for (const m of messages) {
    const blocks = m.content as Json[];
    if (blocks.length === 1 && blocks[0].type === 'text' && blocks[0].cache_control === undefined) m.content = blocks[0].text;
  }
  const body: Json = req.model === '' ? {} : { model: req.model };
  const system = req.system.map(partToBlock).filter((b): b is Json => b !== undefined);
  if (system.length === 1 && system[0].cache_control === undefined) body.system = system[0].text;
  else if (system.length > 0) body.system = system;
  body.messages = messages;
  const requested = clampMaxTokens(req.maxTokens, spec);
  let maxTokens = requested ?? Math.min(DEFAULT_MAX_TOKENS, spec?.maxOutputTokens ?? DEFAULT_MAX_TOKENS);

  let thinking = false;
  const reasoning = req.reasoning !== undefined && !req.reasoning.disabled ? req.reasoning : undefined;
  if (reasoning !== undefined && continuedTurnLacksThinking(messages)) {
    // A client format without Anthropic's signed thinking (Chat Completions, a Responses client
    // that dropped it) continuing a tool loop: with thinking on, Anthropic answers 400.
    removed.push('reasoning');
  } else if (reasoning !== undefined) {
    const wanted = reasoning.budgetTokens ?? BUDGET[reasoning.effort ?? 'medium'];
    // Without a limit from the client (or the account's cap) max_tokens grows to hold the thinking
    // and an answer; a limit is never raised: like OpenAI's max_completion_tokens, it bounds
    // reasoning and answer together, and the credit reservation was sized by it.
    if (requested === undefined) maxTokens = Math.min(Math.max(maxTokens, wanted + ANSWER_ROOM), spec?.maxOutputTokens ?? Number.MAX_SAFE_INTEGER);
    const budget = thinkingBudgetWithin(maxTokens, wanted);
    if (budget !== undefined) {
      body.thinking = { type: 'enabled', budget_tokens: budget };
      thinking = true;
    } else {
      removed.push('reasoning');
    }
  }
  body.max_tokens = maxTokens;
  if (!thinking) withoutFinalThinking(messages);
  // Thinking is incompatible with temperature and top_k changes.
  if (req.temperature !== undefined) {
    if (thinking) removed.push('temperature');
    // OpenAI's range is 0–2, Anthropic's 0–1: clamp instead of earning a 400.
    else body.temperature = Math.min(Math.max(req.temperature, 0), 1);
  }
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) {
    if (thinking) removed.push('topK');
    else body.top_k = req.topK;
  }
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.stream) body.stream = true;
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) =>
      withCache(
        { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), input_schema: t.parameters, ...(t.strict !== undefined ? { strict: t.strict } : {}) },
        t,
      ),
    );
    let choice: Json | undefined;
    const c = req.toolChoice;
    if (c !== undefined) choice = c.type === 'tool' ? { type: 'tool', name: c.name } : { type: c.type === 'required' ? 'any' : c.type };
    if (req.parallelToolCalls === false && choice?.type !== 'none') choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
    if (choice !== undefined) body.tool_choice = choice;
  }
  if (req.output?.type === 'json_schema') body.output_config = { format: { type: 'json_schema', schema: req.output.schema } };
  else if (req.output !== undefined) removed.push('output'); // json_object: no schema-less JSON mode
  return { body, removed };
}

// ---- responses -----------------------------------------------------------------------------

export function finishFromAnthropic(stop: unknown): FinishReason {
  switch (stop) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

const STOP_REASON: Readonly<Record<FinishReason, string>> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

/** Anthropic's input_tokens excludes cache reads and writes; the pivot counts all input. */
export function usageFromAnthropic(usage: unknown): Partial<PivotUsage> | undefined {
  if (!isRecord(usage)) return undefined;
  const out: Partial<PivotUsage> = {};
  const input = num(usage.input_tokens);
  const read = num(usage.cache_read_input_tokens) ?? 0;
  const write = num(usage.cache_creation_input_tokens) ?? 0;
  // The writes' split by lifetime (`cache_creation`), billed apart: 1-hour writes cost more.
  const write1h = isRecord(usage.cache_creation) ? (num(usage.cache_creation.ephemeral_1h_input_tokens) ?? 0) : 0;
  if (input !== undefined) out.inputTokens = input + read + write;
  if (read > 0) out.cacheReadTokens = read;
  if (write > 0) out.cacheWriteTokens = write;
  if (write1h > 0) out.cacheWrite1hTokens = write1h;
  // Server tools run at Anthropic and are billed per call: web search is (web fetch is not).
  const searches = isRecord(usage.server_tool_use) ? num(usage.server_tool_use.web_search_requests) : undefined;
  if (searches) out.webSearchCalls = searches;
  const output = num(usage.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  return input === undefined && output === undefined ? undefined : out;
}

/*
 * The answers the gateway writes in this format (translated from another provider) carry every
 * field Anthropic's API definition declares as always present, null where the serving provider
 * has no equivalent: clients compile against @anthropic-ai/sdk's types, which mark them
 * non-optional, and read them without checking for undefined (test/fixtures/spec).
 */

/** Usage as Anthropic's `Usage` (a message's, in answers and message_start). */
function usageToAnthropic(u: Partial<PivotUsage>): Json {
  const read = u.cacheReadTokens ?? 0;
  const write = u.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (u.inputTokens ?? 0) - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    // Not known: the split of cache writes by TTL, Anthropic-side routing, server tools, tiers.
    cache_creation: null,
    inference_geo: null,
    output_tokens: u.outputTokens ?? 0,
    output_tokens_details: outputDetails(u),
    server_tool_use: null,
    service_tier: null,
    speed: null,
  };
}

/** Usage as Anthropic's `MessageDeltaUsage` (message_delta: cumulative counts at the end). */
function deltaUsageToAnthropic(u: Partial<PivotUsage>): Json {
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, output_tokens_details } = usageToAnthropic(u);
  return { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, output_tokens_details, server_tool_use: null };
}

const outputDetails = (u: Partial<PivotUsage>): Json | null => (u.reasoningTokens === undefined ? null : { thinking_tokens: u.reasoningTokens });

/** `stop_details` goes with a refusal; Anthropic's categories have no equivalent elsewhere. */
const stopDetails = (finish: FinishReason | undefined): Json | null =>
  finish === 'content_filter' ? { type: 'refusal', category: null, explanation: null } : null;

/** Content blocks as the gateway writes them, with the fields Anthropic's blocks always carry. */
const textBlock = (text: string): Json => ({ type: 'text', text, citations: null });
const toolUseBlock = (id: string, name: string, input: Json): Json => ({ type: 'tool_use', id, name, input, caller: { type: 'direct' } });

/** A Message the gateway writes (an answer, or message_start's with no content yet). */
function message(id: string, model: string, content: Json[], finish: FinishReason | undefined, usage: Json): Json {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: finish === undefined ? null : STOP_REASON[finish],
    stop_sequence: null,
    stop_details: stopDetails(finish),
    container: null,
    diagnostics: null,
    usage,
  };
}

function parseResponse(json: unknown): PivotResponse {
  const msg = isRecord(json) ? json : {};
  const content = blocksToParts(msg.content).filter((p) => p.type === 'text' || p.type === 'reasoning' || p.type === 'tool_call');
  const usage = usageFromAnthropic(msg.usage);
  return {
    id: str(msg.id) ?? generatedId('msg_'),
    model: str(msg.model) ?? '',
    content,
    finish: finishFromAnthropic(msg.stop_reason),
    usage: usage === undefined ? undefined : completeUsage(usage),
  };
}

function buildResponse(res: PivotResponse, model: string): Json {
  const content: Json[] = [];
  for (const part of res.content) {
    if (part.type === 'text' && part.text !== '') content.push(textBlock(part.text));
    else if (part.type === 'reasoning' && part.redacted !== undefined) content.push({ type: 'redacted_thinking', data: part.redacted });
    else if (part.type === 'reasoning') content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
    else if (part.type === 'tool_call') content.push(toolUseBlock(part.id, part.name, parseToolArguments(part.arguments)));
  }
  // Clients index content[0] without checking; Anthropic never sends an empty list for a finished turn.
  if (content.length === 0) content.push(textBlock(''));
  return message(res.id, model, content, res.finish, usageToAnthropic(res.usage ?? {}));
}

// ---- streams -------------------------------------------------------------------------------

class MessagesDecoder implements StreamDecoder {
  private toolByBlock = new Map<number, number>();

  decode(event: { event?: string; data: string }): StreamPart[] {
    const frame = parseFrame(event.data);
    const type = frame !== undefined && typeof frame.type === 'string' ? frame.type : event.event;
    if (frame === undefined) {
      return type === 'error' ? [{ type: 'error', failure: failureFromErrorFrame({ message: event.data }, 'The provider stream reported an error.') }] : [];
    }
    switch (type) {
      case 'message_start': {
        const message = isRecord(frame.message) ? frame.message : {};
        return [{ type: 'start', id: str(message.id), usage: usageFromAnthropic(message.usage) }];
      }
      case 'content_block_start': {
        const block = isRecord(frame.content_block) ? frame.content_block : {};
        if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') return [{ type: 'text', text: block.text }];
        if (block.type === 'redacted_thinking' && typeof block.data === 'string') return [{ type: 'reasoning_redacted', data: block.data }];
        if (block.type === 'tool_use') {
          const index = this.toolByBlock.size;
          this.toolByBlock.set(num(frame.index) ?? index, index);
          return [{ type: 'tool_start', index, id: str(block.id) ?? generatedId('toolu_'), name: str(block.name) ?? '' }];
        }
        return [];
      }
      case 'content_block_delta': {
        const delta = isRecord(frame.delta) ? frame.delta : {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string') return [{ type: 'text', text: delta.text }];
        if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') return [{ type: 'reasoning', text: delta.thinking }];
        if (delta.type === 'signature_delta' && typeof delta.signature === 'string') return [{ type: 'reasoning_signature', signature: delta.signature }];
        if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
          const index = this.toolByBlock.get(num(frame.index) ?? -1);
          return index === undefined ? [] : [{ type: 'tool_delta', index, arguments: delta.partial_json }];
        }
        return [];
      }
      case 'message_delta': {
        const out: StreamPart[] = [];
        const delta = isRecord(frame.delta) ? frame.delta : {};
        if (typeof delta.stop_reason === 'string') out.push({ type: 'finish', reason: finishFromAnthropic(delta.stop_reason) });
        // Counts here are cumulative for the message, so they replace what message_start said.
        const usage = usageFromAnthropic(frame.usage);
        if (usage !== undefined) out.push({ type: 'usage', usage });
        return out;
      }
      case 'message_stop':
        return [{ type: 'end' }];
      case 'error': {
        const err = isRecord(frame.error) ? frame.error : frame;
        return [{ type: 'error', failure: failureFromErrorFrame(err, 'The provider stream reported an error.') }];
      }
      default:
        return [];
    }
  }
}


/** Anthropic content blocks are strictly sequential: one open block at a time. */
class MessagesEncoder implements StreamEncoder {
  private started = false;
  private finished = false;
  private finish: FinishReason | undefined;
  private usage: Partial<PivotUsage> = {};
  private nextBlock = 0;
  private openBlock = -1;
  private openKind: 'text' | 'thinking' | 'tool' | undefined;
  private blockByTool = new Map<number, number>();

  constructor(private readonly options: EncoderOptions) {}

  private start(out: string[], id?: string): void {
    if (this.started) return;
    this.started = true;
    // The upstream reports input only at the end; clients (Claude Code's context meter) read it here.
    const usage = usageToAnthropic({ inputTokens: this.usage.inputTokens ?? this.options.inputTokens ?? 0, outputTokens: 0 });
    out.push(sseFrame('message_start', { type: 'message_start', message: message(id ?? generatedId('msg_'), this.options.model, [], undefined, usage) }));
  }

  private close(out: string[]): void {
    if (this.openKind === undefined) return;
    out.push(`event: content_block_stop\ndata: {"type":"content_block_stop","index":${this.openBlock}}\n\n`);
    this.openKind = undefined;
  }

  private open(out: string[], kind: 'text' | 'thinking' | 'tool', block: Json): number {
    this.close(out);
    this.openBlock = this.nextBlock++;
    this.openKind = kind;
    out.push(sseFrame('content_block_start', { type: 'content_block_start', index: this.openBlock, content_block: block }));
    return this.openBlock;
  }

  private delta(out: string[], index: number, delta: Json): void {
    out.push(sseFrame('content_block_delta', { type: 'content_block_delta', index, delta }));
  }

  encode(part: StreamPart): string[] {
    if (this.finished) return [];
    const out: string[] = [];
    switch (part.type) {
      case 'start':
        this.usage = mergeUsage(this.usage, part.usage);
        this.start(out, part.id);
        break;
      case 'text':
        this.start(out);
        if (this.openKind !== 'text') this.open(out, 'text', textBlock(''));
        this.delta(out, this.openBlock, { type: 'text_delta', text: part.text });
        break;
      case 'reasoning':
        this.start(out);
        if (this.openKind !== 'thinking') this.open(out, 'thinking', { type: 'thinking', thinking: '', signature: '' });
        this.delta(out, this.openBlock, { type: 'thinking_delta', thinking: part.text });
        break;
      case 'reasoning_signature':
        if (this.openKind === 'thinking') this.delta(out, this.openBlock, { type: 'signature_delta', signature: part.signature });
        break;
      case 'tool_start':
        this.start(out);
        this.blockByTool.set(part.index, this.open(out, 'tool', toolUseBlock(part.id, part.name, {})));
        break;
      case 'tool_delta': {
        const block = this.blockByTool.get(part.index);
        if (block !== undefined) this.delta(out, block, { type: 'input_json_delta', partial_json: part.arguments });
        break;
      }
      case 'finish':
        this.finish = part.reason;
        break;
      case 'usage':
        this.usage = mergeUsage(this.usage, part.usage);
        break;
      case 'end':
        this.finished = true;
        this.start(out);
        this.close(out);
        out.push(
          sseFrame('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: STOP_REASON[this.finish ?? 'stop'], stop_sequence: null, stop_details: stopDetails(this.finish), container: null },
            usage: deltaUsageToAnthropic(this.usage),
          }),
        );
        out.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
        break;
      case 'error':
        this.finished = true;
        out.push(sseFrame('error', { type: 'error', error: { type: FAILURE_POLICY[part.failure.failureClass].anthropicErrorType, message: part.failure.message } }));
        break;
    }
    return out;
  }
}

const FIELD_NAMES: Readonly<Record<PivotField, string>> = {
  topK: 'top_k',
  reasoning: 'thinking',
  output: 'output_config.format',
  temperature: 'temperature',
  stop: 'stop_sequences',
  user: 'metadata.user_id',
  parallelToolCalls: 'tool_choice.disable_parallel_tool_use',
};

export const anthropicMessagesCodec: ClientCodec & ProviderCodec = {
  parseRequest,
  buildRequest,
  parseResponse,
  buildResponse,
  decoder: () => new MessagesDecoder(),
  encoder: (options) => new MessagesEncoder(options),
  fieldNames: FIELD_NAMES,
};
