import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import OpenAIv7 from 'openai-v7';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../server/src/catalog/catalog.js';
const findModel = BUILT_IN_CATALOG.findModel.bind(BUILT_IN_CATALOG);
import { estimateEmbeddingInputTokens } from '../../server/src/gateway/tokens.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbeddingTokens, fakeVector } from '../support/fake-embeddings.js';
import { createAccessKey, createConfiguration, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { createAccount, usageCost, usdToNano } from '../support/credits.js';
import { gqlOk } from '../support/graphql.js';
import { createCustomProvider, fundAccount, postV1, updateSettings, usageEventFor } from '../support/v1-client.js';

/**
 * POST /v1/embeddings through the real OpenAI SDK against the simulated upstream: floats and
 * base64 passed through, every input shape, exact billing from the provider's prompt_tokens,
 * failover across keys and fallback models, and clear errors for models that cannot embed.
 *
 * The fake reports ceil(chars / 4) tokens per text and one per token id; its vectors are
 * deterministic per input (fakeVector).
 */

const FEE_NANO_PER_TOKEN = 50n; // USD 0.05 per million tokens
const byCredential = (credential: string) => (r: RecordedRequest) => r.credential === credential;
const embeddingCalls = (f: GatewayFixture) => f.upstream.requests.filter((r) => r.format === 'embeddings');
/** The gateway's `models` fallback list, which the SDK's types do not know (sent as is). */
const withFallbacks = (...models: string[]) => ({ models }) as object;

/** Upstream cost at catalog prices, rounded up to a whole nano-USD once per request. */
function catalogCostNano(provider: string, model: string, input: number): bigint {
  const spec = findModel(provider, model);
  if (!spec?.inputPriceUsdPerMTok) throw new Error(`${provider}:${model} is not priced in the catalog`);
  return (BigInt(input) * usdToNano(spec.inputPriceUsdPerMTok) + 999_999n) / 1_000_000n;
}

describe('POST /v1/embeddings', () => {
  let f: GatewayFixture;
  let plain: string;
  let openai: OpenAI;

  beforeAll(async () => {
    f = await startGatewayFixture({ CIRCUIT_BREAKER_FAILURES: '0', MANAGED_OPENAI_API_KEY: 'sk-managed-openai', CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.0/8' });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-A', 0, 'A');
    await createProviderKey(f, 'openai', 'sk-openai-B', 1, 'B');
    await createProviderKey(f, 'google', 'gk-google', 0, 'G');
    await createProviderKey(f, 'anthropic', 'sk-ant-C', 0, 'C');
    const base = `http://127.0.0.1:${f.upstream.port}`;
    await createCustomProvider(f, { providerId: 'local', baseUrl: `${base}/custom/v1`, apiFormat: 'OPENAI', models: ['nomic-embed-text'] });
    await createCustomProvider(f, { providerId: 'anth-local', baseUrl: `${base}/anth/v1`, apiFormat: 'ANTHROPIC', models: ['claude-local'] });
    plain = (await createAccessKey(f, null, 'plain')).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: plain, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('the OpenAI SDK', () => {
    it('float: one string, forwarded unchanged to the provider /embeddings, vectors and usage as the provider sent them', async () => {
      const { data, response } = await openai.embeddings
        .create({ model: 'text-embedding-3-small', input: 'The quick brown fox', encoding_format: 'float', user: 'user-7' })
        .withResponse();
      expect(data.data).toEqual([{ object: 'embedding', index: 0, embedding: fakeVector('The quick brown fox', FAKE_EMBEDDING_DIMENSIONS) }]);
      expect(data.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
      expect(response.headers.get('x-gateway-provider')).toBe('openai');
      expect(response.headers.get('x-gateway-model')).toBe('text-embedding-3-small');
      const [up] = embeddingCalls(f);
      expect(f.upstream.requests).toHaveLength(1);
      expect(up).toMatchObject({ method: 'POST', path: '/openai/v1/embeddings', credential: 'sk-openai-A' });
      expect(up.body).toEqual({ model: 'text-embedding-3-small', input: 'The quick brown fox', encoding_format: 'float', user: 'user-7' });
    });

    it('base64 (the SDK default): passed through and decoded by the SDK to the same floats', async () => {
      const inputs = ['alpha', 'beta gamma', 'delta'];
      const res = await openai.embeddings.create({ model: 'text-embedding-3-large', input: inputs, dimensions: 4 });
      expect(res.data.map((d) => d.embedding)).toEqual(inputs.map((t) => fakeVector(t, 4)));
      expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
      const [up] = embeddingCalls(f);
      expect(up.body).toMatchObject({ encoding_format: 'base64', dimensions: 4, input: inputs });
      // And explicitly asked for: the base64 strings arrive untouched.
      const raw = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'alpha', encoding_format: 'base64' });
      const b64 = raw.data[0].embedding as unknown as string;
      expect(typeof b64).toBe('string');
      const bytes = Buffer.from(b64, 'base64');
      expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(fakeVector('alpha', FAKE_EMBEDDING_DIMENSIONS));
    });

    it('the newest major (openai 7): float and base64 alike', async () => {
      const v7 = new OpenAIv7({ baseURL: `${f.baseUrl}/v1`, apiKey: plain, maxRetries: 0 });
      const floats = await v7.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float' });
      const decoded = await v7.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
      expect(floats.data.map((d) => d.embedding)).toEqual([fakeVector('one', 8), fakeVector('two', 8)]);
      expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
      expect(decoded.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    });

    it('token arrays: number[] and number[][] forwarded, counted exactly', async () => {
      const one = await openai.embeddings.create({ model: 'text-embedding-3-small', input: [1, 2, 3, 4], encoding_format: 'float' });
      expect(one.usage.prompt_tokens).toBe(4);
      expect(one.data).toHaveLength(1);
      const many = await openai.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]], encoding_format: 'float' });
      expect(many.usage.prompt_tokens).toBe(5);
      expect(many.data.map((d) => d.embedding)).toEqual([fakeVector([1, 2, 3], 8), fakeVector([4, 5], 8)]);
      expect(embeddingCalls(f).map((r) => (r.body as { input: unknown }).input)).toEqual([[1, 2, 3, 4], [[1, 2, 3], [4, 5]]]);
    });
  });

  describe('billing and usage', () => {
    it('own key: input tokens from the provider usage, no output, the processing fee only; endpoint recorded', async () => {
      const input = ['first text to embed', 'second one'];
      const { data, response } = await openai.embeddings.create({ model: 'text-embedding-3-small', input }).withResponse();
      const tokens = fakeEmbeddingTokens(input);
      expect(data.usage.prompt_tokens).toBe(tokens);
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ status: 200, keySource: 'user', inputTokens: tokens, outputTokens: 0, tokensEstimated: false, errorCode: null, streamed: false });
      expect(ev.feeNano).toBe(BigInt(tokens) * FEE_NANO_PER_TOKEN);
      expect(ev.upstreamCostNano).toBe(0n);
      expect(ev.totalCostNano).toBe(ev.feeNano);
      const row = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(row).toMatchObject({ endpoint: '/v1/embeddings', provider: 'openai', model: 'text-embedding-3-small' });
    });

    it('gateway credentials: fee + input tokens at the catalog embedding price', async () => {
      const managed = await createAccount(f, { purchaseUsd: '5.00' });
      const client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: managed.accessToken, maxRetries: 0 });
      const input = 'x'.repeat(4000); // 1,000 tokens
      const { response } = await client.embeddings.create({ model: 'text-embedding-3-large', input }).withResponse();
      expect(embeddingCalls(f).map((r) => r.credential)).toEqual(['sk-managed-openai']);
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ keySource: 'gateway', inputTokens: 1000, outputTokens: 0 });
      expect(ev.feeNano).toBe(50_000n);
      // USD 0.13 per million input tokens × 1,000 = USD 0.00013.
      expect(ev.upstreamCostNano).toBe(catalogCostNano('openai', 'text-embedding-3-large', 1000));
      expect(ev.upstreamCostNano).toBe(130_000n);
      expect(ev.totalCostNano).toBe(180_000n);
    });

    it('GraphQL usageRequest and the CSV export show the embeddings endpoint, tokens and cost', async () => {
      const { response } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'shown in usage' }).withResponse();
      const requestId = response.headers.get('x-request-id')!;
      await usageEventFor(f, requestId);
      const tokens = fakeEmbeddingTokens('shown in usage');
      expect(tokens).toBe(4);
      const q = 'query($id: String!) { usageRequest(requestId: $id) { endpoint provider model inputTokens outputTokens feeUsd providerCostUsd } }';
      const { usageRequest } = await gqlOk<{ usageRequest: Record<string, unknown> }>(f.baseUrl, q, { id: requestId }, f.account.token);
      expect(usageRequest).toEqual({
        endpoint: '/v1/embeddings',
        provider: 'openai',
        model: 'text-embedding-3-small',
        inputTokens: tokens,
        outputTokens: 0,
        feeUsd: '0.0000002', // 4 tokens × USD 0.05 per million
        providerCostUsd: '0.00000008', // 4 tokens at the catalog's USD 0.02 per million (spend; not charged with an own key)
      });
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const csv = await (await fetch(`${f.baseUrl}/api/usage/export?from=${encodeURIComponent(from)}`, { headers: { authorization: `Bearer ${f.account.token}` } })).text();
      const [header, ...rows] = csv.trim().split('\n');
      const columns = header.split(',');
      const row = rows.find((r) => r.includes(requestId))!.split(',');
      expect(row[columns.indexOf('endpoint')]).toBe('/v1/embeddings');
      expect(row[columns.indexOf('input_tokens')]).toBe(String(tokens));
    });

    it('no usage from the provider: estimated with the tokenizer and flagged', async () => {
      f.upstream.script({ kind: 'ok', usage: false });
      const body = { model: 'text-embedding-3-small', input: ['estimate me please', 'and me'], encoding_format: 'float' as const };
      const { response } = await openai.embeddings.create(body).withResponse();
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      const estimated = estimateEmbeddingInputTokens(body);
      expect(estimated).toBeGreaterThan(3);
      expect(ev).toMatchObject({ inputTokens: estimated, outputTokens: 0, tokensEstimated: true });
      expect(ev.feeNano).toBe(BigInt(estimated) * FEE_NANO_PER_TOKEN);
    });

    it('account token caps: maxInputTokens refuses a large input (413); maxOutputTokens adds no output field', async () => {
      const setCaps = (input: { maxInputTokens: number | null; maxOutputTokens: number | null }) =>
        gqlOk(f.baseUrl, 'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id } }', { input }, f.account.token);
      await setCaps({ maxInputTokens: 50, maxOutputTokens: 10 });
      try {
        const big = await postV1(f, '/v1/embeddings', { model: 'text-embedding-3-small', input: [Array.from({ length: 60 }, () => 1)] }, { token: plain });
        expect(big.status).toBe(413);
        expect(big.json).toMatchObject({ error: { code: 'request_too_large' } });
        expect(f.upstream.requests).toHaveLength(0);
        const ok = await postV1(f, '/v1/embeddings', { model: 'text-embedding-3-small', input: 'small' }, { token: plain });
        expect(ok.status).toBe(200);
        expect(embeddingCalls(f)[0].body).toEqual({ model: 'text-embedding-3-small', input: 'small' });
      } finally {
        await setCaps({ maxInputTokens: null, maxOutputTokens: null });
      }
    });

    it('an account without credits is refused before anything is sent upstream', async () => {
      const broke = await createAccount(f, { providerKeys: { openai: 'sk-broke' } });
      const res = await postV1(f, '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hi' }, { token: broke.accessToken });
      expect(res.status).toBe(402);
      expect(res.json).toMatchObject({ error: { code: 'insufficient_credits' } });
      expect(f.upstream.requests).toHaveLength(0);
    });
  });

  describe('failover', () => {
    it('429 on the first key: the next key answers; both attempts recorded', async () => {
      f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'status', status: 429 });
      const { response } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'retry me' }).withResponse();
      expect(embeddingCalls(f).map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B']);
      expect(response.headers.get('x-gateway-attempts')).toBe('2');
      const row = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(row.attempts.map((a) => a.status)).toEqual([429, 200]);
      expect(row).toMatchObject({ status: 200, inputTokens: fakeEmbeddingTokens('retry me'), errorCode: null });
    });

    it('5xx on every OpenAI credential: the fallback model on another provider answers', async () => {
      f.upstream.scriptFor((r) => r.path.startsWith('/openai/'), { kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'status', status: 502 });
      const { data, response } = await openai.embeddings
        .create({ model: 'text-embedding-3-small', input: 'fall back', encoding_format: 'float', ...withFallbacks('google:gemini-embedding-001') })
        .withResponse();
      expect(data.data[0].embedding).toEqual(fakeVector('fall back', FAKE_EMBEDDING_DIMENSIONS));
      expect(embeddingCalls(f).map((r) => `${r.path} ${r.credential}`)).toEqual([
        '/openai/v1/embeddings sk-openai-A',
        '/openai/v1/embeddings sk-openai-B',
        '/openai/v1/embeddings sk-managed-openai',
        '/google/v1/embeddings gk-google',
      ]);
      // The gateway-only fallback list never reaches a provider.
      expect(embeddingCalls(f).every((r) => !('models' in (r.body as object)))).toBe(true);
      expect(response.headers.get('x-gateway-provider')).toBe('google');
      expect(response.headers.get('x-gateway-attempts')).toBe('4');
    });

    it('never the same model and key twice; every candidate failing is upstream_failed', async () => {
      f.upstream.script(...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 500 })));
      const res = await postV1(
        f,
        '/v1/embeddings',
        { model: 'text-embedding-3-small', input: 'x', models: ['TEXT-EMBEDDING-3-SMALL', 'openai:text-embedding-3-small'] },
        { token: plain },
      );
      expect(res.status).toBe(502);
      expect(res.json).toMatchObject({ error: { code: 'upstream_failed' } });
      expect(embeddingCalls(f).map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B', 'sk-managed-openai']);
    });

    it('a hanging key times out per attempt and the next key answers', async () => {
      await updateSettings(f, { totalTimeoutMs: 5000, perAttemptTimeoutMs: 500 });
      try {
        f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'hang' });
        const { response } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'slow' }).withResponse();
        expect(embeddingCalls(f).map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B']);
        const row = await usageEventFor(f, response.headers.get('x-request-id'));
        expect(row.attempts[0].error).toMatch(/time/i);
      } finally {
        await updateSettings(f, { totalTimeoutMs: 120_000, perAttemptTimeoutMs: 60_000 });
      }
    });

    it('an upstream 400 is the caller’s fault: returned as is, no failover', async () => {
      f.upstream.script({ kind: 'status', status: 400 });
      const err = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 99_999 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(embeddingCalls(f)).toHaveLength(1);
    });

    it('a virtual model of embedding targets routes like any model string', async () => {
      await gqlOk(
        f.baseUrl,
        'mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }',
        { input: { name: 'embedder', strategy: 'ORDERED', targets: [{ model: 'google:gemini-embedding-001' }, { model: 'text-embedding-3-small' }] } },
        f.account.token,
      );
      f.upstream.scriptFor((r) => r.path.startsWith('/google/'), { kind: 'status', status: 503 });
      const { response } = await openai.embeddings.create({ model: 'embedder', input: 'virtual' }).withResponse();
      expect(embeddingCalls(f).map((r) => r.path)).toEqual(['/google/v1/embeddings', '/openai/v1/embeddings']);
      expect(response.headers.get('x-gateway-virtual-model')).toBe('embedder');
    });
  });

  describe('errors', () => {
    const errorOf = async (body: unknown, path = '/v1/embeddings') => {
      const res = await postV1(f, path, body, { token: plain });
      return res;
    };

    it('a chat model on /v1/embeddings: 400 model_not_supported in OpenAI format, nothing sent', async () => {
      const err = await openai.embeddings.create({ model: 'gpt-4o-mini', input: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.code).toBe('model_not_supported');
      expect(e.message).toMatch(/openai:gpt-4o-mini.*chat model.*does not support embeddings/);
      expect(e.headers?.get('x-should-retry')).toBe('false');
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('a provider without embeddings (Anthropic): 400 naming the provider', async () => {
      const res = await errorOf({ model: 'claude-haiku-4-5', input: 'x' });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'model_not_supported', type: 'invalid_request_error' } });
      expect((res.json as { error: { message: string } }).error.message).toMatch(/Provider "anthropic" does not offer embeddings/);
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('a fallback that cannot embed is skipped and named in x-gateway-rejected-models', async () => {
      const res = await errorOf({ model: 'text-embedding-3-small', input: 'x', models: ['gpt-4o-mini', 'text-embedding-3-large'] });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-rejected-models')).toBe('gpt-4o-mini');
    });

    it('an embedding model on chat completions (OpenAI format) and messages (Anthropic format): 400', async () => {
      const chat = await openai.chat.completions.create({ model: 'text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
      expect((chat as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/embedding model.*\/v1\/embeddings/);
      const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: plain, maxRetries: 0 });
      const msg = await anthropic.messages.create({ model: 'text-embedding-3-small', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(msg).toBeInstanceOf(Anthropic.BadRequestError);
      expect((msg as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(/model_not_supported: .*embedding model/);
      expect(f.upstream.requests).toHaveLength(0);
    });

    it.each([
      [{ model: 'text-embedding-3-small' }, /input: is required/],
      [{ model: 'text-embedding-3-small', input: '' }, /input: must not be an empty string/],
      [{ model: 'text-embedding-3-small', input: [] }, /input: /],
      [{ model: 'text-embedding-3-small', input: ['ok', 3] }, /input: /],
      [{ model: 'text-embedding-3-small', input: [[1, 2], [1.5]] }, /input: /],
      [{ model: 'text-embedding-3-small', input: { text: 'x' } }, /input: /],
      [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, /encoding_format: must be "float" or "base64"/],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, /dimensions: must be at least 1/],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 1.5 }, /dimensions: must be an integer/],
      [{ model: 'text-embedding-3-small', input: 'x', user: 7 }, /user: /],
      [{ model: 'text-embedding-3-small', input: 'x', stream: true }, /stream: embeddings do not stream/],
      [{ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, () => 'a') }, /at most 2048 items/],
      [{ model: 'text-embedding-3-small', input: [Array.from({ length: 300_001 }, () => 1)] }, /at most 300000 tokens/],
      [{ input: 'x' }, /`model` is required/],
    ])('bad input %#: 400 invalid_request, nothing sent', async (body, message) => {
      const res = await errorOf(body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'invalid_request', type: 'invalid_request_error' } });
      expect((res.json as { error: { message: string } }).error.message).toMatch(message);
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('GET is not allowed, and the 405 says what is (RFC 9110: Allow)', async () => {
      const res = await fetch(`${f.baseUrl}/v1/embeddings`, { headers: { authorization: `Bearer ${plain}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
      const models = await fetch(`${f.baseUrl}/v1/models`, { method: 'POST', headers: { authorization: `Bearer ${plain}` } });
      expect(models.status).toBe(405);
      expect(models.headers.get('allow')).toBe('GET, HEAD');
    });
  });

  describe('custom providers', () => {
    it('an OpenAI-format custom provider serves its declared model on its own /embeddings, fee only', async () => {
      const { data, response } = await openai.embeddings
        .create({ model: 'local:nomic-embed-text', input: 'self-hosted', encoding_format: 'float' })
        .withResponse();
      expect(data.data[0].embedding).toEqual(fakeVector('self-hosted', 8));
      expect(embeddingCalls(f).map((r) => r.path)).toEqual(['/custom/v1/embeddings']);
      const ev = await usageCost(f, response.headers.get('x-request-id'));
      const tokens = fakeEmbeddingTokens('self-hosted');
      expect(ev).toMatchObject({ inputTokens: tokens, outputTokens: 0, upstreamCostNano: 0n, feeNano: BigInt(tokens) * FEE_NANO_PER_TOKEN });
    });

    it('an Anthropic-format custom provider offers no embeddings: 400 model_not_supported', async () => {
      const res = await postV1(f, '/v1/embeddings', { model: 'anth-local:claude-local', input: 'x' }, { token: plain });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'model_not_supported' } });
      expect(f.upstream.requests).toHaveLength(0);
    });
  });

  describe('firewall policies on the input', () => {
    const CREATE_POLICY = 'mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id } }';
    const keyWith = async (name: string, rules: unknown[]) => {
      const policy = await gqlOk<{ createFirewallPolicy: { id: string } }>(
        f.baseUrl,
        CREATE_POLICY,
        { input: { name, mode: 'ENFORCE', onError: 'BLOCK', rules } },
        f.account.token,
      );
      const configurationId = await createConfiguration(f, { name, firewallPolicyIds: [policy.createFirewallPolicy.id] });
      return (await createAccessKey(f, configurationId, name)).token;
    };

    it('DENY_PATTERN blocks a matching input item with policy_violation, nothing sent', async () => {
      const token = await keyWith('deny-secret', [{ kind: 'DENY_PATTERN', pattern: 'top\\s+secret' }]);
      const res = await postV1(f, '/v1/embeddings', { model: 'text-embedding-3-small', input: ['fine', 'this is top  secret'] }, { token });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'policy_violation' } });
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('REDACT_PII replaces PII in every input text before the provider sees it', async () => {
      const token = await keyWith('pii', [{ kind: 'REDACT_PII', piiTypes: ['EMAIL'], restoreInResponse: true }]);
      const res = await postV1(f, '/v1/embeddings', { model: 'text-embedding-3-small', input: ['mail ann@example.com', 'no pii'] }, { token });
      expect(res.status).toBe(200);
      const [up] = embeddingCalls(f);
      expect((up.body as { input: string[] }).input).toEqual(['mail <EMAIL_1>', 'no pii']);
      expect(up.rawBody).not.toContain('ann@example.com');
    });
  });

  describe('around the route', () => {
    it('GET /v1/models lists embedding models with their kind and input limit, no output limit', async () => {
      const list = await openai.models.list();
      const small = list.data.find((m) => m.id === 'openai:text-embedding-3-small') as unknown as Record<string, unknown>;
      expect(small).toMatchObject({ kind: 'embedding', context_window: 8191, owned_by: 'openai' });
      expect(small).not.toHaveProperty('max_output_tokens');
      expect(list.data.find((m) => m.id === 'openai:gpt-4o-mini')).toMatchObject({ kind: 'chat' });
      expect(list.data.some((m) => m.id === 'google:gemini-embedding-001')).toBe(true);
    });

    it('a configuration with a response cache answers the identical request from the cache', async () => {
      const cached = (await createAccessKey(f, await createConfiguration(f, { name: 'cached', cache: { enabled: true, ttlSeconds: 60 } }), 'cached')).token;
      const body = { model: 'text-embedding-3-small', input: ['cache', 'me'] };
      const first = await postV1(f, '/v1/embeddings', body, { token: cached });
      const second = await postV1(f, '/v1/embeddings', body, { token: cached });
      expect([first.headers.get('x-gateway-cache'), second.headers.get('x-gateway-cache')]).toEqual(['miss', 'hit']);
      expect(second.text).toBe(first.text);
      expect(embeddingCalls(f)).toHaveLength(1);
      const hit = await usageCost(f, second.headers.get('x-request-id'));
      expect(hit).toMatchObject({ inputTokens: fakeEmbeddingTokens(body.input), upstreamCostNano: 0n });
    });
  });
});
