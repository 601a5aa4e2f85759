import { failureFromErrorFrame, parseFrame } from '../adapters/common.js';
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

/** OpenAI Chat Completions ⇄ pivot. Everything this gateway knows about the chat wire format. */

// ---- requests ------------------------------------------------------------------------------

const CONSUMED: ReadonlySet<string> = new Set([
  'model', 'models', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p',
  'top_k', 'stop', 'user', 'tools', 'functions', 'tool_choice', 'function_call', 'parallel_tool_calls', 'reasoning_effort',
  'thinking', 'response_format',
]);

function cache<T extends PivotPart>(part: T, source: Json): T {
  return source.cache_control === undefined ? part : { ...part, cacheControl: source.cache_control };
}

function contentParts(content: unknown): PivotPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const out: PivotPart[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' || part.type === 'refusal') {
      const text = str(part.type === 'text' ? part.text : part.refusal);
      if (text) out.push(cache({ type: 'text', text }, part));
    } else if (part.type === 'image_url') {
      const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
      if (typeof url === 'string' && url !== '') out.push(cache({ type: 'image', url }, part));
    } else if (part.type === 'file' && isRecord(part.file) && typeof part.file.file_data === 'string') {
      const parsed = parseDataUrl(part.file.file_data);
      if (parsed) out.push(cache({ type: 'file', ...parsed, filename: str(part.file.filename) }, part));
    }
  }
  return out;
}

function parseTools(tools: unknown, functions: unknown): PivotTool[] {
  const out: PivotTool[] = [];
  const add = (fn: Json): void => {
    if (typeof fn.name !== 'string') return;
    const tool: PivotTool = { name: fn.name, parameters: isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} } };
    if (typeof fn.description === 'string') tool.description = fn.description;
    if (typeof fn.strict === 'boolean') tool.strict = fn.strict;
    out.push(tool);
  };
  if (Array.isArray(tools)) for (const t of tools) if (isRecord(t) && t.type === 'function' && isRecord(t.function)) add(t.function);
  if (Array.isArray(functions)) for (const f of functions) if (isRecord(f)) add(f);
  return out;
}

function parseToolChoice(choice: unknown): PivotToolChoice | undefined {
  if (choice === 'auto' || choice === 'none') return { type: choice };
  if (choice === 'required') return { type: 'required' };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name };
  if (isRecord(choice) && typeof choice.name === 'string') return { type: 'tool', name: choice.name }; // legacy function_call: {name}
  return undefined;
}

const EFFORTS: ReadonlySet<string> = new Set(['minimal', 'low', 'medium', 'high', 'xhigh']);

function parseReasoning(body: Json): PivotRequest['reasoning'] {
  if (typeof body.reasoning_effort === 'string') {
    if (body.reasoning_effort === 'none') return { disabled: true };
    if (EFFORTS.has(body.reasoning_effort)) return { effort: body.reasoning_effort as ReasoningEffort };
  }
  // Anthropic-aware chat clients send Anthropic's own `thinking` object.
  if (isRecord(body.thinking)) {
    if (body.thinking.type === 'disabled') return { disabled: true };
    return { budgetTokens: num(body.thinking.budget_tokens) };
  }
  return undefined;
}

export function parseResponseFormat(format: unknown): PivotRequest['output'] {
  if (!isRecord(format)) return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema' && isRecord(format.json_schema) && isRecord(format.json_schema.schema)) {
    const js = format.json_schema;
    return {
      type: 'json_schema',
      schema: js.schema as Json,
      ...(typeof js.name === 'string' ? { name: js.name } : {}),
      ...(typeof js.description === 'string' ? { description: js.description } : {}),
      ...(typeof js.strict === 'boolean' ? { strict: js.strict } : {}),
    };
  }
  return undefined;
}

function parseRequest(body: Json): PivotRequest {
  const system: PivotPart[] = [];
  const messages: PivotMessage[] = [];
  for (const msg of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(msg)) continue;
    switch (msg.role) {
      case 'system':
      case 'developer':
        system.push(...contentParts(msg.content));
        break;
      case 'user':
        messages.push({ role: 'user', content: contentParts(msg.content) });
        break;
      case 'assistant': {
        const content: PivotPart[] = [];
        // DeepSeek-style reasoning echoed back by clients that keep it.
        if (typeof msg.reasoning_content === 'string' && msg.reasoning_content !== '') content.push({ type: 'reasoning', text: msg.reasoning_content });
        content.push(...contentParts(msg.content));
        if (Array.isArray(msg.tool_calls)) {
          for (const call of msg.tool_calls) {
            if (!isRecord(call) || !isRecord(call.function)) continue;
            const args = call.function.arguments;
            content.push({
              type: 'tool_call',
              id: str(call.id) ?? '',
              name: str(call.function.name) ?? '',
              arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
            });
          }
        }
        messages.push({ role: 'assistant', content });
        break;
      }
      case 'tool':
        messages.push({ role: 'user', content: [{ type: 'tool_result', toolCallId: str(msg.tool_call_id) ?? '', content: contentParts(msg.content) }] });
        break;
      default:
        break;
    }
  }
  const maxTokens = num(body.max_completion_tokens) ?? num(body.max_tokens);
  const tools = parseTools(body.tools, body.functions);
  const out: PivotRequest = { model: str(body.model) ?? '', system, messages, stream: body.stream === true, tools, removed: unconsumed(body, CONSUMED) };
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  if (num(body.temperature) !== undefined) out.temperature = num(body.temperature);
  if (num(body.top_p) !== undefined) out.topP = num(body.top_p);
  if (num(body.top_k) !== undefined) out.topK = num(body.top_k);
  if (typeof body.stop === 'string') out.stop = [body.stop];
  else if (Array.isArray(body.stop)) out.stop = body.stop.filter((s): s is string => typeof s === 'string');
  if (typeof body.user === 'string') out.user = body.user;
  const choice = parseToolChoice(body.tool_choice ?? body.function_call);
  if (choice !== undefined) out.toolChoice = choice;
  if (typeof body.parallel_tool_calls === 'boolean') out.parallelToolCalls = body.parallel_tool_calls;
  const reasoning = parseReasoning(body);
  if (reasoning !== undefined) out.reasoning = reasoning;
  const output = parseResponseFormat(body.response_format);
  if (output !== undefined) out.output = output;
  else if (isRecord(body.response_format) && body.response_format.type !== 'text') out.removed.push('response_format');
  return out;
}

/** Many OpenAI-compatible vendors accept only string content; use it whenever the parts are all text. */
function chatContent(parts: PivotPart[]): string | Json[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('\n');
  const out: Json[] = [];
  for (const p of parts) {
    if (p.type === 'text') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image') out.push({ type: 'image_url', image_url: { url: p.url } });
    else if (p.type === 'file') out.push({ type: 'file', file: { filename: p.filename ?? 'document.pdf', file_data: `data:${p.mediaType};base64,${p.data}` } });
  }
  return out;
}

/** OpenAI's reasoning effort for an Anthropic-style thinking budget. */
function effortFor(reasoning: NonNullable<PivotRequest['reasoning']>): ReasoningEffort {
  if (reasoning.effort !== undefined) return reasoning.effort === 'xhigh' ? 'high' : reasoning.effort;
  const budget = reasoning.budgetTokens ?? 0;
  return budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

function buildRequest(req: PivotRequest, options: BuildOptions): BuiltBody {
  const { spec } = options;
  const removed: PivotField[] = [];
  const messages: Json[] = [];
  const system = req.system.filter((p) => p.type === 'text');
  if (system.length > 0) messages.push({ role: 'system', content: chatContent(system) });
  for (const msg of req.messages) {
    if (msg.role === 'user') {
      const parts: PivotPart[] = [];
      for (const part of msg.content) {
        if (part.type !== 'tool_result') {
          parts.push(part);
          continue;
        }
        // OpenAI wants tool messages right after the assistant's tool_calls; they carry text only,
        // so images in a result ride along in the user turn that follows.
        const texts: string[] = [];
        for (const inner of part.content) {
          if (inner.type === 'text') texts.push(inner.text);
          else parts.push(inner);
        }
        messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: texts.join('\n') });
      }
      if (parts.length > 0) messages.push({ role: 'user', content: chatContent(parts) });
    } else {
      let text = '';
      let reasoning = '';
      const toolCalls: Json[] = [];
      for (const part of msg.content) {
        if (part.type === 'text') text += part.text;
        else if (part.type === 'reasoning') reasoning += part.text;
        else if (part.type === 'tool_call') toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
      }
      const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      if (toolCalls.length > 0 && options.echoesReasoningContent) message.reasoning_content = reasoning;
      messages.push(message);
    }
  }
  const body: Json = req.model === '' ? { messages } : { model: req.model, messages };
  const maxTokens = clampMaxTokens(req.maxTokens, spec);
  if (maxTokens !== undefined) body[spec?.maxTokensParam ?? 'max_tokens'] = maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) removed.push('topK');
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
  if (req.stream) {
    body.stream = true;
    // The answer is rebuilt from chunks; without usage the client's final usage would be zero.
    body.stream_options = { include_usage: true };
  }
  if (req.user !== undefined) body.user = req.user;
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
    const choice = req.toolChoice;
    if (choice !== undefined) body.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
    if (req.parallelToolCalls === false) body.parallel_tool_calls = false;
  }
  if (req.reasoning !== undefined && !req.reasoning.disabled) {
    // Only OpenAI's reasoning models take reasoning_effort; other chat vendors refuse it.
    if (spec?.maxTokensParam === 'max_completion_tokens') body.reasoning_effort = effortFor(req.reasoning);
    else removed.push('reasoning');
  }
  if (req.output?.type === 'json_schema') {
    const o = req.output;
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: o.name ?? 'response',
        ...(o.description !== undefined ? { description: o.description } : {}),
        schema: o.schema,
        ...(o.strict !== undefined ? { strict: o.strict } : {}),
      },
    };
  } else if (req.output?.type === 'json_object') {
    body.response_format = { type: 'json_object' };
  }
  return { body, removed };
}

// ---- responses -----------------------------------------------------------------------------

export function finishFromChat(reason: unknown): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function usageFromChat(usage: unknown): PivotUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = num(usage.prompt_tokens);
  const output = num(usage.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const out: PivotUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : undefined;
  // DeepSeek reports its cache hits as `prompt_cache_hit_tokens` (within prompt_tokens).
  const cached = (details && num(details.cached_tokens)) ?? num(usage.prompt_cache_hit_tokens);
  if (cached) out.cacheReadTokens = cached;
  // OpenRouter reports what an Anthropic model wrote to its cache.
  const written = details && num(details.cache_write_tokens);
  if (written) out.cacheWriteTokens = written;
  const reasoning = isRecord(usage.completion_tokens_details) ? num(usage.completion_tokens_details.reasoning_tokens) : undefined;
  if (reasoning) out.reasoningTokens = reasoning;
  return out;
}

function usageToChat(u: PivotUsage): Json {
  const out: Json = { prompt_tokens: u.inputTokens, completion_tokens: u.outputTokens, total_tokens: u.inputTokens + u.outputTokens };
  if (u.cacheReadTokens) out.prompt_tokens_details = { cached_tokens: u.cacheReadTokens };
  if (u.reasoningTokens) out.completion_tokens_details = { reasoning_tokens: u.reasoningTokens };
  return out;
}

function parseResponse(json: unknown): PivotResponse {
  const completion = isRecord(json) ? json : {};
  const choice = Array.isArray(completion.choices) && isRecord(completion.choices[0]) ? completion.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  const content: PivotPart[] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  content.push(...contentParts(message.content));
  let finish = finishFromChat(choice.finish_reason);
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'text', text: message.refusal });
    finish = 'content_filter';
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      content.push({ type: 'tool_call', id: str(call.id) ?? generatedId('call_'), name: str(call.function.name) ?? '', arguments: str(call.function.arguments) ?? '{}' });
    }
  }
  return { id: str(completion.id) ?? generatedId('chatcmpl-'), model: str(completion.model) ?? '', content, finish, usage: usageFromChat(completion.usage) };
}

function buildResponse(res: PivotResponse, model: string, now = Date.now()): Json {
  let text = '';
  let hasText = false;
  let reasoning = '';
  const toolCalls: Json[] = [];
  for (const part of res.content) {
    if (part.type === 'text') {
      text += part.text;
      hasText = true;
    } else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'tool_call') toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  const message: Json = { role: 'assistant', content: hasText || toolCalls.length === 0 ? text : null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  message.refusal = null;
  return {
    id: res.id,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: res.finish }],
    usage: usageToChat(res.usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}

// ---- streams -------------------------------------------------------------------------------

class ChatDecoder implements StreamDecoder {
  private started = false;
  private toolByIndex = new Map<number, number>();
  private lastWireIndex = -1;

  decode(event: { data: string }): StreamPart[] {
    if (event.data === '[DONE]') return [{ type: 'end' }];
    const chunk = parseFrame(event.data);
    if (chunk === undefined) return [];
    if (isRecord(chunk.error)) return [{ type: 'error', failure: failureFromErrorFrame(chunk.error, 'The provider stream reported an error.') }];
    const out: StreamPart[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', id: str(chunk.id) });
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      // One candidate per answer in every other format; n>1 extras are dropped.
      if (!isRecord(choice) || (typeof choice.index === 'number' && choice.index !== 0)) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
      if (reasoning) out.push({ type: 'reasoning', text: reasoning });
      if (typeof delta.content === 'string' && delta.content !== '') out.push({ type: 'text', text: delta.content });
      if (typeof delta.refusal === 'string' && delta.refusal !== '') out.push({ type: 'text', text: delta.refusal });
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) if (isRecord(call)) this.toolCall(call, out);
      if (typeof choice.finish_reason === 'string') out.push({ type: 'finish', reason: finishFromChat(choice.finish_reason) });
    }
    const usage = usageFromChat(chunk.usage);
    if (usage !== undefined) out.push({ type: 'usage', usage });
    return out;
  }

  private toolCall(call: Json, out: StreamPart[]): void {
    const fn = isRecord(call.function) ? call.function : {};
    // Some vendors omit `index`; a new id then means a new call.
    const wire = typeof call.index === 'number' ? call.index : typeof call.id === 'string' && call.id !== '' ? this.lastWireIndex + 1 : Math.max(this.lastWireIndex, 0);
    this.lastWireIndex = Math.max(this.lastWireIndex, wire);
    let index = this.toolByIndex.get(wire);
    if (index === undefined) {
      index = this.toolByIndex.size;
      this.toolByIndex.set(wire, index);
      out.push({ type: 'tool_start', index, id: str(call.id) ?? generatedId('call_'), name: str(fn.name) ?? '' });
    }
    if (typeof fn.arguments === 'string' && fn.arguments !== '') out.push({ type: 'tool_delta', index, arguments: fn.arguments });
  }
}

/** Content deltas are the bulk of a stream: they are written from a cached prefix instead of an object per token. */
class ChatEncoder implements StreamEncoder {
  private readonly created: number;
  private readonly modelJson: string;
  private id: string;
  private prefix = '';
  private started = false;
  private finished = false;
  private finish: FinishReason | undefined;
  private usage: Partial<PivotUsage> = {};

  constructor(private readonly options: EncoderOptions) {
    this.created = Math.floor((options.now ?? Date.now()) / 1000);
    this.modelJson = JSON.stringify(options.model);
    this.id = generatedId('chatcmpl-');
    this.setPrefix();
  }

  private setPrefix(): void {
    this.prefix = `data: {"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${this.modelJson},"choices":[{"index":0,"delta":`;
  }

  private chunk(deltaJson: string, finish: string | null = null): string {
    return `${this.prefix}${deltaJson},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}]}\n\n`;
  }

  private start(out: string[]): void {
    if (this.started) return;
    this.started = true;
    out.push(this.chunk('{"role":"assistant","content":""}'));
  }

  encode(part: StreamPart): string[] {
    if (this.finished) return [];
    const out: string[] = [];
    switch (part.type) {
      case 'start':
        if (part.id !== undefined && !this.started) {
          this.id = part.id;
          this.setPrefix();
        }
        this.usage = mergeUsage(this.usage, part.usage);
        this.start(out);
        break;
      case 'text':
        this.start(out);
        out.push(this.chunk(`{"content":${JSON.stringify(part.text)}}`));
        break;
      case 'reasoning':
        this.start(out);
        out.push(this.chunk(`{"reasoning_content":${JSON.stringify(part.text)}}`));
        break;
      case 'tool_start':
        this.start(out);
        out.push(this.chunk(JSON.stringify({ tool_calls: [{ index: part.index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] })));
        break;
      case 'tool_delta':
        this.start(out);
        out.push(this.chunk(`{"tool_calls":[{"index":${part.index},"function":{"arguments":${JSON.stringify(part.arguments)}}}]}`));
        break;
      case 'finish':
        this.finish = part.reason;
        break;
      case 'usage':
        this.usage = mergeUsage(this.usage, part.usage);
        break;
      case 'end':
        this.finished = true;
        this.start(out);
        out.push(this.chunk('{}', this.finish ?? 'stop'));
        if (this.options.includeUsage) {
          out.push(sseFrame(undefined, { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.options.model, choices: [], usage: usageToChat(completeUsage(this.usage)) }));
        }
        out.push('data: [DONE]\n\n');
        break;
      case 'error': {
        this.finished = true;
        const type = part.failure.vendorCode ?? 'api_error';
        // OpenAI's error object always carries `param` (null here: no parameter is at fault).
        out.push(sseFrame(undefined, { error: { message: part.failure.message, type, param: null, code: type } }));
        break;
      }
      default:
        break;
    }
    return out;
  }
}

const FIELD_NAMES: Readonly<Record<PivotField, string>> = {
  topK: 'top_k',
  reasoning: 'reasoning_effort',
  output: 'response_format',
  temperature: 'temperature',
  stop: 'stop',
  user: 'user',
  parallelToolCalls: 'parallel_tool_calls',
};

export const openAiChatCodec: ClientCodec & ProviderCodec = {
  parseRequest,
  buildRequest,
  parseResponse,
  buildResponse: (res, model) => buildResponse(res, model),
  decoder: () => new ChatDecoder(),
  encoder: (options) => new ChatEncoder(options),
  fieldNames: FIELD_NAMES,
};
