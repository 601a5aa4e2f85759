import {
  completeUsage,
  mergeUsage,
  parseDataUrl,
  type EncoderOptions,
  type FinishReason,
  type Json,
  type PivotMessage,
  type PivotPart,
  type PivotRequest,
  type PivotResponse,
  type PivotToolChoice,
  type PivotUsage,
  type ReasoningEffort,
  type StreamEncoder,
  type StreamPart,
} from '../pivot.js';
import { generatedId, isRecord, num, sseFrame, str, unconsumed, type ClientCodec, type PivotField } from './codec.js';
import {
  ENCRYPTED_REASONING,
  encryptedContentOf,
  gatewayItemId,
  signedReasoningOf,
  wantsEncryptedReasoning,
  type SignedReasoning,
} from './responses-items.js';
import { customArguments, customInputOf, declaredTools, flatToolName, type DeclaredTool } from './responses-tools.js';

/**
 * OpenAI Responses as a client format, served by any provider through the pivot (Codex and the
 * Vercel AI SDK speak only this). Providers that serve Responses natively get it passed through.
 */

const CONSUMED: ReadonlySet<string> = new Set([
  'model', 'models', 'input', 'instructions', 'stream', 'stream_options', 'max_output_tokens', 'temperature', 'top_p', 'user',
  'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text',
]);

const EFFORTS: ReadonlySet<string> = new Set(['minimal', 'low', 'medium', 'high', 'xhigh']);

function contentParts(content: unknown): PivotPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: PivotPart[] = [];
  if (!Array.isArray(content)) return out;
  for (const part of content) {
    if (!isRecord(part)) continue;
    switch (part.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        if (typeof part.text === 'string' && part.text !== '') out.push({ type: 'text', text: part.text });
        break;
      case 'refusal':
        if (typeof part.refusal === 'string' && part.refusal !== '') out.push({ type: 'text', text: part.refusal });
        break;
      case 'input_image': {
        const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
        if (typeof url === 'string' && url !== '') out.push({ type: 'image', url });
        break;
      }
      case 'input_file': {
        const parsed = typeof part.file_data === 'string' ? parseDataUrl(part.file_data) : undefined;
        if (parsed) out.push({ type: 'file', ...parsed, filename: str(part.filename) });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Appends to the last message when it has the same role (function calls follow their assistant text). */
function append(messages: PivotMessage[], role: 'user' | 'assistant', parts: PivotPart[]): void {
  if (parts.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role === role) last.content.push(...parts);
  else messages.push({ role, content: parts });
}

function parseInput(input: unknown, system: PivotPart[], removed: Set<string>): PivotMessage[] {
  const messages: PivotMessage[] = [];
  if (typeof input === 'string') return input === '' ? [] : [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) return messages;
  for (const item of input) {
    if (!isRecord(item)) continue;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        if (item.role === 'system' || item.role === 'developer') system.push(...contentParts(item.content));
        else if (item.role === 'user' || item.role === 'assistant') {
          // Keep turn boundaries: two user messages in a row stay two messages.
          messages.push({ role: item.role, content: contentParts(item.content) });
        }
        break;
      case 'function_call':
        append(messages, 'assistant', [
          { type: 'tool_call', id: str(item.call_id) ?? '', name: flatToolName(str(item.namespace), str(item.name) ?? ''), arguments: str(item.arguments) ?? '{}' },
        ]);
        break;
      case 'custom_tool_call':
        append(messages, 'assistant', [
          { type: 'tool_call', id: str(item.call_id) ?? '', name: flatToolName(str(item.namespace), str(item.name) ?? ''), arguments: customArguments(str(item.input) ?? '') },
        ]);
        break;
      case 'additional_tools':
        // Declared tools, offered with the request's others (declaredTools).
        break;
      case 'custom_tool_call_output':
      case 'function_call_output': {
        const output = typeof item.output === 'string' ? [{ type: 'text' as const, text: item.output }] : contentParts(item.output);
        append(messages, 'user', [{ type: 'tool_result', toolCallId: str(item.call_id) ?? '', content: output }]);
        break;
      }
      case 'reasoning': {
        const summary = Array.isArray(item.summary) ? item.summary.map((s) => (isRecord(s) ? (str(s.text) ?? '') : '')).join('\n') : '';
        const signed = signedReasoningOf(item.encrypted_content);
        if (summary !== '' || signed.signature !== undefined || signed.redacted !== undefined) append(messages, 'assistant', [{ type: 'reasoning', text: summary, ...signed }]);
        break;
      }
      case 'item_reference':
        removed.add('input.item_reference');
        break;
      default:
        removed.add(`input.${String(type)}`);
        break;
    }
  }
  return messages;
}

function parseToolChoice(choice: unknown): PivotToolChoice | undefined {
  if (choice === 'auto' || choice === 'none') return { type: choice };
  if (choice === 'required') return { type: 'required' };
  if (isRecord(choice) && (choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    return { type: 'tool', name: flatToolName(str(choice.namespace), choice.name) };
  }
  return undefined;
}

function parseRequest(body: Json): PivotRequest {
  const removed = new Set(unconsumed(body, CONSUMED));
  // The gateway never stores responses, so `store: false` is honoured as sent.
  if (body.store === false) removed.delete('store');
  // Encrypted reasoning is what the model that wrote it can read back (reasoningItem): honoured.
  if (Array.isArray(body.include) && body.include.every((entry) => entry === ENCRYPTED_REASONING)) removed.delete('include');
  const system: PivotPart[] = typeof body.instructions === 'string' && body.instructions !== '' ? [{ type: 'text', text: body.instructions }] : [];
  const messages = parseInput(body.input, system, removed);
  const out: PivotRequest = {
    model: str(body.model) ?? '',
    system: system.filter((p) => p.type === 'text'),
    messages,
    stream: body.stream === true,
    tools: declaredTools(body, removed).tools,
    removed: [],
  };
  if (num(body.max_output_tokens) !== undefined) out.maxTokens = num(body.max_output_tokens);
  if (num(body.temperature) !== undefined) out.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) out.topP = num(body.top_p);
  if (typeof body.user === 'string') out.user = body.user;
  const choice = parseToolChoice(body.tool_choice);
  if (choice !== undefined) out.toolChoice = choice;
  if (typeof body.parallel_tool_calls === 'boolean') out.parallelToolCalls = body.parallel_tool_calls;
  if (isRecord(body.reasoning)) {
    const effort = body.reasoning.effort;
    if (effort === 'none') out.reasoning = { disabled: true };
    else if (typeof effort === 'string' && EFFORTS.has(effort)) out.reasoning = { effort: effort as ReasoningEffort };
  }
  const text = isRecord(body.text) ? body.text : {};
  const format = isRecord(text.format) ? text.format : undefined;
  if (format?.type === 'json_schema' && isRecord(format.schema)) {
    out.output = {
      type: 'json_schema',
      schema: format.schema,
      ...(typeof format.name === 'string' ? { name: format.name } : {}),
      ...(typeof format.description === 'string' ? { description: format.description } : {}),
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    };
  } else if (format?.type === 'json_object') out.output = { type: 'json_object' };
  if (text.verbosity !== undefined && text.verbosity !== null) removed.add('text.verbosity');
  out.removed = [...removed];
  return out;
}

// ---- answers -------------------------------------------------------------------------------

function usageToResponses(u: PivotUsage): Json {
  return {
    input_tokens: u.inputTokens,
    // Both details are required by OpenAI's Response schema; Anthropic's cache writes land in the second.
    input_tokens_details: { cached_tokens: u.cacheReadTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/**
 * The request settings a Response repeats, as OpenAI's own answers do (its defaults where the
 * request left one out): SDK types declare them, and code reads e.g. `response.tools` back.
 */
function echoedSettings(request: Json | undefined): Json {
  const r = request ?? {};
  return {
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    // Never translated: a request continuing stored state only reaches providers serving Responses (resolve-model.ts).
    previous_response_id: null,
    reasoning: r.reasoning ?? { effort: null, summary: null },
    temperature: r.temperature ?? 1,
    text: r.text ?? { format: { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_p: r.top_p ?? 1,
    truncation: r.truncation ?? 'disabled',
    metadata: r.metadata ?? {},
  };
}

function responseObject(
  id: string,
  model: string,
  createdAt: number,
  status: Status,
  output: Json[],
  usage: PivotUsage | null,
  request: Json | undefined,
  extra: Json = {},
): Json {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    model,
    output,
    usage: usage === null ? null : usageToResponses(usage),
    ...echoedSettings(request),
    ...extra,
  };
}

const reasoningItem = (id: string, text: string, signed?: SignedReasoning): Json => {
  const encrypted = signed === undefined ? undefined : encryptedContentOf(signed);
  return { type: 'reasoning', id, summary: text === '' ? [] : [{ type: 'summary_text', text }], ...(encrypted === undefined ? {} : { encrypted_content: encrypted }) };
};
/**
 * An `output_text` part. `logprobs` is required by OpenAI's schema (OutputTextContent) and sent
 * empty by OpenAI when none were asked for; no translated provider returns them.
 */
const outputText = (text: string): Json => ({ type: 'output_text', text, annotations: [], logprobs: [] });
const messageItem = (id: string, text: string, status: Status): Json => ({
  type: 'message',
  id,
  status,
  role: 'assistant',
  content: status === 'in_progress' ? [] : [outputText(text)],
});
/** A tool call as the client declared the tool: a function (in its namespace, if any) or a custom tool. */
function callItem(id: string, callId: string, tool: DeclaredTool, args: string, status: Status): Json {
  const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
  if (tool.custom) return { type: 'custom_tool_call', id, call_id: callId, name: tool.name, input: status === 'in_progress' ? '' : customInputOf(args), ...namespace, status };
  return { type: 'function_call', id, call_id: callId, name: tool.name, arguments: args, ...namespace, status };
}

/** What a called name stands for among the request's tools (a plain function when undeclared). */
function toolFor(declared: ReadonlyMap<string, DeclaredTool>, name: string): DeclaredTool {
  return declared.get(name) ?? { name, custom: false };
}

/** Only answers with tool calls need the request's declarations. */
const noDeclarations: ReadonlyMap<string, DeclaredTool> = new Map();
const declarationsOf = (request: Json | undefined): ReadonlyMap<string, DeclaredTool> => (request === undefined ? noDeclarations : declaredTools(request).byFlatName);

const statusFor = (finish: FinishReason): Status => (finish === 'length' ? 'incomplete' : 'completed');

function buildResponse(res: PivotResponse, model: string, request: Json, now = Date.now()): Json {
  const output: Json[] = [];
  const encrypted = wantsEncryptedReasoning(request);
  let declared: ReadonlyMap<string, DeclaredTool> | undefined;
  for (const part of res.content) {
    if (part.type === 'reasoning') output.push(reasoningItem(gatewayItemId('rs_'), part.text, encrypted ? part : undefined));
    else if (part.type === 'text') {
      const last = output[output.length - 1];
      // Adjacent text parts are one message.
      if (last?.type === 'message') ((last.content as Json[])[0] as { text: string }).text += part.text;
      else output.push(messageItem(gatewayItemId('msg_'), part.text, 'completed'));
    } else if (part.type === 'tool_call') {
      declared ??= declarationsOf(request);
      const tool = toolFor(declared, part.name);
      output.push(callItem(gatewayItemId(tool.custom ? 'ctc_' : 'fc_'), part.id, tool, part.arguments, 'completed'));
    }
  }
  const id = res.id.startsWith('resp_') ? res.id : `resp_${res.id}`;
  return responseObject(id, model, Math.floor(now / 1000), statusFor(res.finish), output, res.usage ?? { inputTokens: 0, outputTokens: 0 }, request);
}

/**
 * Responses events from stream parts: each output item is announced, streamed and closed in
 * order; the stream ends with `response.completed` (or `.incomplete`), a failure with
 * `response.failed`, which Codex and the SDKs understand (a bare `error` event Codex ignores).
 */
class ResponsesEncoder implements StreamEncoder {
  private readonly createdAt: number;
  private id = generatedId('resp_');
  private seq = 0;
  private started = false;
  private finished = false;
  private finish: FinishReason | undefined;
  private usage: Partial<PivotUsage> = {};
  private readonly output: Json[] = [];
  private open: { kind: 'text' | 'reasoning' | 'tool'; index: number; itemId: string; text: string; toolIndex?: number; signature?: string } | undefined;
  private readonly tools = new Map<number, { outputIndex: number; itemId: string; callId: string; tool: DeclaredTool; args: string }>();
  /** The request's tool declarations, read at the first tool call. */
  private declared: ReadonlyMap<string, DeclaredTool> | undefined;

  private readonly encryptedReasoning: boolean;

  constructor(private readonly options: EncoderOptions) {
    this.createdAt = Math.floor((options.now ?? Date.now()) / 1000);
    this.encryptedReasoning = wantsEncryptedReasoning(options.request);
  }

  private event(out: string[], type: string, payload: Json): void {
    out.push(sseFrame(type, { type, sequence_number: this.seq++, ...payload }));
  }

  private snapshot(status: Status, extra: Json = {}): Json {
    const usage = status === 'in_progress' ? null : completeUsage(this.usage);
    return responseObject(this.id, this.options.model, this.createdAt, status, status === 'in_progress' ? [] : this.output, usage, this.options.request, extra);
  }

  private start(out: string[]): void {
    if (this.started) return;
    this.started = true;
    this.event(out, 'response.created', { response: this.snapshot('in_progress') });
    this.event(out, 'response.in_progress', { response: this.snapshot('in_progress') });
  }

  private closeOpen(out: string[]): void {
    const o = this.open;
    if (o === undefined) return;
    this.open = undefined;
    if (o.kind === 'text') {
      const ref = { item_id: o.itemId, output_index: o.index, content_index: 0 };
      this.event(out, 'response.output_text.done', { ...ref, text: o.text, logprobs: [] });
      this.event(out, 'response.content_part.done', { ...ref, part: outputText(o.text) });
      this.output[o.index] = messageItem(o.itemId, o.text, 'completed');
    } else if (o.kind === 'reasoning') {
      const ref = { item_id: o.itemId, output_index: o.index, summary_index: 0 };
      this.event(out, 'response.reasoning_summary_text.done', { ...ref, text: o.text });
      this.event(out, 'response.reasoning_summary_part.done', { ...ref, part: { type: 'summary_text', text: o.text } });
      this.output[o.index] = reasoningItem(o.itemId, o.text, { signature: o.signature });
    } else {
      const call = this.tools.get(o.toolIndex ?? -1);
      if (call === undefined) return;
      const ref = { item_id: call.itemId, output_index: call.outputIndex };
      if (call.tool.custom) {
        // A custom tool's text is inside the JSON arguments: whole only once they are.
        const input = customInputOf(call.args);
        this.event(out, 'response.custom_tool_call_input.delta', { ...ref, delta: input });
        this.event(out, 'response.custom_tool_call_input.done', { ...ref, input });
      } else {
        // `name` is required on this event by OpenAI's schema (and sent by OpenAI): the call's function.
        this.event(out, 'response.function_call_arguments.done', { ...ref, name: call.tool.name, arguments: call.args });
      }
      this.output[o.index] = callItem(call.itemId, call.callId, call.tool, call.args, 'completed');
    }
    this.event(out, 'response.output_item.done', { output_index: o.index, item: this.output[o.index] });
  }

  private openItem(out: string[], kind: 'text' | 'reasoning', prefix: 'msg_' | 'rs_'): NonNullable<ResponsesEncoder['open']> {
    this.closeOpen(out);
    const index = this.output.length;
    const itemId = gatewayItemId(prefix);
    const item = kind === 'text' ? messageItem(itemId, '', 'in_progress') : reasoningItem(itemId, '');
    this.output.push(item);
    this.event(out, 'response.output_item.added', { output_index: index, item });
    if (kind === 'text') {
      this.event(out, 'response.content_part.added', { item_id: itemId, output_index: index, content_index: 0, part: outputText('') });
    } else {
      this.event(out, 'response.reasoning_summary_part.added', { item_id: itemId, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    this.open = { kind, index, itemId, text: '' };
    return this.open;
  }

  encode(part: StreamPart): string[] {
    if (this.finished) return [];
    const out: string[] = [];
    switch (part.type) {
      case 'start':
        this.usage = mergeUsage(this.usage, part.usage);
        this.start(out);
        break;
      case 'text': {
        this.start(out);
        const o = this.open?.kind === 'text' ? this.open : this.openItem(out, 'text', 'msg_');
        o.text += part.text;
        this.event(out, 'response.output_text.delta', { item_id: o.itemId, output_index: o.index, content_index: 0, delta: part.text, logprobs: [] });
        break;
      }
      case 'reasoning': {
        this.start(out);
        const o = this.open?.kind === 'reasoning' ? this.open : this.openItem(out, 'reasoning', 'rs_');
        o.text += part.text;
        this.event(out, 'response.reasoning_summary_text.delta', { item_id: o.itemId, output_index: o.index, summary_index: 0, delta: part.text });
        break;
      }
      case 'reasoning_signature':
        // Anthropic signs a thinking block just before closing it.
        if (this.open?.kind === 'reasoning' && this.encryptedReasoning) this.open.signature = part.signature;
        break;
      case 'reasoning_redacted': {
        // Arrives whole: an item opened and closed at once, its data only for a client that asked for it.
        this.start(out);
        this.closeOpen(out);
        const index = this.output.length;
        const item = reasoningItem(gatewayItemId('rs_'), '', this.encryptedReasoning ? { redacted: part.data } : undefined);
        this.output.push(item);
        this.event(out, 'response.output_item.added', { output_index: index, item });
        this.event(out, 'response.output_item.done', { output_index: index, item });
        break;
      }
      case 'tool_start': {
        this.start(out);
        this.closeOpen(out);
        const index = this.output.length;
        this.declared ??= declarationsOf(this.options.request);
        const tool = toolFor(this.declared, part.name);
        const call = { outputIndex: index, itemId: gatewayItemId(tool.custom ? 'ctc_' : 'fc_'), callId: part.id, tool, args: '' };
        this.tools.set(part.index, call);
        const item = callItem(call.itemId, call.callId, tool, '', 'in_progress');
        this.output.push(item);
        this.event(out, 'response.output_item.added', { output_index: index, item });
        this.open = { kind: 'tool', index, itemId: call.itemId, text: '', toolIndex: part.index };
        break;
      }
      case 'tool_delta': {
        const call = this.tools.get(part.index);
        if (call === undefined) break;
        call.args += part.arguments;
        if (!call.tool.custom) this.event(out, 'response.function_call_arguments.delta', { item_id: call.itemId, output_index: call.outputIndex, delta: part.arguments });
        break;
      }
      case 'finish':
        this.finish = part.reason;
        break;
      case 'usage':
        this.usage = mergeUsage(this.usage, part.usage);
        break;
      case 'end': {
        this.finished = true;
        this.start(out);
        this.closeOpen(out);
        const status = statusFor(this.finish ?? 'stop');
        this.event(out, status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: this.snapshot(status) });
        break;
      }
      case 'error':
        this.finished = true;
        out.push(...this.failed(part.failure.vendorCode ?? 'server_error', part.failure.message));
        break;
      default:
        break;
    }
    return out;
  }

  /** The terminal frame of a broken stream. */
  failed(code: string, message: string): string[] {
    const out: string[] = [];
    this.start(out);
    this.event(out, 'response.failed', { response: this.snapshot('failed', { error: responseError(code, message), usage: null }) });
    return out;
  }
}

/**
 * The codes a Response's `error.code` may take: a closed enum in OpenAI's spec (ResponseErrorCode),
 * which typed SDKs (Go, .NET, Java) decode as one. Only the ones a gateway failure can mean.
 */
const RESPONSE_ERROR_CODES: ReadonlySet<string> = new Set(['server_error', 'rate_limit_exceeded', 'invalid_prompt']);

/**
 * A Response's `error` for a failure the gateway reports with its own or a vendor's code
 * (`upstream_failed`, `overloaded_error`, …): the nearest code of OpenAI's enum, and the original
 * code leading the message, as on the Anthropic surface (`upstream_failed: …`), so it is not lost.
 */
export function responseError(code: string, message: string): Json {
  if (RESPONSE_ERROR_CODES.has(code)) return { code, message };
  const nearest = /rate_limit/.test(code) ? 'rate_limit_exceeded' : 'server_error';
  return { code: nearest, message: message.startsWith(`${code}: `) ? message : `${code}: ${message}` };
}

/** `response.failed` for a stream the gateway has to end (passed through or translated). */
export function responsesFailedFrame(code: string, message: string): string {
  const id = generatedId('resp_');
  const response = responseObject(id, '', Math.floor(Date.now() / 1000), 'failed', [], null, undefined, { error: responseError(code, message) });
  return sseFrame('response.failed', { type: 'response.failed', sequence_number: 0, response });
}

const FIELD_NAMES: Readonly<Record<PivotField, string>> = {
  topK: 'top_k',
  reasoning: 'reasoning',
  output: 'text.format',
  temperature: 'temperature',
  stop: 'stop',
  user: 'user',
  parallelToolCalls: 'parallel_tool_calls',
};

export const openAiResponsesCodec: ClientCodec = {
  parseRequest,
  buildResponse: (res, model, request) => buildResponse(res, model, request),
  encoder: (options) => new ResponsesEncoder(options),
  fieldNames: FIELD_NAMES,
};
