import { isPriced } from '../catalog/catalog.js';
import { getBuiltInProvider } from '../catalog/lookup.js';
import type { ModelSpec, PromptCachePrice } from '../catalog/types.js';
import { AppError } from '../errors/app-error.js';
import { divCeil, maxBig, parseDecimal } from './credits/money.js';

/**
 * What a request costs, in integer nano-USD (1e-9 USD).
 *
 * - Processing fee: USD 0.05 per million tokens (input + output) = exactly 50 nano-USD per token,
 *   on every request that reached a provider, whoever's credentials served it.
 * - Provider cost at the catalog's prices (any credentials; spend = fee + provider cost, what key
 *   budgets count; with gateway credentials (`keySource: 'gateway'`) credits pay it too): each
 *   input token at its price (plain, read from or written to the prompt cache), each output token,
 *   and each hosted web search call, summed exactly and rounded UP to a whole nano-USD once per
 *   request (never per token, never per component). Same usage → same cost, so a streamed request
 *   costs exactly what the non-streamed one does.
 */
export type PricedKeySource = 'user' | 'gateway' | 'none';

export const FEE_NANO_PER_TOKEN = 50n;
const TOKENS_PER_MTOK = 1_000_000n;
/** Output cap assumed for the worst case when neither the request nor the catalog gives one. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_768;

export interface Cost {
  feeNano: bigint;
  /** What credits pay for the provider: the catalog cost with gateway credentials, else 0. */
  upstreamCostNano: bigint;
  /** What credits pay: fee + upstreamCost. */
  totalNano: bigint;
  /** The provider cost at catalog prices whoever's credentials served it; null for unpriced models. */
  providerCostNano: bigint | null;
  /** What budgets count: fee + providerCost (the fee alone when unpriced). */
  spendNano: bigint;
}

export interface CostInput {
  /** Every input token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Of the input: read from / written to the provider's prompt cache (TokenUsage's counts). */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
  /** Calls of the provider's hosted web search (TokenUsage's count). */
  webSearchCalls?: number;
  model: ModelSpec | undefined;
  keySource: PricedKeySource;
}

/**
 * The most tokens one image can be billed at where the catalog gives no ceiling of its own
 * (ModelSpec.maxImageInputTokens): Claude 4.7 and later read images up to 2,576 px on the long
 * edge, about 4,784 tokens; OpenAI's patch-billed models at most 1,536 patches × 2.46 = 3,779, its
 * tile-billed ones 1,445.
 */
export const DEFAULT_IMAGE_INPUT_TOKENS = 4_800;

/**
 * Input tokens a document is held at when its model is unknown. A file, PDF or audio part costs
 * what its pages or seconds do, unknown until the provider reads it; a known model holds its whole
 * context window.
 */
export const DEFAULT_DOCUMENT_INPUT_TOKENS = 1_000_000;

export interface WorstCaseInput {
  /** The request's text (framing and tool schemas included), estimated. */
  estimatedInputTokens: number;
  /** Images and documents in the request, priced at the model's ceilings (worstCaseInputTokens). */
  images?: number;
  documents?: number;
  /** The request's max_tokens / max_completion_tokens / max_output_tokens, if any. */
  maxOutputTokens: number | null | undefined;
  /** Answers asked for (Chat Completions' `n`): each is billed its own output, up to the limit each. */
  outputChoices?: number;
  /** The prompt-cache writes the request may be billed: its input is held at that write price. */
  cacheWrites?: CacheWrites;
  /** The most hosted web searches the request may make (each billed per call). */
  webSearchCalls?: number;
  model: ModelSpec | undefined;
  keySource: PricedKeySource;
}

/** One price band, nano-USD per million tokens. */
interface Band {
  inputNanoPerMTok: bigint;
  outputNanoPerMTok: bigint;
  /** Input read from the prompt cache, written to it (5-minute and 1-hour): the input price where the catalog gives none. */
  cacheReadNanoPerMTok: bigint;
  cacheWriteNanoPerMTok: bigint;
  cacheWrite1hNanoPerMTok: bigint;
  /** The most an input token can cost in this band when the request may write the cache for 5 minutes, or for an hour (writes cost more than plain input). */
  worstWrite5mInputNanoPerMTok: bigint;
  worstWrite1hInputNanoPerMTok: bigint;
}

interface Prices extends Band {
  /** Above this many input tokens a request is billed at `longContext` instead. */
  longContext?: Band & { aboveInputTokens: bigint };
  /** The provider's hosted web search, nano-USD per thousand calls (0 where it has none). */
  webSearchNanoPerThousand: bigint;
}

const priceCache = new WeakMap<ModelSpec, Prices>();

/** A catalog price (USD, exact decimal text) in nano-USD. */
function nanoOf(model: ModelSpec, usd: string): bigint {
  const value = parseDecimal(usd);
  if (value === undefined || value < 0n) {
    throw new AppError('internal_error', 500, `Catalog price of ${model.provider}:${model.id} is not a decimal.`, { expose: false });
  }
  return value;
}

function band(model: ModelSpec, inputUsd: string, outputUsd: string, cache: PromptCachePrice | undefined): Band {
  const input = nanoOf(model, inputUsd);
  const cacheWrite = cache?.writeUsdPerMTok !== undefined ? nanoOf(model, cache.writeUsdPerMTok) : input;
  const cacheWrite1h = cache?.write1hUsdPerMTok !== undefined ? nanoOf(model, cache.write1hUsdPerMTok) : cacheWrite;
  return {
    inputNanoPerMTok: input,
    outputNanoPerMTok: nanoOf(model, outputUsd),
    cacheReadNanoPerMTok: cache !== undefined ? nanoOf(model, cache.readUsdPerMTok) : input,
    cacheWriteNanoPerMTok: cacheWrite,
    cacheWrite1hNanoPerMTok: cacheWrite1h,
    worstWrite5mInputNanoPerMTok: maxBig(input, cacheWrite),
    worstWrite1hInputNanoPerMTok: maxBig(input, maxBig(cacheWrite, cacheWrite1h)),
  };
}

/** A catalog model's prices as nano-USD per million tokens (exact; cached per spec); undefined when unpriced. */
export function modelPrices(model: ModelSpec): Prices | undefined {
  if (!isPriced(model)) return undefined;
  let prices = priceCache.get(model);
  if (!prices) {
    const webSearch = getBuiltInProvider(model.provider)?.webSearchUsdPerThousandCalls;
    prices = {
      ...band(model, model.inputPriceUsdPerMTok, model.outputPriceUsdPerMTok, model.promptCachePrice),
      webSearchNanoPerThousand: webSearch !== undefined ? nanoOf(model, webSearch) : 0n,
    };
    const long = model.longContextPrice;
    if (long) {
      prices.longContext = {
        ...band(model, long.inputPriceUsdPerMTok, long.outputPriceUsdPerMTok, long.promptCachePrice),
        aboveInputTokens: BigInt(long.aboveInputTokens),
      };
    }
    priceCache.set(model, prices);
  }
  return prices;
}

/** The band a request of `inputTokens` (cached ones included, as providers count a prompt's length) is billed in. */
function bandFor(prices: Prices, inputTokens: bigint): Band {
  return prices.longContext !== undefined && inputTokens > prices.longContext.aboveInputTokens ? prices.longContext : prices;
}

function tokens(n: number): bigint {
  if (!Number.isFinite(n) || n <= 0) return 0n;
  return BigInt(Math.ceil(n));
}

/** Which prompt-cache writes a request may be billed: none (no cache_control), 5-minute ones, or 1-hour ones too. */
export type CacheWrites = 'none' | '5m' | '1h';

/** Token counts as billed: `input` all of it, the cache counts parts of it (0 when none). */
interface Billed {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  cacheWrite1h: bigint;
  webSearchCalls: bigint;
}

/**
 * What a price computes: the cost of what was billed, or a hold, which prices all input at the
 * input price or, when the request may write the prompt cache, at the dearest write price its
 * cache lifetimes allow.
 */
type Pricing = 'billed' | { worst: CacheWrites };

/** The input's price in nano-USD × 1e6: each part at its own price (see Billed), or every token at a hold's price. */
function inputCost(b: Band, t: Billed, pricing: Pricing): bigint {
  if (pricing !== 'billed') {
    const perMTok = pricing.worst === '1h' ? b.worstWrite1hInputNanoPerMTok : pricing.worst === '5m' ? b.worstWrite5mInputNanoPerMTok : b.inputNanoPerMTok;
    return t.input * perMTok;
  }
  const plain = t.input - t.cacheRead - t.cacheWrite;
  return (
    plain * b.inputNanoPerMTok +
    t.cacheRead * b.cacheReadNanoPerMTok +
    (t.cacheWrite - t.cacheWrite1h) * b.cacheWriteNanoPerMTok +
    t.cacheWrite1h * b.cacheWrite1hNanoPerMTok
  );
}

function price(t: Billed, model: ModelSpec | undefined, keySource: PricedKeySource, pricing: Pricing): Cost {
  const feeNano = (t.input + t.output) * FEE_NANO_PER_TOKEN;
  const p = model && modelPrices(model);
  if (keySource === 'gateway' && !p) {
    // Gateway credentials only serve priced catalog models; anything else would be free inference.
    throw new AppError('internal_error', 500, 'Gateway inference needs a priced catalog model.', { expose: false });
  }
  let providerCostNano: bigint | null = null;
  if (p) {
    const b = bandFor(p, t.input);
    // A web search call costs a thousandth of the thousand-call price: × 1,000 on this scale (nano-USD × 1e6).
    const searches = t.webSearchCalls * p.webSearchNanoPerThousand * 1_000n;
    providerCostNano = divCeil(inputCost(b, t, pricing) + t.output * b.outputNanoPerMTok + searches, TOKENS_PER_MTOK);
  }
  const upstreamCostNano = keySource === 'gateway' ? (providerCostNano ?? 0n) : 0n;
  return { feeNano, upstreamCostNano, totalNano: feeNano + upstreamCostNano, providerCostNano, spendNano: feeNano + (providerCostNano ?? 0n) };
}

/** The settled cost of a request from its (provider-reported or estimated) token counts. */
export function computeCost(input: CostInput): Cost {
  const billed: Billed = {
    input: tokens(input.inputTokens),
    output: tokens(input.outputTokens),
    cacheRead: tokens(input.cacheReadTokens ?? 0),
    cacheWrite: tokens(input.cacheWriteTokens ?? 0),
    cacheWrite1h: tokens(input.cacheWrite1hTokens ?? 0),
    webSearchCalls: tokens(input.webSearchCalls ?? 0),
  };
  // Counts that do not fit within the input (billableUsage drops them; this is the last guard) bill all input at the input price.
  if (billed.cacheRead + billed.cacheWrite > billed.input || billed.cacheWrite1h > billed.cacheWrite) billed.cacheRead = billed.cacheWrite = billed.cacheWrite1h = 0n;
  return price(billed, input.model, input.keySource, 'billed');
}

/**
 * The most input tokens a request can be billed for on `model`: its text estimate plus every image
 * at the model's ceiling, or, with a document among them, the model's whole context window (the
 * provider refuses more).
 */
export function worstCaseInputTokens(input: WorstCaseInput): number {
  const { estimatedInputTokens: text, images = 0, documents = 0, model } = input;
  if (documents > 0) return Math.max(text, model?.contextWindow ?? DEFAULT_DOCUMENT_INPUT_TOKENS);
  return text + images * (model?.maxImageInputTokens ?? DEFAULT_IMAGE_INPUT_TOKENS);
}

/**
 * The most a request can cost: its worst-case input (worstCaseInputTokens) at the input price or,
 * when it may write the prompt cache, at the write price (on Claude 1.25× the input price, 2× for
 * a 1-hour cache); the request's output cap (bounded by the model's maximum), or the model's
 * maximum, or DEFAULT_MAX_OUTPUT_TOKENS when neither is known; and the web searches it may make.
 */
export function worstCaseCost(input: WorstCaseInput): Cost {
  const requested = input.maxOutputTokens != null && input.maxOutputTokens > 0 ? input.maxOutputTokens : undefined;
  const modelMax = input.model?.maxOutputTokens;
  const maxOutput =
    requested !== undefined && modelMax !== undefined ? Math.min(requested, modelMax) : requested ?? modelMax ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const billed: Billed = {
    input: tokens(worstCaseInputTokens(input)),
    output: tokens(maxOutput) * BigInt(input.outputChoices ?? 1),
    cacheRead: 0n,
    cacheWrite: 0n,
    cacheWrite1h: 0n,
    webSearchCalls: tokens(input.webSearchCalls ?? 0),
  };
  return price(billed, input.model, input.keySource, { worst: input.cacheWrites ?? 'none' });
}
