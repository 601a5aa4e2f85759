import type { ApiFormat, AuthStyle, Surface } from '../../catalog/types.js';
import type { UpstreamFailure } from '../../errors/upstream-error.js';
import type { SseEvent } from '../sse.js';
import type { FinishReason } from '../pivot.js';

/** What an adapter needs to know about the provider serving an attempt (built-in or custom). */
export interface ProviderEndpoint {
  id: string;
  /** Includes version path and may carry a query string, which is kept. */
  baseUrl: string;
  apiFormat: ApiFormat;
  authStyle: AuthStyle;
  fixedHeaders: Record<string, string>;
  stripParams: string[];
  supportsStreamUsage: boolean;
  /** ProviderSpec.echoesReasoningContent. */
  echoesReasoningContent?: boolean;
}

export interface BuildRequestInput {
  endpoint: ProviderEndpoint;
  /** Upstream model id. */
  model: string;
  /** Provider credential, or null for an unauthenticated custom provider. */
  credential: string | null;
  /** Client body already in this adapter's format (translated if needed), gateway-only fields removed. */
  body: Record<string, unknown>;
  stream: boolean;
  /** Client headers worth forwarding (anthropic-version, anthropic-beta, openai-beta …), lower-case names. */
  forwardHeaders: Record<string, string>;
}

export interface BuiltRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The adapter asked the upstream for stream usage the client did not request; hide that chunk. */
  injectedStreamUsage: boolean;
  /** Client parameters this provider refuses, removed before sending (named to the client). */
  removedParams: string[];
}

/** Tokens a provider billed. */
export interface TokenUsage {
  /** Every input token, cached ones included (OpenAI's convention; Anthropic's counts are summed). */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens: read from the provider's prompt cache (billed at its cache-read price). */
  cacheReadTokens?: number;
  /** Of inputTokens: written to the provider's prompt cache (Anthropic), 1-hour writes included. */
  cacheWriteTokens?: number;
  /** Of cacheWriteTokens: written to Anthropic's 1-hour cache (billed at its own price). */
  cacheWrite1hTokens?: number;
  /** Calls of the provider's hosted web search, billed per call on top of tokens. */
  webSearchCalls?: number;
}

/** More tokens than any model's window: a count above it is a provider's error, not usage. */
const MAX_BILLABLE_TOKENS = 100_000_000;

const isTokenCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0 && n <= MAX_BILLABLE_TOKENS;

/**
 * The usage a provider reported, when it can be billed: whole token counts from 0 up to
 * MAX_BILLABLE_TOKENS. A provider (a custom one, say) reporting negative, fractional or absurd
 * counts is not believed, and the request is billed on the gateway's estimate, as when a provider
 * reports nothing: negative counts made a request free and put negative tokens in the summaries.
 */
export function billableUsage(usage: TokenUsage | undefined): TokenUsage | undefined {
  if (!usage || !isTokenCount(usage.inputTokens) || !isTokenCount(usage.outputTokens)) return undefined;
  const cacheFits = cacheCountsFit(usage);
  const searchesFit = usage.webSearchCalls === undefined || isTokenCount(usage.webSearchCalls);
  if (cacheFits && searchesFit) return usage;
  const billed: TokenUsage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  if (cacheFits) {
    billed.cacheReadTokens = usage.cacheReadTokens;
    billed.cacheWriteTokens = usage.cacheWriteTokens;
    billed.cacheWrite1hTokens = usage.cacheWrite1hTokens;
  }
  if (searchesFit) billed.webSearchCalls = usage.webSearchCalls;
  return billed;
}

/**
 * Cache counts are parts of the input: reads and writes within it, 1-hour writes within the writes.
 * Counts that do not fit are not believed, and all input is billed at the input price (a provider
 * claiming every token a cache read would otherwise make a request nearly free).
 */
function cacheCountsFit(u: TokenUsage): boolean {
  const read = u.cacheReadTokens ?? 0;
  const write = u.cacheWriteTokens ?? 0;
  const write1h = u.cacheWrite1hTokens ?? 0;
  return isTokenCount(read) && isTokenCount(write) && isTokenCount(write1h) && read + write <= u.inputTokens && write1h <= write;
}

export interface StreamObservation {
  /** This event carries content or metadata a client must see (not a keep-alive/comment). */
  meaningful: boolean;
  /** In-band error frame (e.g. a 200 stream whose first frame is an error). */
  error?: UpstreamFailure;
  /** Do not forward this event (the usage-only chunk the client did not ask for). */
  drop: boolean;
  /** Terminal event ([DONE], message_stop, response.completed). */
  done: boolean;
}

export interface StreamObserver {
  observe(event: SseEvent): StreamObservation;
  /** Usage reported so far by the stream, if any. */
  usage(): TokenUsage | undefined;
  /** Why generation stopped, one per choice, as far as the stream said (see FinishReason). */
  finishReasons(): readonly FinishReason[];
  /** Text generated so far (for a tiktoken estimate when usage is missing). */
  outputText(): string;
}

/** One per wire surface; no I/O, no retries, nothing vendor-specific. */
export interface WireAdapter {
  surface: Surface;
  format: ApiFormat;
  /** Path appended to the provider base URL (before its query string). */
  path: string;
  buildRequest(input: BuildRequestInput): BuiltRequest;
  readUsage(json: unknown): TokenUsage | undefined;
  /** Why generation stopped, one per choice (empty when the answer says nothing, e.g. embeddings). */
  readFinishReasons(json: unknown): FinishReason[];
  /** A 2xx body that is an error, not an answer (some vendors answer 200 with one): a failure that may fail over. */
  isErrorBody(json: unknown): boolean;
  /** The text generated in a non-streaming answer (for a token estimate when usage is missing). */
  readOutputText(json: unknown): string;
  observeStream(options: { hideUsageChunk: boolean }): StreamObserver;
  parseError(status: number, headers: Record<string, string | string[] | undefined>, body: string): UpstreamFailure;
}
