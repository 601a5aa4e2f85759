import type { ApiFormat, GenerativeSurface, ModelSpec, Surface } from '../../catalog/types.js';
import type { ProviderEndpoint, StreamObservation, StreamObserver, TokenUsage, WireAdapter } from '../adapters/adapter.js';
import { adapterFor } from '../adapters/index.js';
import { completeUsage, mergeUsage, type FinishReason, type Json, type PivotUsage, type StreamDecoder, type StreamEncoder, type StreamPart } from '../pivot.js';
import type { SseEvent } from '../sse.js';
import { anthropicMessagesCodec, forAnthropic } from './anthropic-messages.js';
import type { ClientCodec, ProviderCodec } from './codec.js';
import { openAiChatCodec } from './openai-chat.js';
import { openAiResponsesCodec } from './openai-responses.js';
import { withoutGatewayItems } from './responses-items.js';

/**
 * How a client format reaches a provider: passed through untouched when the provider serves that
 * format, else parsed into the pivot and rebuilt in the provider's own format (Anthropic-format
 * providers speak Messages, every OpenAI-format one Chat Completions), answers and streams
 * translated back the same way.
 */

const CLIENT: Readonly<Record<GenerativeSurface, ClientCodec>> = {
  chat: openAiChatCodec,
  responses: openAiResponsesCodec,
  messages: anthropicMessagesCodec,
};

const PROVIDER: Readonly<Record<ApiFormat, { surface: GenerativeSurface; codec: ProviderCodec }>> = {
  openai: { surface: 'chat', codec: openAiChatCodec },
  anthropic: { surface: 'messages', codec: anthropicMessagesCodec },
};

export interface TranslatedEvent extends StreamObservation {
  /** Client frames for this event (possibly none). */
  frames: string[];
}

/** One cross-format stream: each upstream event is parsed once, observed and re-encoded from the same parts. */
export interface StreamTranslator extends Omit<StreamObserver, 'observe'> {
  push(event: SseEvent): TranslatedEvent;
  /** Upstream ended: closes the client stream only if the upstream had already finished its answer. */
  end(): string[];
}

export interface StreamOptions {
  /** chat clients: stream_options.include_usage was asked for. */
  includeUsage: boolean;
  /** The client's request body (Responses events repeat its settings). */
  request: Json;
  /** Estimated input tokens, announced where a format expects them up front (message_start). */
  inputTokens?: number;
}

/** What a translated request needs to know of the serving provider beyond its format. */
export type ProviderTraits = Pick<ProviderEndpoint, 'echoesReasoningContent'>;

export interface InferencePlan {
  upstream: WireAdapter;
  translated: boolean;
  /** The body to send and the client fields that could not be sent (named in x-gateway-removed-params). */
  request(body: Json, spec: ModelSpec | undefined, provider?: ProviderTraits): { body: Json; removed: string[] };
  /**
   * The answer in the client's format. Its model is the one that served it, as a same-format
   * answer names it: the upstream's own name for it, else `model` (the attempt's upstream model id).
   */
  response(json: unknown, model: string, request: Json): Json;
  /** `model`: the attempt's upstream model id, named in the client's frames. */
  stream(model: string, options: StreamOptions): StreamTranslator | undefined;
}

const NO_REMOVED: string[] = [];

const asIs = (body: Json) => ({ body, removed: NO_REMOVED });

const NATIVE: Readonly<Record<Surface, InferencePlan>> = {
  chat: nativePlan('chat', asIs),
  // Turns another vendor answered through the gateway carry items and thinking this provider never wrote.
  responses: nativePlan('responses', (body) => ({ body: withoutGatewayItems(body), removed: NO_REMOVED })),
  messages: nativePlan('messages', forAnthropic),
  embeddings: nativePlan('embeddings', asIs),
};

function nativePlan(surface: Surface, prepare: (body: Json) => { body: Json; removed: string[] }): InferencePlan {
  return {
    upstream: adapterFor(surface),
    translated: false,
    request: prepare,
    response: (json) => json as Json,
    stream: () => undefined,
  };
}

function translatedPlan(surface: GenerativeSurface, format: ApiFormat): InferencePlan {
  const client = CLIENT[surface];
  const provider = PROVIDER[format];
  return {
    upstream: adapterFor(provider.surface),
    translated: true,
    request(body, spec, traits) {
      const pivot = client.parseRequest(body);
      const built = provider.codec.buildRequest(pivot, { spec, echoesReasoningContent: traits?.echoesReasoningContent });
      const removed = [...pivot.removed];
      for (const field of built.removed) removed.push(client.fieldNames[field]);
      return { body: built.body, removed };
    },
    response(json, model, request) {
      const parsed = provider.codec.parseResponse(json);
      return client.buildResponse(parsed, parsed.model || model, request);
    },
    stream: (model, o) =>
      createStreamTranslator(provider.codec.decoder(), client.encoder({ model, includeUsage: o.includeUsage, inputTokens: o.inputTokens, request: o.request })),
  };
}

const TRANSLATED = new Map<string, InferencePlan>();

/** The plan for a client surface served by a provider of `format` offering `surfaces` natively. */
export function planFor(surface: Surface, provider: { apiFormat: ApiFormat; surfaces: readonly Surface[] }): InferencePlan {
  if (provider.surfaces.includes(surface) && adapterFor(surface).format === provider.apiFormat) return NATIVE[surface];
  // Embeddings have no translation: resolve-model only routes them to providers that offer them.
  if (surface === 'embeddings') throw new Error(`no embeddings plan for a ${provider.apiFormat}-format provider without the embeddings surface`);
  const key = `${surface}>${provider.apiFormat}`;
  let plan = TRANSLATED.get(key);
  if (plan === undefined) {
    plan = translatedPlan(surface, provider.apiFormat);
    TRANSLATED.set(key, plan);
  }
  return plan;
}

const QUIET: TranslatedEvent = Object.freeze({ meaningful: false, drop: false, done: false, frames: [] as string[] }) as TranslatedEvent;

export function createStreamTranslator(decoder: StreamDecoder, encoder: StreamEncoder): StreamTranslator {
  let usage: Partial<PivotUsage> = {};
  let sawUsage = false;
  let text = '';
  let finished = false;
  let ended = false;
  const finishes: FinishReason[] = [];

  return {
    push(event) {
      if (ended) return QUIET;
      const parts = decoder.decode(event);
      if (parts.length === 0) return QUIET;
      const result: TranslatedEvent = { meaningful: false, drop: false, done: false, frames: [] };
      for (const part of parts) {
        observe(part, result);
        for (const frame of encoder.encode(part)) result.frames.push(frame);
      }
      return result;
    },
    end() {
      // A stream whose finish arrived but whose terminal event did not is still a whole answer.
      if (ended || !finished) return [];
      ended = true;
      return encoder.encode({ type: 'end' });
    },
    usage(): TokenUsage | undefined {
      return sawUsage ? completeUsage(usage) : undefined;
    },
    outputText: () => text,
    finishReasons: () => finishes,
  };

  function observe(part: StreamPart, result: TranslatedEvent): void {
    switch (part.type) {
      case 'start':
        if (part.usage !== undefined) {
          usage = mergeUsage(usage, part.usage);
          sawUsage = true;
        }
        // Not yet an answer: an error may still follow, and until content the request can fail over.
        return;
      case 'text':
      case 'reasoning':
        text += part.text;
        break;
      case 'tool_start':
        text += part.name;
        break;
      case 'tool_delta':
        text += part.arguments;
        break;
      case 'reasoning_signature':
        return;
      case 'reasoning_redacted':
        // Content of the answer, though no text: the stream can no longer fail over.
        break;
      case 'finish':
        finished = true;
        finishes.push(part.reason);
        break;
      case 'usage':
        usage = mergeUsage(usage, part.usage);
        sawUsage = true;
        break;
      case 'end':
        ended = true;
        result.done = true;
        break;
      case 'error':
        result.error ??= part.failure;
        break;
    }
    result.meaningful = true;
  }
}
