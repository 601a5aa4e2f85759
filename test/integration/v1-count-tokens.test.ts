import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimateRequestInputTokens } from '../../server/src/gateway/tokens.js';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { usageEventFor } from '../support/v1-client.js';

const MESSAGES = [{ role: 'user' as const, content: 'Count the tokens of this prompt, please' }];
const SYSTEM = 'You are terse.';
/** The fake upstream counts ceil(input chars / 4), system and messages joined by newlines. */
const UPSTREAM_COUNT = Math.ceil(`${SYSTEM}\n${MESSAGES[0].content}`.length / 4);

/** Free: the account below has no credits at all, and every count still answers. */
describe('POST /v1/messages/count_tokens', () => {
  let f: GatewayFixture;
  let anthropic: Anthropic;

  beforeAll(async () => {
    f = await startGatewayFixture();
    await createProviderKey(f, 'anthropic', 'sk-ant-first', 0);
    await createProviderKey(f, 'anthropic', 'sk-ant-second', 1);
    await createProviderKey(f, 'openai', 'sk-openai-user');
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: (await createAccessKey(f)).token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  const freeEvent = async (requestId: string | null) => {
    const ev = await usageEventFor(f, requestId);
    expect(ev).toMatchObject({ endpoint: '/v1/messages/count_tokens', status: 200, errorCode: null, streamed: false, inputTokens: 0, outputTokens: 0 });
    const row = JSON.parse(ev.raw) as Record<string, unknown>;
    expect([row.fee_nano, row.total_cost_nano].map(String)).toEqual(['0', '0']);
    return ev;
  };

  it('Anthropic model: forwarded to the provider count_tokens, answered as is, recorded free', async () => {
    const { data, response } = await anthropic.messages
      .countTokens({ model: 'claude-sonnet-4-5', system: SYSTEM, messages: MESSAGES })
      .withResponse();
    expect(data.input_tokens).toBe(UPSTREAM_COUNT);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
    expect(f.upstream.requests).toHaveLength(1);
    const up = f.upstream.requests[0];
    expect(up).toMatchObject({ method: 'POST', path: '/anthropic/v1/messages/count_tokens', credential: 'sk-ant-first' });
    expect(up.body).toEqual({ model: 'claude-sonnet-4-5', system: SYSTEM, messages: MESSAGES });
    expect(up.headers['anthropic-version']).toBeTruthy();
    const ev = await freeEvent(response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
  });

  it('fails over to the next key on an upstream 529', async () => {
    f.upstream.scriptFor((r) => r.path.endsWith('/count_tokens'), { kind: 'status', status: 529 });
    const { data, response } = await anthropic.messages.countTokens({ model: 'claude-haiku-4-5', messages: MESSAGES }).withResponse();
    expect(data.input_tokens).toBe(Math.ceil(MESSAGES[0].content.length / 4));
    expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-ant-first', 'sk-ant-second']);
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
    await freeEvent(response.headers.get('x-request-id'));
  });

  it('OpenAI model: answered from the local estimate, nothing sent upstream', async () => {
    const body = { model: 'gpt-4o-mini', system: SYSTEM, messages: MESSAGES };
    const { data, response } = await anthropic.messages.countTokens(body).withResponse();
    expect(data).toEqual({ input_tokens: estimateRequestInputTokens('messages', body) });
    expect(data.input_tokens).toBeGreaterThan(5);
    expect(f.upstream.requests).toHaveLength(0);
    const ev = await freeEvent(response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('an unknown model is model_unknown in Anthropic error format', async () => {
    const err = await anthropic.messages.countTokens({ model: 'claude-sonet-4-5', messages: MESSAGES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).message).toMatch(/model_unknown.*claude-sonnet-4-5/);
    // Only the providers' own model listings may be asked about an unknown id; nothing is counted upstream.
    expect(f.upstream.requests.filter((r) => !(r.method === 'GET' && r.path.endsWith('/models')))).toHaveLength(0);
  });
});

describe('POST /v1/messages/count_tokens past MAX_RESPONSE_BODY_BYTES', () => {
  const CAP = 2048;
  let f: GatewayFixture;
  let anthropic: Anthropic;

  beforeAll(async () => {
    f = await startGatewayFixture({ MAX_RESPONSE_BODY_BYTES: String(CAP) });
    await createProviderKey(f, 'anthropic', 'sk-ant-first', 0);
    await createProviderKey(f, 'anthropic', 'sk-ant-second', 1);
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: (await createAccessKey(f)).token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());

  it('is upstream_response_too_large naming the limit (not the generic upstream_failed), not failed over', async () => {
    const oversized = { input_tokens: 3, padding: 'x'.repeat(CAP * 2) };
    f.upstream.scriptFor((r) => r.path.endsWith('/count_tokens'), { kind: 'status', status: 200, body: oversized }, { kind: 'status', status: 200, body: oversized });
    const err = await anthropic.messages.countTokens({ model: 'claude-haiku-4-5', messages: MESSAGES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    const apiError = err as InstanceType<typeof Anthropic.InternalServerError>;
    expect(apiError.status).toBe(502);
    expect(apiError.headers?.get('x-gateway-error-code')).toBe('upstream_response_too_large');
    expect(apiError.message).toContain(`response size limit of ${CAP} bytes`);
    expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-ant-first']);
    const ev = await usageEventFor(f, apiError.headers?.get('x-request-id') ?? null);
    expect(ev).toMatchObject({ status: 502, errorCode: 'upstream_response_too_large', inputTokens: 0, outputTokens: 0 });
  });
});
