import { gqlOk } from '../support/graphql.js';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { createCustomProvider, postV1, usageEventFor, fundAccount, waitFor } from '../support/v1-client.js';

const user = (content: string) => [{ role: 'user' as const, content }];

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

describe('/v1 custom providers (CUSTOM_PROVIDER_ALLOW_PRIVATE=127.0.0.0/8)', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;

  beforeAll(async () => {
    f = await startGatewayFixture({ CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.0/8', METRICS_TOKEN });
    await fundAccount(f.baseUrl, f.account.token);
    const base = `http://127.0.0.1:${f.upstream.port}`;
    await createCustomProvider(f, { providerId: 'local', baseUrl: `${base}/custom/v1`, apiFormat: 'OPENAI', models: ['my-llama', 'Mixed-Case-7B'] });
    await createCustomProvider(f, { providerId: 'keyed', baseUrl: `${base}/keyed/v1?api-version=2`, apiFormat: 'OPENAI', models: ['keyed-model'] });
    await createCustomProvider(f, { providerId: 'anth-local', baseUrl: `${base}/anth/v1`, apiFormat: 'ANTHROPIC', models: ['claude-local'] });
    await createCustomProvider(f, { providerId: 'self', baseUrl: `${f.baseUrl}/v1`, apiFormat: 'OPENAI', models: ['loop'] });
    await createProviderKey(f, 'keyed', 'sk-keyed-1');
    await createProviderKey(f, 'openai', 'sk-openai-1');
    token = (await createAccessKey(f)).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('serves a declared model, without a credential when the provider has no key', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'local:my-llama', messages: user('hi') })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from fake my-llama');
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    const up = f.upstream.requests[0];
    expect(up.path).toBe('/custom/v1/chat/completions');
    expect(up.credential).toBeUndefined();
    const ev = await usageEventFor(f, response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ provider: 'local', model: 'my-llama', status: 200, keySource: null, providerKeyId: null });
  });

  it('matches declared models case-insensitively and sends the declared spelling; bare ids resolve too', async () => {
    await openai.chat.completions.create({ model: 'local:mixed-case-7b', messages: user('hi') });
    expect((f.upstream.requests[0].body as { model: string }).model).toBe('Mixed-Case-7B');
    const bare = await openai.chat.completions.create({ model: 'my-llama', messages: user('hi') });
    expect(bare.choices[0].message.content).toBe('Hello from fake my-llama');
    expect(f.upstream.requests[1].path).toBe('/custom/v1/chat/completions');
  });

  it('uses the provider key and keeps the base URL query string; streams', async () => {
    const stream = await openai.chat.completions.create({ model: 'keyed:keyed-model', messages: user('hi'), stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from fake keyed-model');
    expect(f.upstream.requests[0]).toMatchObject({ path: '/keyed/v1/chat/completions', query: '?api-version=2', credential: 'sk-keyed-1' });
  });

  it('refuses undeclared models (model_unknown), even for pass-through style ids', async () => {
    const res = await postV1(f, '/v1/chat/completions', { model: 'local:gpt-4o-mini', messages: user('hi') }, { token });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'model_unknown' } });
    expect(f.upstream.requests).toHaveLength(0);
  });

  it('an Anthropic-format custom provider serves /v1/messages natively and chat translated', async () => {
    const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
    const msg = await anthropic.messages.create({ model: 'anth-local:claude-local', max_tokens: 10, messages: user('hi') });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-local' });
    expect(f.upstream.requests[0].path).toBe('/anth/v1/messages');
    expect(f.upstream.requests[0].headers['anthropic-version']).toBeDefined();

    const chat = await openai.chat.completions.create({ model: 'anth-local:claude-local', messages: user('hi'), max_tokens: 10 });
    expect(chat.choices[0].message.content).toBe('Hello from fake claude-local');
    expect(f.upstream.requests[1].path).toBe('/anth/v1/messages');
  });

  it('re-emits an upstream HTML error echoing the credential as the caller\'s JSON, key redacted (audit MEDIUM-1)', async () => {
    // The custom upstream answers 400 text/html echoing the Authorization header it received.
    const page = '<html><script>alert(document.cookie)</script>Authorization: Bearer sk-keyed-1; also Bearer sk-proj-ECHO400TOPSECRETPROVIDERKEYVALUE</html>';
    const routes = [
      ['/v1/chat/completions', { model: 'keyed:keyed-model', messages: user('hi') }],
      ['/v1/responses', { model: 'keyed:keyed-model', input: 'hi' }],
      ['/v1/messages', { model: 'keyed:keyed-model', max_tokens: 16, messages: user('hi') }],
    ] as const;
    for (const [route, body] of routes) {
      f.upstream.reset();
      f.upstream.script({ kind: 'status', status: 400, body: page, headers: { 'content-type': 'text/html' } });
      const res = await postV1(f, route, body, { token });
      expect(f.upstream.requests[0]?.credential, route).toBe('sk-keyed-1');
      expect(res.status, route).toBe(400);
      expect(res.headers.get('content-type'), route).toMatch(/^application\/json/);
      expect(res.text, route).not.toMatch(/sk-keyed-1|ECHO400TOPSECRET|<script>|<html>/);
      const json = res.json as { error: { message: string } };
      expect(json.error.message, route).toBe('Upstream returned HTTP 400.');
    }
    // A JSON error message keeps its text, with the exact credential of that attempt redacted.
    f.upstream.reset();
    f.upstream.script({ kind: 'status', status: 400, body: { error: { message: 'Key sk-keyed-1 is not valid for keyed-model', code: 'bad_key' } } });
    const res = await postV1(f, '/v1/chat/completions', { model: 'keyed:keyed-model', messages: user('hi') }, { token });
    expect(res.json).toEqual({ error: { message: 'Key [redacted] is not valid for keyed-model', type: 'invalid_request_error', param: null, code: 'bad_key' } });
  });

  it('logs one structured line per /v1 request and per GraphQL operation, without body or key', async () => {
    f.upstream.script({ kind: 'status', status: 400, body: { error: { message: 'nope', code: 'bad_thing' } } });
    const res = await postV1(f, '/v1/chat/completions', { model: 'keyed:keyed-model', messages: user('secret prompt text') }, { token });
    const requestId = res.headers.get('x-request-id');
    const lines = () => f.server.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => lines().some((l) => l.msg === 'v1 request' && l.requestId === requestId), 3000, 'the request log line');
    const line = lines().find((l) => l.msg === 'v1 request' && l.requestId === requestId)!;
    expect(line).toMatchObject({
      level: 30,
      route: '/v1/chat/completions',
      model: 'keyed:keyed-model',
      provider: 'keyed',
      status: 400,
      errorCode: 'upstream_client_error',
      attempts: 1,
      attemptErrors: [expect.stringContaining('nope')],
    });
    expect(typeof line.accessKeyId).toBe('string');
    expect(typeof line.latencyMs).toBe('number');
    await gqlOk(f.baseUrl, 'query WhoAmI { me { id } }', {}, f.account.token);
    expect(lines().some((l) => l.msg === 'graphql operation' && l.operation === 'WhoAmI' && l.errorCode === null)).toBe(true);
    const all = f.server.logs.join('\n');
    expect(all).not.toContain('secret prompt text');
    expect(all).not.toContain(token);
    expect(all).not.toContain('sk-keyed-1');
  });

  it('labels custom providers "custom" in /metrics and asks for METRICS_TOKEN (audit LOW)', async () => {
    await openai.chat.completions.create({ model: 'local:my-llama', messages: user('hi') });
    expect((await fetch(`${f.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${f.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const res = await fetch(`${f.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/gateway_upstream_attempts_total\{provider="custom",outcome="ok"\} \d+/);
    expect(text).not.toMatch(/provider="(local|keyed|anth-local|self)"/);
  });

  it('lists custom models in GET /v1/models', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['local:my-llama', 'local:Mixed-Case-7B', 'keyed:keyed-model', 'anth-local:claude-local']));
  });

  it('never lets a custom provider loop back into the gateway, even when loopback is allowed', async () => {
    const res = await postV1(f, '/v1/chat/completions', { model: 'self:loop', messages: user('hi') }, { token });
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ error: { code: 'upstream_failed', message: expect.stringMatching(/refused/) } });
  });
});

describe('/v1 custom providers without CUSTOM_PROVIDER_ALLOW_PRIVATE (egress guard)', () => {
  let f: GatewayFixture;
  let token: string;

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createCustomProvider(f, { providerId: 'byip', baseUrl: `http://127.0.0.1:${f.upstream.port}/custom/v1`, apiFormat: 'OPENAI', models: ['m'] });
    await createCustomProvider(f, { providerId: 'byname', baseUrl: `http://localhost:${f.upstream.port}/custom/v1`, apiFormat: 'OPENAI', models: ['m'] });
    await createCustomProvider(f, { providerId: 'anthname', baseUrl: `http://localhost:${f.upstream.port}/anth/v1`, apiFormat: 'ANTHROPIC', models: ['m'] });
    await createProviderKey(f, 'openai', 'sk-openai-1');
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it.each(['byip', 'byname'])('refuses %s:m (loopback) before anything is sent', async (provider) => {
    const res = await postV1(f, '/v1/chat/completions', { model: `${provider}:m`, messages: user('hi') }, { token });
    expect(res.status).toBe(502);
    const message = (res.json as { error: { code: string; message: string } }).error.message;
    expect((res.json as { error: { code: string } }).error.code).toBe('upstream_failed');
    // A typed-in address is named with its class; a host name never with what it resolved to (audit LOW).
    if (provider === 'byip') expect(message).toMatch(/refused \(loopback\)/);
    else expect(message).toMatch(/egress to localhost refused: the name does not resolve to an allowed public address/);
    expect(provider === 'byname' && /127\.0\.0\.1|loopback/.test(message)).toBe(false);
    expect(f.upstream.requests).toHaveLength(0);
    const ev = await usageEventFor(f, res.headers.get('x-request-id'));
    expect(ev.attempts[0]).toMatchObject({ provider, status: null, error: expect.stringMatching(/refused/) });
  });

  it('refuses on /v1/messages too, in the Anthropic error shape', async () => {
    const res = await postV1(f, '/v1/messages', { model: 'anthname:m', max_tokens: 5, stream: true, messages: user('hi') }, { token });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-gateway-error-code')).toBe('upstream_failed');
    expect(res.json).toMatchObject({ type: 'error', error: { message: expect.stringMatching(/refused/) } });
    expect(f.upstream.requests).toHaveLength(0);
  });

  it('a refused custom provider fails over to the next candidate', async () => {
    const res = await postV1(f, '/v1/chat/completions', { model: 'byname:m', models: ['gpt-4o-mini'], messages: user('hi') }, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-provider')).toBe('openai');
    expect(res.headers.get('x-gateway-attempts')).toBe('2');
    expect(f.upstream.requests.map((r) => r.path)).toEqual(['/openai/v1/chat/completions']);
  });
});
