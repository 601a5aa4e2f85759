import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../server/src/catalog/catalog.js';
const findModel = BUILT_IN_CATALOG.findModel.bind(BUILT_IN_CATALOG);
import { gqlOk } from '../support/graphql.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { postV1, waitFor } from '../support/v1-client.js';
import {
  balanceNano,
  balanceUsd,
  books,
  createAccount,
  purchase,
  usageCost,
  usageCostUsd,
  usageCostsOf,
  usdToNano,
  type TestAccount,
  type UsageCost,
} from '../support/credits.js';

/**
 * Credits through the real /v1 surface against the simulated upstream: exact charges (fee-only
 * with the account's own keys, fee + catalog price with gateway credentials), refusals before any
 * upstream call, streamed = non-streamed, disconnects still charged, and a concurrent burst
 * whose books balance to the nano.
 *
 * The fake upstream reports ceil(prompt characters / 4) input tokens and one output token per
 * word of its answer ("Hello from fake <model>": 4 words).
 */

const PROMPT = 'Say hello to the gateway please'; // 31 characters → 8 input tokens
const INPUT = Math.ceil(PROMPT.length / 4);
const OUTPUT = 4;
const FEE_NANO_PER_TOKEN = 50n; // USD 0.05 per million tokens
const DAY = 24 * 60 * 60 * 1000;

/** Upstream cost at the catalog's prices, rounded up to a whole nano-USD once per request. */
function catalogCostNano(provider: string, model: string, input: number, output: number): bigint {
  const spec = findModel(provider, model);
  if (!spec || spec.inputPriceUsdPerMTok === null || spec.outputPriceUsdPerMTok === null) throw new Error(`${provider}:${model} is not priced in the catalog`);
  const exact = BigInt(input) * usdToNano(spec.inputPriceUsdPerMTok) + BigInt(output) * usdToNano(spec.outputPriceUsdPerMTok);
  return (exact + 999_999n) / 1_000_000n;
}

const feeNano = (input: number, output: number) => BigInt(input + output) * FEE_NANO_PER_TOKEN;

const user = (content: string) => [{ role: 'user' as const, content }];

function clients(f: GatewayFixture, a: TestAccount) {
  return {
    openai: new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: f.baseUrl, apiKey: a.accessToken, maxRetries: 0 }),
  };
}

describe('/v1 credits', () => {
  let f: GatewayFixture;

  beforeAll(async () => {
    f = await startGatewayFixture({ MANAGED_OPENAI_API_KEY: 'sk-managed-openai', MANAGED_ANTHROPIC_API_KEY: 'sk-ant-managed' });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('own provider keys: the processing fee only', () => {
    let own: TestAccount;
    beforeAll(async () => {
      own = await createAccount(f, { purchaseUsd: '5.00', providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } });
    });

    it('chat completions: fee = (N + M) × USD 0.00000005, no upstream cost, balance down by exactly that', async () => {
      expect(await balanceUsd(f, own.token)).toBe('5.00');
      const { openai } = clients(f, own);
      const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).withResponse();
      expect(data.usage).toMatchObject({ prompt_tokens: INPUT, completion_tokens: OUTPUT });
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-user-openai']);

      const ev = await usageCost(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ status: 200, keySource: 'user', inputTokens: INPUT, outputTokens: OUTPUT, tokensEstimated: false });
      expect(ev.feeNano).toBe(feeNano(INPUT, OUTPUT));
      expect(ev.feeNano).toBe(600n);
      expect(ev.upstreamCostNano).toBe(0n);
      expect(ev.totalCostNano).toBe(600n);
      expect(await usageCostUsd(f, own.token, ev.requestId)).toEqual({
        requestId: ev.requestId,
        keySource: 'user',
        feeUsd: '0.0000006',
        upstreamCostUsd: '0.00',
        totalCostUsd: '0.0000006',
      });
      expect(await balanceUsd(f, own.token)).toBe('4.9999994');
    });

    it('messages (Anthropic SDK) and responses: fee only, each charged once', async () => {
      const { openai, anthropic } = clients(f, own);
      const before = await balanceNano(f, own.token);
      const m = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user(PROMPT) }).withResponse();
      expect(m.data.usage).toMatchObject({ input_tokens: INPUT, output_tokens: OUTPUT });
      const r = await openai.responses.create({ model: 'gpt-4o-mini', input: PROMPT }).withResponse();
      expect(r.data.usage).toMatchObject({ input_tokens: INPUT, output_tokens: OUTPUT });
      const evs = [await usageCost(f, m.response.headers.get('x-request-id')), await usageCost(f, r.response.headers.get('x-request-id'))];
      for (const ev of evs) {
        expect(ev).toMatchObject({ keySource: 'user', feeNano: 600n, upstreamCostNano: 0n, totalCostNano: 600n });
      }
      expect(before - (await balanceNano(f, own.token))).toBe(1200n);
    });

    it('usage a provider cannot have meant (negative, fractional, absurd) is not believed: billed on the estimate', async () => {
      const { openai } = clients(f, own);
      const answer = (usage: Record<string, unknown>) => ({
        id: 'chatcmpl-x',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from a confused provider' }, finish_reason: 'stop' }],
        usage,
      });
      for (const usage of [
        { prompt_tokens: -1_000_000, completion_tokens: -1_000_000 },
        { prompt_tokens: 10.5, completion_tokens: 3 },
        { prompt_tokens: 5, completion_tokens: 1e12 },
      ]) {
        f.upstream.script({ kind: 'status', status: 200, body: answer(usage) });
        const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).withResponse();
        const ev = await usageCost(f, response.headers.get('x-request-id'));
        expect(ev).toMatchObject({ status: 200, tokensEstimated: true });
        expect(ev.inputTokens).toBeGreaterThan(0);
        expect(ev.outputTokens).toBeGreaterThan(0);
        expect(ev.outputTokens).toBeLessThan(100);
        expect(ev.feeNano).toBe(feeNano(ev.inputTokens, ev.outputTokens));
        expect(ev.feeNano).toBeGreaterThan(0n);
      }
    });
  });

  it('a charge beyond the balance (usage far above the estimate) stops at zero and is counted in gateway_credit_shortfall_usd_total', async () => {
    const poor = await createAccount(f, { purchaseUsd: '5.00', providerKeys: { openai: 'sk-openai-poor' } });
    const { openai } = clients(f, poor);
    // 99 M input tokens (believable, under the 100 M bound) for a short prompt: $4.95 of fee each,
    // against a reservation sized by the prompt's bytes.
    const huge = {
      id: 'chatcmpl-huge',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 99_000_000, completion_tokens: 0 },
    };
    const shortfall = async () => {
      const text = await f.server.services.metrics.registry.getSingleMetricAsString('gateway_credit_shortfall_usd_total');
      return Number(/^gateway_credit_shortfall_usd_total (\S+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await shortfall();
    for (let i = 0; i < 2; i++) {
      f.upstream.script({ kind: 'status', status: 200, body: huge });
      const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).withResponse();
      expect((await usageCost(f, response.headers.get('x-request-id'))).feeNano).toBe(4_950_000_000n);
    }
    expect(await balanceNano(f, poor.token)).toBe(0n);
    expect((await shortfall()) - before).toBeCloseTo(4.9, 6);
  });

  describe('gateway credentials: fee + upstream cost at catalog prices', () => {
    let managed: TestAccount;
    beforeAll(async () => {
      managed = await createAccount(f, { purchaseUsd: '5.00' }); // no provider keys of its own
    });

    it('openai via MANAGED_OPENAI_API_KEY', async () => {
      const { openai } = clients(f, managed);
      const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).withResponse();
      expect(data.usage).toMatchObject({ prompt_tokens: INPUT, completion_tokens: OUTPUT });
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-managed-openai']);
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ keySource: 'gateway', providerKeyId: null, inputTokens: INPUT, outputTokens: OUTPUT });
      // gpt-4o-mini: $0.15 in / $0.60 out per MTok → (8 × 0.15 + 4 × 0.60) / 1e6 = $0.0000036
      expect(ev.upstreamCostNano).toBe(catalogCostNano('openai', 'gpt-4o-mini', INPUT, OUTPUT));
      expect(ev.upstreamCostNano).toBe(3600n);
      expect(ev.feeNano).toBe(600n);
      expect(ev.totalCostNano).toBe(4200n);
      expect(await usageCostUsd(f, managed.token, ev.requestId)).toMatchObject({
        keySource: 'gateway',
        feeUsd: '0.0000006',
        upstreamCostUsd: '0.0000036',
        totalCostUsd: '0.0000042',
      });
      expect(await balanceUsd(f, managed.token)).toBe('4.9999958');
    });

    it('anthropic via MANAGED_ANTHROPIC_API_KEY (and a cross-format chat request to it)', async () => {
      const { openai, anthropic } = clients(f, managed);
      const before = await balanceNano(f, managed.token);
      const m = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user(PROMPT) }).withResponse();
      const c = await openai.chat.completions.create({ model: 'claude-haiku-4-5', messages: user(PROMPT) }).withResponse();
      expect(f.upstream.requests.map((r) => [r.path, r.credential])).toEqual([
        ['/anthropic/v1/messages', 'sk-ant-managed'],
        ['/anthropic/v1/messages', 'sk-ant-managed'],
      ]);
      let total = 0n;
      for (const res of [m.response, c.response]) {
        const ev = await usageCost(f, res.headers.get('x-request-id'));
        expect(ev).toMatchObject({ keySource: 'gateway', inputTokens: INPUT, outputTokens: OUTPUT });
        // claude-haiku-4-5: $1 in / $5 out per MTok → (8 × 1 + 4 × 5) / 1e6 = $0.000028
        expect(ev.upstreamCostNano).toBe(catalogCostNano('anthropic', 'claude-haiku-4-5', INPUT, OUTPUT));
        expect(ev.upstreamCostNano).toBe(28_000n);
        expect(ev.feeNano).toBe(600n);
        expect(ev.totalCostNano).toBe(28_600n);
        total += ev.totalCostNano;
      }
      expect(before - (await balanceNano(f, managed.token))).toBe(total);
    });

    it('a prompt over 200k tokens is charged at the long-context band for all its tokens (Sonnet 4.5 with the 1M-context beta)', async () => {
      const { anthropic } = clients(f, managed);
      const long = { input_tokens: 300_000, output_tokens: 1_000 };
      f.upstream.script({
        kind: 'status',
        status: 200,
        body: { id: 'msg_long', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: long },
      });
      const { response } = await anthropic.messages
        .create({ model: 'claude-sonnet-4-5', max_tokens: 1_000, messages: user(PROMPT) }, { headers: { 'anthropic-beta': 'context-1m-2025-08-07' } })
        .withResponse();
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      // $6 in / $22.50 out per MTok above 200k prompt tokens (not $3 / $15): 300,000 × 6,000 + 1,000 × 22,500 nano-USD.
      expect(ev.upstreamCostNano).toBe(300_000n * 6_000n + 1_000n * 22_500n);
      expect(ev.feeNano).toBe(301_000n * 50n);
    });
  });

  describe('prompt caching: cached input at the provider’s cache prices', () => {
    let managed: TestAccount;
    beforeAll(async () => {
      managed = await createAccount(f, { purchaseUsd: '5.00' });
    });

    const cache = { read: 6_000, write: 3_000, write1h: 1_000 };
    const cachedInput = INPUT + 10_000;
    // claude-haiku-4-5 per token: input 1,000 nano-USD, cache reads 100, 5-minute writes 1,250,
    // 1-hour writes 2,000, output 5,000 (Anthropic's 0.1×, 1.25× and 2× of the input price).
    const haikuCost = BigInt(INPUT) * 1_000n + 6_000n * 100n + 3_000n * 1_250n + 1_000n * 2_000n + BigInt(OUTPUT) * 5_000n;

    it('Claude reads and writes (5-minute and 1-hour) are charged at their own prices, streamed or not, from Messages and Chat clients alike', async () => {
      const { openai, anthropic } = clients(f, managed);
      const before = await balanceNano(f, managed.token);
      f.upstream.script({ kind: 'ok', cache }, { kind: 'ok', cache }, { kind: 'ok', cache });
      const plain = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user(PROMPT) }).withResponse();
      expect(plain.data.usage).toMatchObject({ input_tokens: INPUT, cache_read_input_tokens: 6_000, cache_creation_input_tokens: 4_000 });
      const streamed = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: user(PROMPT) }).withResponse();
      for await (const _ of streamed.data);
      const chat = await openai.chat.completions
        .create({ model: 'claude-haiku-4-5', stream: true, stream_options: { include_usage: true }, messages: user(PROMPT) })
        .withResponse();
      let chatUsage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of chat.data) chatUsage = chunk.usage ?? chatUsage;
      // A chat client sees all input as prompt_tokens, the reads among them as cached_tokens.
      expect(chatUsage).toMatchObject({ prompt_tokens: cachedInput, prompt_tokens_details: { cached_tokens: 6_000 } });
      let total = 0n;
      for (const res of [plain.response, streamed.response, chat.response]) {
        const ev = await usageCost(f, res.headers.get('x-request-id'));
        expect(ev).toMatchObject({ keySource: 'gateway', inputTokens: cachedInput, outputTokens: OUTPUT });
        expect(ev.upstreamCostNano).toBe(haikuCost);
        // The fee counts every token, cached or not.
        expect(ev.feeNano).toBe(feeNano(cachedInput, OUTPUT));
        total += ev.totalCostNano;
      }
      expect(before - (await balanceNano(f, managed.token))).toBe(total);
      // Each event says how much of its input the cache read and wrote (GraphQL, as the UI shows it).
      const events = await gqlOk<{ usageEvents: { nodes: { requestId: string; inputTokens: number; promptCacheReadTokens: number; promptCacheWriteTokens: number }[] } }>(
        f.baseUrl,
        '{ usageEvents(first: 10) { nodes { requestId inputTokens promptCacheReadTokens promptCacheWriteTokens } } }',
        {},
        managed.token,
      );
      const ids = [plain.response, streamed.response, chat.response].map((r) => r.headers.get('x-request-id'));
      expect(events.usageEvents.nodes.filter((n) => ids.includes(n.requestId))).toEqual(
        ids.map((requestId) => ({ requestId, inputTokens: cachedInput, promptCacheReadTokens: 6_000, promptCacheWriteTokens: 4_000 })).reverse(),
      );
    });

    it('OpenAI cached input is charged at its discount (gpt-4o-mini: $0.075 against $0.15)', async () => {
      const { openai } = clients(f, managed);
      f.upstream.script({ kind: 'ok', cache: { read: 2_048 } });
      const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).withResponse();
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      expect(ev.inputTokens).toBe(INPUT + 2_048);
      // Per token: 150 nano-USD of input, 75 cached, 600 of output.
      expect(ev.upstreamCostNano).toBe(BigInt(INPUT) * 150n + 2_048n * 75n + BigInt(OUTPUT) * 600n);
    });

    it('a request that marks content for the cache is held at its write price: refused for a 1-hour cache where 5 minutes pass', async () => {
      // 40 images held at 4,800 tokens each on claude-opus-4-1 ($15 input, 5-minute writes $18.75,
      // 1-hour writes $30): 192,000 tokens hold $2.88, $3.60 and $5.76; the balance is $5.
      const poor = await createAccount(f, { purchaseUsd: '5.00' });
      const { anthropic } = clients(f, poor);
      const image = { type: 'image' as const, source: { type: 'url' as const, url: 'https://example.com/page.png' } };
      const content = [...Array.from({ length: 40 }, () => image), { type: 'text' as const, text: 'Describe them' }];
      const ask = (ttl?: '1h') =>
        anthropic.messages.create({
          model: 'claude-opus-4-1',
          max_tokens: 1,
          system: [{ type: 'text', text: 'Long shared instructions', cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } }],
          messages: [{ role: 'user', content }],
        });
      await expect(ask('1h')).rejects.toMatchObject({ status: 402 });
      expect(f.upstream.requests).toHaveLength(0);
      await expect(ask()).resolves.toMatchObject({ type: 'message' });
      expect(f.upstream.requests).toHaveLength(1);
    });
  });

  describe('hosted web search: each call charged at the provider’s price ($10 per thousand)', () => {
    let managed: TestAccount;
    beforeAll(async () => {
      managed = await createAccount(f, { purchaseUsd: '5.00' });
    });
    const SEARCH_NANO = 10_000_000n;
    const webSearch = { type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 5 };

    it('Claude’s web searches (server_tool_use), streamed or not, and OpenAI’s web_search_call items', async () => {
      const { openai, anthropic } = clients(f, managed);
      f.upstream.script({ kind: 'ok', webSearches: 3 }, { kind: 'ok', webSearches: 2 }, { kind: 'ok', webSearches: 4 });
      const plain = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, tools: [webSearch], messages: user(PROMPT) }).withResponse();
      const streamed = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, tools: [webSearch], messages: user(PROMPT) }).withResponse();
      for await (const _ of streamed.data);
      const responses = await openai.responses.create({ model: 'gpt-4o-mini', tools: [{ type: 'web_search' }], input: PROMPT }).withResponse();
      const expected: [typeof plain.response, number, bigint][] = [
        [plain.response, 3, catalogCostNano('anthropic', 'claude-haiku-4-5', INPUT, OUTPUT)],
        [streamed.response, 2, catalogCostNano('anthropic', 'claude-haiku-4-5', INPUT, OUTPUT)],
        [responses.response, 4, catalogCostNano('openai', 'gpt-4o-mini', INPUT, OUTPUT)],
      ];
      for (const [res, searches, tokensCost] of expected) {
        const ev = await usageCost(f, res.headers.get('x-request-id'));
        expect(ev.upstreamCostNano, `${searches} searches`).toBe(tokensCost + BigInt(searches) * SEARCH_NANO);
      }
      const events = await gqlOk<{ usageEvents: { nodes: { requestId: string; webSearchCalls: number }[] } }>(
        f.baseUrl,
        '{ usageEvents(first: 10) { nodes { requestId webSearchCalls } } }',
        {},
        managed.token,
      );
      for (const [res, searches] of expected) {
        expect(events.usageEvents.nodes.find((n) => n.requestId === res.headers.get('x-request-id'))?.webSearchCalls).toBe(searches);
      }
    });

    it('a request offering web search is held for its max_uses: refused when the searches would not be covered', async () => {
      // $0.01 a search: 600 searches hold $6 on a $5 balance, 400 hold $4.
      const poor = await createAccount(f, { purchaseUsd: '5.00' });
      const { anthropic } = clients(f, poor);
      const ask = (max_uses: number) =>
        anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, tools: [{ ...webSearch, max_uses }], messages: user(PROMPT) });
      await expect(ask(600)).rejects.toMatchObject({ status: 402 });
      expect(f.upstream.requests).toHaveLength(0);
      await expect(ask(400)).resolves.toMatchObject({ type: 'message' });
    });
  });

  describe('no usable balance: 402 before any upstream call', () => {
    it('a fresh account is refused in the caller’s format on every route, streaming too, and nothing goes upstream', async () => {
      const broke = await createAccount(f, { providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } });
      const managedBroke = await createAccount(f); // would be served by gateway credentials
      for (const a of [broke, managedBroke]) {
        const { openai, anthropic } = clients(f, a);
        const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user(PROMPT) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(chat).toBeInstanceOf(OpenAI.APIError);
        expect(chat).toMatchObject({ status: 402, code: 'insufficient_credits' });

        const msg = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user(PROMPT) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(msg).toBeInstanceOf(Anthropic.APIError);
        expect((msg as InstanceType<typeof Anthropic.APIError>).status).toBe(402);

        for (const [path, body] of [
          ['/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: user(PROMPT) }],
          ['/v1/responses', { model: 'gpt-4o-mini', input: PROMPT }],
          ['/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: user(PROMPT) }],
        ] as const) {
          const res = await postV1(f, path, body, { token: a.accessToken });
          expect(res.status, path).toBe(402);
          expect(res.headers.get('x-gateway-error-code')).toBe('insufficient_credits');
          expect(res.headers.get('content-type')).toMatch(/application\/json/);
          if (path === '/v1/messages') {
            expect(res.json).toMatchObject({ type: 'error', error: { message: expect.stringContaining('insufficient_credits') } });
          } else {
            expect(res.json).toMatchObject({ error: { code: 'insufficient_credits', message: expect.any(String), type: expect.any(String) } });
          }
        }
        const events = await usageCostsOf(f, a.accountId);
        expect(events).toHaveLength(5);
        expect(events.every((e) => e.status === 402 && e.errorCode === 'insufficient_credits' && e.totalCostNano === 0n)).toBe(true);
        expect(await balanceUsd(f, a.token)).toBe('0.00');
      }
      expect(f.upstream.requests).toHaveLength(0);
    });
  });

  describe('a streamed request costs exactly what the same non-streamed request does', () => {
    let own: TestAccount;
    let managed: TestAccount;
    beforeAll(async () => {
      own = await createAccount(f, { purchaseUsd: '5.00', providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } });
      managed = await createAccount(f, { purchaseUsd: '5.00' });
    });

    /** Runs one request, returns its usage event and how much the balance moved. */
    async function charged(a: TestAccount, run: () => Promise<string | null>): Promise<{ ev: UsageCost; delta: bigint }> {
      const before = await balanceNano(f, a.token);
      const requestId = await run();
      const ev = await usageCost(f, requestId);
      return { ev, delta: before - (await balanceNano(f, a.token)) };
    }

    const cases = [
      { route: 'chat', model: 'gpt-4o-mini' },
      { route: 'chat', model: 'claude-haiku-4-5' }, // translated both ways
      { route: 'responses', model: 'gpt-4o-mini' },
      { route: 'messages', model: 'claude-haiku-4-5' },
      { route: 'messages', model: 'gpt-4o-mini' }, // translated both ways
    ] as const;

    for (const who of ['own', 'managed'] as const) {
      for (const { route, model } of cases) {
        it(`${who} keys, ${route} → ${model}`, async () => {
          const a = who === 'own' ? own : managed;
          const { openai, anthropic } = clients(f, a);
          const once = async (stream: boolean): Promise<string | null> => {
            if (route === 'chat') {
              if (!stream) return (await openai.chat.completions.create({ model, messages: user(PROMPT) }).withResponse()).response.headers.get('x-request-id');
              const { data, response } = await openai.chat.completions.create({ model, messages: user(PROMPT), stream: true }).withResponse();
              let text = '';
              for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
              expect(text).toBe(`Hello from fake ${model}`);
              return response.headers.get('x-request-id');
            }
            if (route === 'responses') {
              if (!stream) return (await openai.responses.create({ model, input: PROMPT }).withResponse()).response.headers.get('x-request-id');
              const { data, response } = await openai.responses.create({ model, input: PROMPT, stream: true }).withResponse();
              let text = '';
              for await (const ev of data) if (ev.type === 'response.output_text.delta') text += ev.delta;
              expect(text).toBe(`Hello from fake ${model}`);
              return response.headers.get('x-request-id');
            }
            if (!stream) {
              return (await anthropic.messages.create({ model, max_tokens: 50, messages: user(PROMPT) }).withResponse()).response.headers.get('x-request-id');
            }
            const { data, response } = await anthropic.messages.create({ model, max_tokens: 50, messages: user(PROMPT), stream: true }).withResponse();
            let text = '';
            for await (const ev of data) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
            expect(text).toBe(`Hello from fake ${model}`);
            return response.headers.get('x-request-id');
          };

          const plain = await charged(a, () => once(false));
          const streamed = await charged(a, () => once(true));
          expect(plain.ev).toMatchObject({ streamed: false, status: 200, errorCode: null, tokensEstimated: false });
          expect(streamed.ev).toMatchObject({ streamed: true, status: 200, errorCode: null, tokensEstimated: false });
          expect([streamed.ev.inputTokens, streamed.ev.outputTokens]).toEqual([plain.ev.inputTokens, plain.ev.outputTokens]);
          expect(plain.ev.outputTokens).toBe(OUTPUT);
          expect(plain.ev.totalCostNano).toBeGreaterThan(0n);
          expect(streamed.ev.feeNano).toBe(plain.ev.feeNano);
          expect(streamed.ev.upstreamCostNano).toBe(plain.ev.upstreamCostNano);
          expect(streamed.ev.totalCostNano).toBe(plain.ev.totalCostNano);
          expect(plain.delta).toBe(plain.ev.totalCostNano);
          expect(streamed.delta).toBe(plain.delta);
          const provider = model.startsWith('claude') ? 'anthropic' : 'openai';
          expect(plain.ev.upstreamCostNano).toBe(who === 'own' ? 0n : catalogCostNano(provider, model, plain.ev.inputTokens, plain.ev.outputTokens));
          expect(f.upstream.requests).toHaveLength(2);
        });
      }
    }
  });

  describe('a client that disconnects is still charged', () => {
    /** Opens a stream, reads until `enough` of the text has arrived, then goes away. */
    async function abortMidStream(a: TestAccount, path: string, body: Record<string, unknown>, enough: (text: string) => boolean) {
      const controller = new AbortController();
      const res = await fetch(`${f.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!enough(text)) {
        const chunk = await reader.read();
        expect(chunk.done).toBe(false);
        text += decoder.decode(chunk.value, { stream: true });
      }
      controller.abort();
      await reader.cancel().catch(() => undefined);
      await waitFor(() => f.upstream.requests[0]?.abortedAt !== undefined, 3000, 'the upstream request to be aborted');
      return { requestId: res.headers.get('x-request-id'), text };
    }

    function expectPricedAtCatalog(ev: UsageCost, provider: string, model: string) {
      expect(ev.feeNano).toBe(feeNano(ev.inputTokens, ev.outputTokens));
      expect(ev.upstreamCostNano).toBe(catalogCostNano(provider, model, ev.inputTokens, ev.outputTokens));
      expect(ev.totalCostNano).toBe(ev.feeNano + ev.upstreamCostNano);
      expect(ev.totalCostNano).toBeGreaterThan(0n);
    }

    it('chat stream aborted after the first content: usage event with client_closed and a non-zero cost, balance down by it', async () => {
      const a = await createAccount(f, { purchaseUsd: '5.00' }); // gateway credentials: fee + upstream cost
      const before = await balanceNano(f, a.token);
      f.upstream.script({ kind: 'trickle', chunks: 100, chunkDelayMs: 50 });
      const { requestId } = await abortMidStream(a, '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: user(PROMPT) }, (t) =>
        t.includes('"content":"H'),
      );
      const ev = await usageCost(f, requestId);
      expect([200, 499]).toContain(ev.status);
      expect(ev).toMatchObject({ streamed: true, errorCode: 'client_closed', keySource: 'gateway', tokensEstimated: true });
      expect(ev.inputTokens).toBeGreaterThan(0);
      expectPricedAtCatalog(ev, 'openai', 'gpt-4o-mini');
      expect(before - (await balanceNano(f, a.token))).toBe(ev.totalCostNano);
      // Nothing else is held for the request: the reservation was settled, not leaked.
      expect(f.server.services.credits.control.inspect(a.accountId)).toMatchObject({ reservedNano: 0n, unappliedNano: 0n });
    });

    it('messages stream aborted midway: charged for the text already relayed, not the output_tokens: 1 of message_start', async () => {
      const a = await createAccount(f, { purchaseUsd: '5.00' });
      const before = await balanceNano(f, a.token);
      const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
      f.upstream.script({ kind: 'ok', text: words, chunks: 40, chunkDelayMs: 40 });
      const { requestId, text } = await abortMidStream(
        a,
        '/v1/messages',
        { model: 'claude-haiku-4-5', max_tokens: 1000, stream: true, messages: user(PROMPT) },
        (t) => (t.match(/text_delta/g) ?? []).length >= 10,
      );
      expect(text).toContain('word50');
      const ev = await usageCost(f, requestId);
      expect(ev).toMatchObject({ streamed: true, errorCode: 'client_closed', keySource: 'gateway', inputTokens: INPUT, tokensEstimated: true });
      // At least the ~100 words that reached the client (the provider produced them, and bills them).
      expect(ev.outputTokens).toBeGreaterThanOrEqual(100);
      expectPricedAtCatalog(ev, 'anthropic', 'claude-haiku-4-5');
      expect(before - (await balanceNano(f, a.token))).toBe(ev.totalCostNano);
    });

    it('gone before the provider answered (non-streaming): 499, charged for the prompt the provider already has', async () => {
      const a = await createAccount(f, { purchaseUsd: '5.00' });
      const before = await balanceNano(f, a.token);
      f.upstream.script({ kind: 'hang' });
      const controller = new AbortController();
      const pending = fetch(`${f.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: user(PROMPT) }),
        signal: controller.signal,
      }).catch((e: unknown) => e);
      await waitFor(() => f.upstream.requests.length === 1, 3000, 'the upstream request');
      controller.abort();
      await pending;
      await waitFor(() => f.upstream.requests[0]?.abortedAt !== undefined, 3000, 'the upstream request to be aborted');
      let events: UsageCost[] = [];
      for (let i = 0; i < 100 && events.length === 0; i++) {
        events = await usageCostsOf(f, a.accountId);
        if (events.length === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(events).toHaveLength(1);
      const [ev] = events;
      expect(ev).toMatchObject({ status: 499, streamed: false, errorCode: 'client_closed', keySource: 'gateway', outputTokens: 0, tokensEstimated: true });
      expect(ev.inputTokens).toBeGreaterThan(0);
      expectPricedAtCatalog(ev, 'openai', 'gpt-4o-mini');
      expect(before - (await balanceNano(f, a.token))).toBe(ev.totalCostNano);
      expect(f.server.services.credits.control.inspect(a.accountId)).toMatchObject({ reservedNano: 0n, unappliedNano: 0n });
    });
  });

  describe('300 concurrent requests against a balance that covers about 100', () => {
    it('never goes negative, charges every served request once, sends nothing upstream for a 402, books exact', async () => {
      // gpt-4o through gateway credentials ($2.50 in / $10 out per MTok). The answer is exactly
      // max_tokens words, so a request costs about what its worst case reserves: ~$0.049 of $5.00.
      const MAX_TOKENS = 4900;
      const a = await createAccount(f, { purchaseUsd: '5.00' });
      const answer = Array.from({ length: MAX_TOKENS }, () => 'w').join(' ');
      f.upstream.scriptFor((r) => (r.body as { max_tokens?: number } | undefined)?.max_tokens === MAX_TOKENS, ...Array.from({ length: 300 }, () => ({ kind: 'ok' as const, text: answer })));
      const perRequest =
        feeNano(1, MAX_TOKENS) + catalogCostNano('openai', 'gpt-4o', 1 /* "go" */, MAX_TOKENS); // what the fake reports
      const canServe = Number(5_000_000_000n / perRequest); // 101

      const sql = <T>(q: string, p: unknown[]) => f.server.services.orm.em.fork().execute<T[]>(q, p);
      const samples: bigint[] = [];
      let done = false;
      const sampler = (async () => {
        while (!done) {
          const [row] = await sql<{ min: string | null }>('select min(remaining_nano)::text as min from credit_lot where account_id = ?', [a.accountId]);
          samples.push(BigInt(row.min ?? '0'));
          await new Promise((r) => setTimeout(r, 5));
        }
      })();

      const results = await Promise.all(
        Array.from({ length: 300 }, async () => {
          const res = await postV1(
            f,
            '/v1/chat/completions',
            { model: 'gpt-4o', max_tokens: MAX_TOKENS, messages: user('go') },
            { token: a.accessToken },
          );
          return { status: res.status, requestId: res.headers.get('x-request-id') as string, code: res.headers.get('x-gateway-error-code') };
        }),
      );
      done = true;
      await sampler;

      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 402);
      expect(ok.length + refused.length).toBe(300);
      expect(refused.every((r) => r.code === 'insufficient_credits')).toBe(true);
      expect(ok.length).toBeGreaterThanOrEqual(80);
      expect(ok.length).toBeLessThanOrEqual(canServe);
      // A 402 never reached the provider: the upstream saw exactly the served requests.
      expect(f.upstream.requests).toHaveLength(ok.length);

      const events = new Map((await usageCostsOf(f, a.accountId)).map((e) => [e.requestId, e]));
      expect(events.size).toBe(300);
      for (const r of ok) {
        const ev = events.get(r.requestId);
        expect(ev).toMatchObject({ status: 200, keySource: 'gateway', inputTokens: 1, outputTokens: MAX_TOKENS });
        expect(ev?.totalCostNano).toBe(perRequest);
      }
      for (const r of refused) expect(events.get(r.requestId)).toMatchObject({ status: 402, totalCostNano: 0n });

      const b = await books(f, a.accountId);
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.every((s) => s >= 0n)).toBe(true);
      expect(b.minLotNano >= 0n).toBe(true);
      expect(b.lotsNano >= 0n).toBe(true);
      expect(b.purchasesNano).toBe(5_000_000_000n);
      // The balance moved by exactly the sum of the usage events' charges…
      expect(b.purchasesNano - b.lotsNano).toBe(b.eventCostNano);
      expect(b.eventCostNano).toBe(BigInt(ok.length) * perRequest);
      expect(b.chargedEvents).toBe(ok.length);
      // …which is what the ledger's usage rows say, and the ledger sums to the balance.
      expect(-b.usageTxNano).toBe(b.eventCostNano);
      expect(b.allTxNano).toBe(b.lotsNano);
      expect(await balanceNano(f, a.token)).toBe(b.lotsNano);
      expect(b.lotsNano).toBeLessThan(perRequest * 2n); // about 100 served: next to nothing is left
      expect(f.server.services.credits.control.inspect(a.accountId)).toMatchObject({ reservedNano: 0n, unappliedNano: 0n });
    });
  });
});

describe('/v1 credits with a controlled clock: expiry', () => {
  let f: GatewayFixture;
  let clock = Date.parse('2026-02-01T12:00:00Z');

  beforeAll(async () => {
    f = await startGatewayFixture({}, { credits: { now: () => clock } });
  });
  afterAll(async () => f?.stop());

  it('serves while the purchase is unexpired and refuses (402, nothing upstream) once 365 days have passed', async () => {
    const a = await createAccount(f, { purchaseUsd: '5.00', providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } });
    const ok = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user(PROMPT) }, { token: a.accessToken });
    expect(ok.status).toBe(200);
    expect((await usageCost(f, ok.headers.get('x-request-id'))).totalCostNano).toBe(600n);
    expect(await balanceUsd(f, a.token)).toBe('4.9999994');

    clock += 364 * DAY; // still good, and the grant is warm
    expect((await postV1(f, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 50, messages: user(PROMPT) }, { token: a.accessToken })).status).toBe(200);
    expect(await balanceUsd(f, a.token)).toBe('4.9999988');
    expect(f.upstream.requests).toHaveLength(2);

    clock += DAY + 1; // 365 days and 1 ms after the purchase
    const chat = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user(PROMPT) }, { token: a.accessToken });
    expect(chat.status).toBe(402);
    expect(chat.json).toMatchObject({ error: { code: 'insufficient_credits' } });
    const msg = await postV1(f, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: user(PROMPT) }, { token: a.accessToken });
    expect(msg.status).toBe(402);
    expect(msg.json).toMatchObject({ type: 'error', error: { message: expect.stringContaining('insufficient_credits') } });
    expect(msg.headers.get('x-gateway-error-code')).toBe('insufficient_credits');
    expect(f.upstream.requests).toHaveLength(2);

    expect(await balanceUsd(f, a.token)).toBe('0.00');
    const txs = await gqlOk<{ creditTransactions: { nodes: { kind: string; amountUsd: string }[] } }>(
      f.baseUrl,
      '{ creditTransactions(first: 100) { nodes { kind amountUsd } } }',
      {},
      a.token,
    );
    expect(txs.creditTransactions.nodes.find((t) => t.kind === 'expiry')?.amountUsd).toBe('-4.9999988');

    // A new purchase is spendable at once.
    await purchase(f, a.token, '5.00');
    const again = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user(PROMPT) }, { token: a.accessToken });
    expect(again.status).toBe(200);
    expect(await balanceUsd(f, a.token)).toBe('4.9999994');
  });
});
