/** Wire format a provider speaks. Vendor differences are data on ProviderSpec, never branches. */
export type ApiFormat = 'openai' | 'anthropic';

/** Surfaces that generate text: each reaches every provider, translated where its format differs. */
export type GenerativeSurface = 'chat' | 'responses' | 'messages';

/**
 * Client-facing (and upstream) API surfaces. `embeddings` is never translated: only providers
 * listing it among their surfaces serve it (OpenAI's `/embeddings` wire format).
 */
export type Surface = GenerativeSurface | 'embeddings';

/** What a model does: generate text (every generative surface) or embed input (`/v1/embeddings` only). */
export type ModelKind = 'chat' | 'embedding';

export type Modality = 'text' | 'image' | 'audio' | 'video' | 'pdf';

export type AuthStyle = 'bearer' | 'x-api-key';

export interface ProviderSpec {
  id: string;
  name: string;
  /** Includes the version path (https://api.openai.com/v1); the gateway appends /chat/completions etc. */
  baseUrl: string;
  apiFormat: ApiFormat;
  authStyle: AuthStyle;
  /** Sent on every request to this provider (e.g. anthropic-version). */
  fixedHeaders: Record<string, string>;
  /** Native surfaces the provider serves (an OpenAI-format vendor may lack /responses). */
  surfaces: Surface[];
  /** Body parameters this provider rejects and the gateway removes before sending. */
  stripParams: string[];
  /** Whether an OpenAI-format stream honours stream_options.include_usage. */
  supportsStreamUsage: boolean;
  /**
   * Assistant messages with tool calls must carry the model's reasoning back in `reasoning_content`
   * (an empty one where there was none): DeepSeek's thinking mode refuses the next request of a
   * tool loop without it. Other vendors refuse the unknown field, so it is sent only where set.
   */
  echoesReasoningContent?: boolean;
  /**
   * What the provider charges per thousand calls of its hosted web search (Anthropic's
   * `web_search_…` server tool, OpenAI's `web_search` tool in Responses), on top of tokens: USD,
   * an exact decimal string. Absent: the provider has no such tool.
   */
  webSearchUsdPerThousandCalls?: string;
  /** Environment variable holding the operator's credential for gateway inference, if any. */
  gatewayCredentialEnv?: 'MANAGED_OPENAI_API_KEY' | 'MANAGED_ANTHROPIC_API_KEY';
  docsUrl?: string;
  /** OpenTelemetry's well-known `gen_ai.provider.name` for this provider when it differs from `id`. */
  telemetryName?: string;
}

export interface ModelSpec {
  /** Upstream model id, exactly as the provider expects it. */
  id: string;
  provider: string;
  displayName: string;
  contextWindow: number;
  maxOutputTokens: number;
  modalities: { input: Modality[]; output: Modality[] };
  /**
   * The output-limit parameter the model takes on chat completions when it is not `max_tokens`
   * (OpenAI's reasoning models refuse `max_tokens`); used when translating a messages request.
   */
  maxTokensParam?: 'max_completion_tokens';
  /**
   * Absent means `chat`. An `embedding` model serves only `/v1/embeddings` (and is refused on the
   * generative surfaces); its `contextWindow` is the input limit per item, `maxOutputTokens` 0.
   */
  kind?: ModelKind;
  /**
   * USD per million tokens, exact decimal strings; null when no authoritative price is known
   * (the model is served on the caller's own provider key and billed the processing fee only).
   */
  inputPriceUsdPerMTok: string | null;
  outputPriceUsdPerMTok: string | null;
  /** Other bare ids that name this model (the upstream still receives `id`). */
  aliases?: readonly string[];
  /**
   * The most input tokens one image can be billed at on this model, when it differs from
   * pricing.ts's DEFAULT_IMAGE_INPUT_TOKENS (gpt-4o-mini bills an image at ~33× gpt-4o's tokens).
   * Credit and budget holds count every image at this ceiling: its real size is unknown before
   * the provider reads it (a URL image is a few bytes in the body).
   */
  maxImageInputTokens?: number;
  /**
   * Prices of a request whose input exceeds `aboveInputTokens` (Gemini Pro, Claude Sonnet 4.x with
   * the 1M-context beta bill such a request's every token at these); absent: one price band.
   */
  longContextPrice?: LongContextPrice;
  /**
   * What input read from or written to the provider's prompt cache costs, when it differs from
   * the input price (reads are discounted at every vendor that reports them; Anthropic charges
   * writes extra). Absent: every input token at the input price.
   */
  promptCachePrice?: PromptCachePrice;
}

export interface LongContextPrice {
  aboveInputTokens: number;
  inputPriceUsdPerMTok: string;
  outputPriceUsdPerMTok: string;
  /** The band's own prompt-cache prices; absent: the band's input price for every input token. */
  promptCachePrice?: PromptCachePrice;
}

/** USD per million input tokens read from or written to a prompt cache, exact decimal strings. */
export interface PromptCachePrice {
  /** Input the provider read from its cache (OpenAI's `cached_tokens`, Anthropic's `cache_read_input_tokens`). */
  readUsdPerMTok: string;
  /** Input written to the cache (Anthropic's 5-minute cache); absent: the input price. */
  writeUsdPerMTok?: string;
  /** Input written to Anthropic's 1-hour cache; absent: `writeUsdPerMTok`. */
  write1hUsdPerMTok?: string;
}
