import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createAccessKey,
  createConfiguration,
  createProviderKey,
  startGatewayFixture,
  type GatewayFixture,
} from '../support/gateway-fixture.js';
import { postV1, revokeAccessKey, usageEventFor, type V1Response, fundAccount } from '../support/v1-client.js';

const RATE_LIMIT = 5;
const MAX_BODY = 2048;

type Route = '/v1/chat/completions' | '/v1/responses' | '/v1/messages';

/** A minimal valid body for each route, with `model` (and anything else) overridden. */
function bodyFor(route: Route, fields: Record<string, unknown>): Record<string, unknown> {
  if (route === '/v1/messages') return { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], ...fields };
  if (route === '/v1/responses') return { input: 'hi', ...fields };
  return { messages: [{ role: 'user', content: 'hi' }], ...fields };
}

/** Asserts the contract's error shape for the route's format and returns the message. */
function expectGatewayError(res: V1Response, route: Route, code: string, status: number): string {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.headers.get('x-gateway-error-code')).toBe(code);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  for (const h of ['x-gateway-attempts', 'x-gateway-provider', 'x-gateway-model', 'x-gateway-rejected-models']) {
    expect(res.headers.has(h), h).toBe(true);
  }
  if (route === '/v1/messages') {
    const body = res.json as { type: string; error: { type: string; message: string }; request_id: string };
    // Anthropic's ErrorResponse: request_id is the gateway's request id (the request-id header).
    expect(Object.keys(body).sort()).toEqual(['error', 'request_id', 'type']);
    expect(body.request_id).toBe(res.headers.get('x-request-id'));
    expect(body.type).toBe('error');
    expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
    expect(typeof body.error.type).toBe('string');
    expect(body.error.message.startsWith(`${code}: `)).toBe(true);
    return body.error.message;
  }
  const body = res.json as { error: { message: string; type: string; code: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.type).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message;
}

const ROUTES: Route[] = ['/v1/chat/completions', '/v1/messages'];

describe('/v1 error codes', () => {
  let f: GatewayFixture;
  let openaiOnly: string;
  let onlyGpt4o: string;

  /** A fresh access key per case. */
  const freshKey = async (configurationId: string | null = null) => (await createAccessKey(f, configurationId)).token;

  beforeAll(async () => {
    f = await startGatewayFixture({
      MAX_REQUEST_BODY_BYTES: String(MAX_BODY),
    });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-1');
    await createProviderKey(f, 'anthropic', 'sk-ant-1');
    openaiOnly = await createConfiguration(f, { allowedProviders: ['anthropic'], allowedModels: null, routing: [] });
    onlyGpt4o = await createConfiguration(f, { allowedProviders: null, allowedModels: ['openai:gpt-4o', 'anthropic:claude-haiku-4-5'], routing: [] });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe.each(ROUTES)('%s', (route) => {
    const model = route === '/v1/messages' ? 'claude-haiku-4-5' : 'gpt-4o-mini';

    it('invalid_api_key 401: missing, malformed, unknown, revoked', async () => {
      const cases: { token?: string; header?: Record<string, string>; via?: boolean }[] = [
        {},
        { header: { authorization: 'Basic dXNlcjpwYXNz' } },
        { token: 'not-a-gateway-key' },
        { token: 'ng-short' },
        { token: `ng-${'A'.repeat(43)}` },
        { token: `ng-${'B'.repeat(43)}`, via: true },
      ];
      for (const c of cases) {
        const res = await postV1(f, route, bodyFor(route, { model }), { token: c.token, viaApiKeyHeader: c.via, headers: c.header });
        const message = expectGatewayError(res, route, 'invalid_api_key', 401);
        // A key in a shape the gateway does not read is told apart from no key at all.
        if (c.header) expect(message).toContain('Malformed Authorization header');
        if (!c.header && c.token === undefined) expect(message).toContain('Missing access key');
      }
      const junk = await postV1(f, route, bodyFor(route, { model }), { headers: { authorization: `Bearer ng-${'A'.repeat(43)} junk` } });
      expect(expectGatewayError(junk, route, 'invalid_api_key', 401)).toContain('Malformed Authorization header');
      const key = await createAccessKey(f);
      const before = await postV1(f, route, bodyFor(route, { model }), { token: key.token });
      expect(before.status).toBe(200);
      await revokeAccessKey(f, key.id);
      const after = await postV1(f, route, bodyFor(route, { model }), { token: key.token });
      expectGatewayError(after, route, 'invalid_api_key', 401);
      expect(f.upstream.requests).toHaveLength(1);
    });

    it('invalid_request 400: body not JSON, model not a string, models not an array of strings', async () => {
      const token = await freshKey();
      const notJson = await postV1(f, route, undefined, { token, raw: '{"model": "gpt-4o-mini",' });
      expectGatewayError(notJson, route, 'invalid_request', 400);
      const cases: Record<string, unknown>[] = [{ model: 42 }, {}, { model: model, models: 'gpt-4o' }, { model, models: ['gpt-4o', 7] }];
      for (const fields of cases) {
        const res = await postV1(f, route, bodyFor(route, fields), { token });
        const message = expectGatewayError(res, route, 'invalid_request', 400);
        expect(message).toMatch(fields.models === undefined ? /model/ : /models/);
      }
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('model_unknown 404 suggests the closest catalog id', async () => {
      const token = await freshKey();
      const res = await postV1(f, route, bodyFor(route, { model: 'gpt-4o-minii' }), { token });
      const message = expectGatewayError(res, route, 'model_unknown', 404);
      expect(message).toContain('gpt-4o-mini');
      const custom = await postV1(f, route, bodyFor(route, { model: 'nosuchprovider:model-x' }), { token });
      expectGatewayError(custom, route, 'model_unknown', 404);
    });

    it('provider_not_allowed 403 and model_not_allowed 403', async () => {
      const a = await postV1(f, route, bodyFor(route, { model: 'gpt-4o-mini' }), { token: await freshKey(openaiOnly) });
      expect(expectGatewayError(a, route, 'provider_not_allowed', 403)).toContain('openai');
      const b = await postV1(f, route, bodyFor(route, { model: 'gpt-4o-mini' }), { token: await freshKey(onlyGpt4o) });
      expect(expectGatewayError(b, route, 'model_not_allowed', 403)).toContain('openai:gpt-4o-mini');
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('provider_credentials_missing 424', async () => {
      const res = await postV1(f, route, bodyFor(route, { model: 'gemini-2.5-flash' }), { token: await freshKey() });
      expect(expectGatewayError(res, route, 'provider_credentials_missing', 424)).toContain('google');
    });

    it('request_too_large 413 (declared and chunked bodies)', async () => {
      const token = await freshKey();
      const big = bodyFor(route, { model, messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY * 2) }] });
      expectGatewayError(await postV1(f, route, big, { token }), route, 'request_too_large', 413);
      // Without content-length the limit still holds while reading.
      const chunked = await fetch(`${f.baseUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(JSON.stringify(big)));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(chunked.headers.get('x-gateway-error-code')).toBe('request_too_large');
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('rate_limited 429 with retry-after (the key’s requestsPerMinute)', async () => {
      const { token } = await createAccessKey(f, null, 'limited', { requestsPerMinute: RATE_LIMIT });
      for (let i = 0; i < RATE_LIMIT; i++) expect((await postV1(f, route, bodyFor(route, { model }), { token })).status).toBe(200);
      const res = await postV1(f, route, bodyFor(route, { model }), { token });
      expectGatewayError(res, route, 'rate_limited', 429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      // Up to two minutes: this minute's requests still weigh on the next minute's estimate (sliding-window.ts).
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect(f.upstream.requests).toHaveLength(RATE_LIMIT);
      // Another key is not affected.
      expect((await postV1(f, route, bodyFor(route, { model }), { token: await freshKey() })).status).toBe(200);
    });

    it('upstream_failed 502 lists every attempt', async () => {
      f.upstream.script({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
      const other = route === '/v1/messages' ? 'gpt-4o-mini' : 'claude-haiku-4-5';
      const res = await postV1(f, route, bodyFor(route, { model, models: [other] }), { token: await freshKey() });
      const message = expectGatewayError(res, route, 'upstream_failed', 502);
      const [p1, m1] = route === '/v1/messages' ? ['anthropic', 'claude-haiku-4-5'] : ['openai', 'gpt-4o-mini'];
      const [p2, m2] = route === '/v1/messages' ? ['openai', 'gpt-4o-mini'] : ['anthropic', 'claude-haiku-4-5'];
      expect(message).toContain(`#1 ${p1}:${m1}: HTTP 500`);
      expect(message).toContain(`#2 ${p2}:${m2}: HTTP 503`);
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev).toMatchObject({ status: 502, errorCode: 'upstream_failed' });
      expect(ev.attempts.map((a) => a.status)).toEqual([500, 503]);
    });
  });

  it('invalid_request 400: a body shape a provider would refuse is named before routing, never repaired in translation', async () => {
    const token = await freshKey();
    const user = [{ role: 'user', content: 'hi' }];
    const cases: [Route, Record<string, unknown>, RegExp][] = [
      ['/v1/chat/completions', { messages: undefined }, /^messages: must be a non-empty array/],
      ['/v1/chat/completions', { messages: [] }, /^messages: must be a non-empty array/],
      ['/v1/chat/completions', { messages: [null, ...user] }, /^messages\.0: must be a message object/],
      ['/v1/chat/completions', { messages: [{ role: 'wizard', content: 'hi' }] }, /^messages\.0\.role: must be one of system, developer/],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: { a: 1 } }] }, /^messages\.0\.content: must be a string/],
      ['/v1/chat/completions', { max_tokens: '10' }, /^max_tokens: must be a positive integer/],
      ['/v1/chat/completions', { max_completion_tokens: -3 }, /^max_completion_tokens: must be a positive integer/],
      ['/v1/chat/completions', { temperature: 5 }, /^temperature: must be a number from 0 to 2/],
      ['/v1/chat/completions', { top_p: 1.5 }, /^top_p: must be a number from 0 to 1/],
      ['/v1/chat/completions', { n: 0 }, /^n: must be a positive integer/],
      ['/v1/chat/completions', { tools: [null] }, /^tools: must be an array of tool objects/],
      ['/v1/messages', { max_tokens: undefined }, /^max_tokens: is required/],
      ['/v1/messages', { max_tokens: 1.5 }, /^max_tokens: must be a positive integer/],
      ['/v1/messages', { messages: 'hi' }, /^messages: must be a non-empty array/],
      ['/v1/messages', { messages: [{ role: 'user', content: { a: 1 } }] }, /^messages\.0\.content: must be a string or an array of content blocks/],
      ['/v1/messages', { messages: [{ role: 'assistant' }] }, /^messages\.0\.content/],
      ['/v1/messages', { temperature: 1.5 }, /^temperature: must be a number from 0 to 1/],
      ['/v1/messages', { system: 5 }, /^system: must be a string or an array/],
      ['/v1/responses', { input: 5 }, /^input: must be a string or an array of input items/],
      ['/v1/responses', { input: [null] }, /^input: must be a string or an array of input items/],
      ['/v1/responses', { max_output_tokens: -1 }, /^max_output_tokens: must be a positive integer/],
    ];
    // Same format and translated alike: the answer must not depend on which provider would serve it.
    for (const model of ['gpt-4o-mini', 'claude-haiku-4-5']) {
      for (const [route, fields, problem] of cases) {
        const body = { ...bodyFor(route, { model }), ...fields };
        const message = expectGatewayError(await postV1(f, route, body, { token }), route, 'invalid_request', 400);
        expect(message.replace(/^invalid_request: /, ''), `${route} ${JSON.stringify(fields)}`).toMatch(problem);
      }
    }
    expect(f.upstream.requests).toHaveLength(0);
    // JSON null reads as absent, as the providers read it; count_tokens has no output limit.
    const nulls = { max_tokens: null, temperature: null, top_p: null, n: null, tools: null };
    expect((await postV1(f, '/v1/chat/completions', { ...bodyFor('/v1/chat/completions', { model: 'gpt-4o-mini' }), ...nulls }, { token })).status).toBe(200);
    const counted = await postV1(f, '/v1/messages/count_tokens', { model: 'gpt-4o-mini', messages: user }, { token });
    expect(counted.status, counted.text).toBe(200);
    const badCount = await postV1(f, '/v1/messages/count_tokens', { model: 'gpt-4o-mini', messages: [null] }, { token });
    expect(badCount.status).toBe(400);
  });

  it('/v1/responses uses the OpenAI error shape', async () => {
    const token = await freshKey();
    expectGatewayError(await postV1(f, '/v1/responses', bodyFor('/v1/responses', { model: 5 }), { token }), '/v1/responses', 'invalid_request', 400);
    expectGatewayError(await postV1(f, '/v1/responses', bodyFor('/v1/responses', { model: 'x' }), {}), '/v1/responses', 'invalid_api_key', 401);
  });

  it('GET /v1/models needs a valid key', async () => {
    const res = await fetch(`${f.baseUrl}/v1/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    expect(res.headers.get('x-gateway-error-code')).toBe('invalid_api_key');
  });

  it('the SDKs raise their typed errors from these bodies', async () => {
    const oa = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: `ng-${'C'.repeat(43)}`, maxRetries: 0 });
    await expect(oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const an = new Anthropic({ baseURL: f.baseUrl, apiKey: await freshKey(), maxRetries: 0 });
    const err = await an.messages.create({ model: 'gpt-4o-minii', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).message).toContain('model_unknown');
  });
});
