import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../server/src/catalog/catalog.js';
const findModel = BUILT_IN_CATALOG.findModel.bind(BUILT_IN_CATALOG);
import type { ModelSpec } from '../../server/src/catalog/types.js';
import { formatUsd, parseDecimal } from '../../server/src/services/credits/money.js';
import {
  DEFAULT_DOCUMENT_INPUT_TOKENS,
  DEFAULT_IMAGE_INPUT_TOKENS,
  DEFAULT_MAX_OUTPUT_TOKENS,
  FEE_NANO_PER_TOKEN,
  computeCost,
  worstCaseCost,
  worstCaseInputTokens,
  type CacheWrites,
} from '../../server/src/services/pricing.js';

const spec = (input: string, output: string, maxOutputTokens = 16_384): ModelSpec => ({
  id: 'test-model',
  provider: 'openai',
  displayName: 'Test',
  contextWindow: 128_000,
  maxOutputTokens,
  modalities: { input: ['text'], output: ['text'] },
  inputPriceUsdPerMTok: input,
  outputPriceUsdPerMTok: output,
});

describe('computeCost', () => {
  it('charges only the fee (USD 0.05 per million tokens) for requests on the account’s own key', () => {
    const model = findModel('openai', 'gpt-4o');
    const cost = computeCost({ inputTokens: 1_000_000, outputTokens: 0, model, keySource: 'user' });
    expect(cost).toEqual({ feeNano: 50_000_000n, upstreamCostNano: 0n, totalNano: 50_000_000n, providerCostNano: 2_500_000_000n, spendNano: 2_550_000_000n });
    expect(formatUsd(cost.totalNano)).toBe('0.05');
    // 50 nano-USD per token, input and output alike.
    expect(computeCost({ inputTokens: 7, outputTokens: 3, model, keySource: 'user' }).totalNano).toBe(500n);
    expect(computeCost({ inputTokens: 7, outputTokens: 3, model: undefined, keySource: 'none' }).totalNano).toBe(500n);
  });

  it('adds the upstream cost at catalog prices for gateway credentials', () => {
    const model = findModel('openai', 'gpt-4o'); // $2.50 in, $10.00 out per MTok
    const cost = computeCost({ inputTokens: 1_000, outputTokens: 500, model, keySource: 'gateway' });
    expect(cost.feeNano).toBe(75_000n); // 1500 × 50
    expect(cost.upstreamCostNano).toBe(2_500_000n + 5_000_000n); // $0.0025 + $0.005
    expect(cost.totalNano).toBe(7_575_000n);
    expect(formatUsd(cost.totalNano)).toBe('0.007575');
  });

  it('rounds the upstream cost up to a whole nano-USD once per request', () => {
    // $0.0375 per MTok = 37.5 nano per token; $0.0001 per MTok = 0.1 nano per token.
    const model = spec('0.0375', '0.0001');
    expect(computeCost({ inputTokens: 1, outputTokens: 0, model, keySource: 'gateway' }).upstreamCostNano).toBe(38n);
    expect(computeCost({ inputTokens: 2, outputTokens: 0, model, keySource: 'gateway' }).upstreamCostNano).toBe(75n);
    expect(computeCost({ inputTokens: 0, outputTokens: 11, model, keySource: 'gateway' }).upstreamCostNano).toBe(2n);
    expect(computeCost({ inputTokens: 0, outputTokens: 10, model, keySource: 'gateway' }).upstreamCostNano).toBe(1n);
    // Rounded once on the sum, not per component: 37.5 + 0.5 = 38 exactly (per component it would be 38 + 1).
    expect(computeCost({ inputTokens: 1, outputTokens: 5, model, keySource: 'gateway' }).upstreamCostNano).toBe(38n);
    expect(computeCost({ inputTokens: 0, outputTokens: 0, model, keySource: 'gateway' }).totalNano).toBe(0n);
  });

  it('is deterministic and additive in tokens up to rounding', () => {
    const model = spec('3.00', '15.00');
    const a = computeCost({ inputTokens: 123_456, outputTokens: 7_891, model, keySource: 'gateway' });
    const b = computeCost({ inputTokens: 123_456, outputTokens: 7_891, model, keySource: 'gateway' });
    expect(a).toEqual(b);
    expect(a.upstreamCostNano).toBe(123_456n * 3_000n + 7_891n * 15_000n);
  });

  it('treats negative or fractional token counts safely', () => {
    const model = spec('1.00', '1.00');
    expect(computeCost({ inputTokens: -5, outputTokens: Number.NaN, model, keySource: 'gateway' }).totalNano).toBe(0n);
    expect(computeCost({ inputTokens: 1.2, outputTokens: 0, model, keySource: 'user' }).feeNano).toBe(100n);
  });

  it('refuses to price gateway inference without a catalog model', () => {
    expect(() => computeCost({ inputTokens: 1, outputTokens: 1, model: undefined, keySource: 'gateway' })).toThrow();
  });
});

describe('worstCaseCost', () => {
  it('uses the request’s output cap, bounded by the model maximum', () => {
    const model = spec('2.00', '8.00', 1_000);
    const capped = worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 500, model, keySource: 'gateway' });
    expect(capped).toEqual(computeCost({ inputTokens: 100, outputTokens: 500, model, keySource: 'gateway' }));
    const bounded = worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 50_000, model, keySource: 'gateway' });
    expect(bounded).toEqual(computeCost({ inputTokens: 100, outputTokens: 1_000, model, keySource: 'gateway' }));
  });

  it('holds each of several answers (chat `n`) at the output cap; the prompt once', () => {
    const model = spec('2.00', '8.00', 1_000);
    const several = worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 500, outputChoices: 8, model, keySource: 'gateway' });
    expect(several).toEqual(computeCost({ inputTokens: 100, outputTokens: 4_000, model, keySource: 'gateway' }));
  });

  it('falls back to the model maximum, then to a default cap', () => {
    const model = spec('2.00', '8.00', 1_000);
    expect(worstCaseCost({ estimatedInputTokens: 10, maxOutputTokens: undefined, model, keySource: 'user' }).feeNano).toBe(1_010n * 50n);
    expect(worstCaseCost({ estimatedInputTokens: 10, maxOutputTokens: null, model: undefined, keySource: 'user' }).feeNano).toBe(
      BigInt(10 + DEFAULT_MAX_OUTPUT_TOKENS) * 50n,
    );
  });

  it('is never below the cost of any outcome within the caps', () => {
    const model = spec('1.25', '10.00', 4_000);
    const worst = worstCaseCost({ estimatedInputTokens: 2_000, maxOutputTokens: 4_000, model, keySource: 'gateway' });
    for (const out of [0, 1, 999, 4_000]) {
      expect(computeCost({ inputTokens: 2_000, outputTokens: out, model, keySource: 'gateway' }).totalNano).toBeLessThanOrEqual(worst.totalNano);
    }
  });
});

describe('long-context bands', () => {
  const pro = findModel('google', 'gemini-2.5-pro')!;

  it('bills a request over the threshold at the long-context prices for all of its tokens, one at the threshold at the base prices', () => {
    // $1.25 / $10 up to 200k prompt tokens, $2.50 / $15 above (1,250 / 10,000 and 2,500 / 15,000 nano-USD a token).
    expect(computeCost({ inputTokens: 200_000, outputTokens: 100, model: pro, keySource: 'user' }).providerCostNano).toBe(200_000n * 1_250n + 100n * 10_000n);
    expect(computeCost({ inputTokens: 200_001, outputTokens: 100, model: pro, keySource: 'user' }).providerCostNano).toBe(200_001n * 2_500n + 100n * 15_000n);
  });

  it('holds a request whose worst case is over the threshold at the long-context prices', () => {
    const worst = worstCaseCost({ estimatedInputTokens: 250_000, maxOutputTokens: 1_000, model: pro, keySource: 'user' });
    expect(worst.providerCostNano).toBe(250_000n * 2_500n + 1_000n * 15_000n);
  });
});

describe('prompt-cache prices', () => {
  const sonnet = findModel('anthropic', 'claude-sonnet-4-5')!;
  const gpt5 = findModel('openai', 'gpt-5')!;

  it('bills Claude cache reads at 0.1×, 5-minute writes at 1.25× and 1-hour writes at 2× the input price', () => {
    // $3 input (3,000 nano-USD a token), reads $0.30, writes $3.75, 1-hour writes $6, output $15.
    const cost = computeCost({
      inputTokens: 10_000,
      cacheReadTokens: 6_000,
      cacheWriteTokens: 3_000,
      cacheWrite1hTokens: 1_000,
      outputTokens: 100,
      model: sonnet,
      keySource: 'gateway',
    });
    expect(cost.providerCostNano).toBe(1_000n * 3_000n + 6_000n * 300n + 2_000n * 3_750n + 1_000n * 6_000n + 100n * 15_000n);
    expect(cost.upstreamCostNano).toBe(cost.providerCostNano);
    // The fee counts every token, cached or not.
    expect(cost.feeNano).toBe(10_100n * FEE_NANO_PER_TOKEN);
  });

  it('bills OpenAI cached input at its discount and the rest at the input price', () => {
    // gpt-5: $1.25 input, $0.125 cached.
    expect(computeCost({ inputTokens: 1_000, cacheReadTokens: 800, outputTokens: 0, model: gpt5, keySource: 'user' }).providerCostNano).toBe(
      200n * 1_250n + 800n * 125n,
    );
  });

  it('prices cached input at the input price where the catalog gives no cache price', () => {
    const plain = spec('2.00', '8.00');
    expect(computeCost({ inputTokens: 1_000, cacheReadTokens: 1_000, cacheWriteTokens: 0, outputTokens: 0, model: plain, keySource: 'user' }).providerCostNano).toBe(
      1_000n * 2_000n,
    );
  });

  it('uses the long-context band’s own cache prices, the band chosen by all input, cached included', () => {
    // Sonnet 4.5 above 200k: $6 input, $0.60 reads.
    const cost = computeCost({ inputTokens: 250_000, cacheReadTokens: 240_000, outputTokens: 0, model: sonnet, keySource: 'user' });
    expect(cost.providerCostNano).toBe(10_000n * 6_000n + 240_000n * 600n);
  });

  it('bills counts that do not fit within the input at the input price', () => {
    const full = computeCost({ inputTokens: 1_000, outputTokens: 0, model: sonnet, keySource: 'user' }).providerCostNano;
    expect(computeCost({ inputTokens: 1_000, cacheReadTokens: 5_000, outputTokens: 0, model: sonnet, keySource: 'user' }).providerCostNano).toBe(full);
    expect(computeCost({ inputTokens: 1_000, cacheWriteTokens: 10, cacheWrite1hTokens: 20, outputTokens: 0, model: sonnet, keySource: 'user' }).providerCostNano).toBe(full);
  });

  it('holds a request that may write the cache at its write price (5-minute or 1-hour), any other at the input price', () => {
    const hold = (cacheWrites: CacheWrites) =>
      worstCaseCost({ estimatedInputTokens: 10_000, maxOutputTokens: 100, cacheWrites, model: sonnet, keySource: 'gateway' }).providerCostNano!;
    expect(hold('none')).toBe(10_000n * 3_000n + 100n * 15_000n);
    expect(hold('5m')).toBe(10_000n * 3_750n + 100n * 15_000n);
    expect(hold('1h')).toBe(10_000n * 6_000n + 100n * 15_000n);
    // Whatever the split of the input, the settled cost never exceeds the hold for its lifetimes.
    const settled = (read: number, write: number, write1h: number) =>
      computeCost({ inputTokens: 10_000, cacheReadTokens: read, cacheWriteTokens: write, cacheWrite1hTokens: write1h, outputTokens: 100, model: sonnet, keySource: 'gateway' }).providerCostNano!;
    expect(settled(0, 10_000, 0)).toBe(hold('5m'));
    expect(settled(0, 10_000, 10_000)).toBe(hold('1h'));
    expect(settled(9_000, 1_000, 500)).toBeLessThan(hold('1h'));
  });

  it('keeps Anthropic’s multiples on every priced Claude model and band', () => {
    const claude = BUILT_IN_CATALOG.models.filter((m) => (m.provider === 'anthropic' || m.id.startsWith('anthropic/')) && m.inputPriceUsdPerMTok !== null);
    expect(claude.length).toBeGreaterThan(10);
    for (const m of claude) {
      for (const band of [m, m.longContextPrice].filter((b) => b !== undefined)) {
        const input = parseDecimal(band.inputPriceUsdPerMTok!)!;
        const cache = band.promptCachePrice;
        expect(cache, m.id).toBeDefined();
        expect(parseDecimal(cache!.readUsdPerMTok)! * 10n, m.id).toBe(input);
        expect(parseDecimal(cache!.writeUsdPerMTok!)! * 4n, m.id).toBe(input * 5n);
        expect(parseDecimal(cache!.write1hUsdPerMTok!)!, m.id).toBe(input * 2n);
      }
    }
  });

  it('never prices a cache read above the input price in the catalog', () => {
    for (const m of BUILT_IN_CATALOG.models) {
      if (m.promptCachePrice && m.inputPriceUsdPerMTok !== null) {
        expect(parseDecimal(m.promptCachePrice.readUsdPerMTok)!, `${m.provider}:${m.id}`).toBeLessThan(parseDecimal(m.inputPriceUsdPerMTok)!);
      }
    }
  });
});

describe('hosted web search', () => {
  it('adds the provider’s price per call (Anthropic and OpenAI: $10 per thousand) to the provider cost', () => {
    const haiku = findModel('anthropic', 'claude-haiku-4-5')!;
    const plain = computeCost({ inputTokens: 100, outputTokens: 10, model: haiku, keySource: 'gateway' });
    const searched = computeCost({ inputTokens: 100, outputTokens: 10, webSearchCalls: 3, model: haiku, keySource: 'gateway' });
    expect(searched.providerCostNano! - plain.providerCostNano!).toBe(3n * 10_000_000n);
    expect(searched.totalNano - plain.totalNano).toBe(3n * 10_000_000n);
    // The fee counts tokens only.
    expect(searched.feeNano).toBe(plain.feeNano);
    const gpt5 = findModel('openai', 'gpt-5')!;
    expect(computeCost({ inputTokens: 0, outputTokens: 0, webSearchCalls: 1, model: gpt5, keySource: 'user' }).providerCostNano).toBe(10_000_000n);
    // A provider without hosted search bills none.
    const llama = findModel('groq', 'llama-3.3-70b-versatile')!;
    expect(computeCost({ inputTokens: 0, outputTokens: 0, webSearchCalls: 5, model: llama, keySource: 'user' }).providerCostNano).toBe(0n);
  });

  it('holds the searches a request may make', () => {
    const haiku = findModel('anthropic', 'claude-haiku-4-5')!;
    const hold = (webSearchCalls: number) => worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 10, webSearchCalls, model: haiku, keySource: 'gateway' }).totalNano;
    expect(hold(8) - hold(0)).toBe(8n * 10_000_000n);
  });
});

describe('worstCaseInputTokens', () => {
  const mini = findModel('openai', 'gpt-4o-mini')!;
  const gpt4o = findModel('openai', 'gpt-4o')!;
  const sonnet = findModel('anthropic', 'claude-sonnet-4-5')!;

  it('holds every image at its model’s ceiling: gpt-4o-mini’s 48,169 tokens, the default elsewhere', () => {
    expect(mini.maxImageInputTokens).toBe(48_169);
    expect(findModel('openrouter', 'openai/gpt-4o-mini')!.maxImageInputTokens).toBe(48_169);
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, images: 2, model: mini, maxOutputTokens: 0, keySource: 'gateway' })).toBe(40 + 2 * 48_169);
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, images: 1, model: gpt4o, maxOutputTokens: 0, keySource: 'gateway' })).toBe(40 + DEFAULT_IMAGE_INPUT_TOKENS);
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, images: 1, model: undefined, maxOutputTokens: 0, keySource: 'user' })).toBe(40 + DEFAULT_IMAGE_INPUT_TOKENS);
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, model: mini, maxOutputTokens: 0, keySource: 'gateway' })).toBe(40);
  });

  it('holds a request with a document at its model’s whole context window', () => {
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, images: 3, documents: 1, model: sonnet, maxOutputTokens: 0, keySource: 'gateway' })).toBe(sonnet.contextWindow);
    expect(worstCaseInputTokens({ estimatedInputTokens: 40, documents: 1, model: undefined, maxOutputTokens: 0, keySource: 'user' })).toBe(DEFAULT_DOCUMENT_INPUT_TOKENS);
    expect(worstCaseInputTokens({ estimatedInputTokens: 300_000, documents: 1, model: sonnet, maxOutputTokens: 0, keySource: 'gateway' })).toBe(300_000);
  });

  it('prices the images into worstCaseCost', () => {
    const withImage = worstCaseCost({ estimatedInputTokens: 40, images: 1, maxOutputTokens: 100, model: mini, keySource: 'gateway' });
    expect(withImage).toEqual(computeCost({ inputTokens: 40 + 48_169, outputTokens: 100, model: mini, keySource: 'gateway' }));
  });
});

describe('money', () => {
  it('formats nano-USD with 2 to 9 decimals and parses exactly', () => {
    expect(formatUsd(5_000_000_000n)).toBe('5.00');
    expect(formatUsd(1_500_000_000n)).toBe('1.50');
    expect(formatUsd(1n)).toBe('0.000000001');
    expect(formatUsd(-1_250_000n)).toBe('-0.00125');
    expect(formatUsd(0n)).toBe('0.00');
    expect(parseDecimal('0.075')).toBe(75_000_000n);
    expect(parseDecimal('12')).toBe(12_000_000_000n);
    expect(parseDecimal('1.0000000001')).toBeUndefined();
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(parseDecimal('-2.5')).toBe(-2_500_000_000n);
  });

  it('prices every priced catalog model without error', () => {
    for (const model of BUILT_IN_CATALOG.listModels().filter((m) => m.inputPriceUsdPerMTok !== null)) {
      expect(computeCost({ inputTokens: 1_000, outputTokens: 1_000, model, keySource: 'gateway' }).totalNano).toBeGreaterThan(0n);
    }
  });

  it('bills an unpriced catalog model the fee only on the caller’s key and refuses to price it on gateway credentials', () => {
    const model = { ...BUILT_IN_CATALOG.findModel('openai', 'gpt-4o')!, inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null };
    const cost = computeCost({ inputTokens: 1_000, outputTokens: 100, model, keySource: 'user' });
    expect(cost.providerCostNano).toBeNull();
    expect(cost.spendNano).toBe(cost.feeNano);
    expect(cost.totalNano).toBe(1_100n * FEE_NANO_PER_TOKEN);
    expect(() => computeCost({ inputTokens: 1, outputTokens: 1, model, keySource: 'gateway' })).toThrow(/priced catalog model/);
  });
});

describe('spend (fee + provider cost at catalog prices)', () => {
  it('counts the catalog cost whoever’s key served it, and only the fee for unpriced models', () => {
    const model = findModel('openai', 'gpt-4o');
    const own = computeCost({ inputTokens: 1_000, outputTokens: 100, model, keySource: 'user' });
    const gateway = computeCost({ inputTokens: 1_000, outputTokens: 100, model, keySource: 'gateway' });
    expect(own.spendNano).toBe(gateway.spendNano);
    expect(own.providerCostNano).toBe(gateway.upstreamCostNano);
    expect(own.totalNano).toBe(own.feeNano);
    const unpriced = computeCost({ inputTokens: 1_000, outputTokens: 100, model: undefined, keySource: 'user' });
    expect(unpriced).toMatchObject({ providerCostNano: null, spendNano: 55_000n, totalNano: 55_000n });
  });
});
