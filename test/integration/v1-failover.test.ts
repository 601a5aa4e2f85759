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
import type { RecordedRequest } from '../support/fake-upstream.js';
import { gqlErr } from '../support/graphql.js';
import { framePayloads, parseSseText, postV1, updateSettings, usageEventFor, fundAccount } from '../support/v1-client.js';

const user = (content: string) => [{ role: 'user' as const, content }];
const byCredential = (credential: string) => (r: RecordedRequest) => r.credential === credential;
const byPath = (prefix: string) => (r: RecordedRequest) => r.path.startsWith(prefix);
/** The gateway's `models` fallback list, which the SDKs' types do not know (extra fields are sent as is). */
const withFallbacks = (...models: string[]) => ({ models }) as object;

describe('/v1 failover', () => {
  let f: GatewayFixture;
  /** Account keys: openai A (priority 0), B (priority 1); anthropic C. */
  let keyA: string;
  let keyB: string;
  let keyC: string;
  /** An access key without configuration (default priority order). */
  let plain: string;
  /** Routing openai → [B, A], allows only openai and anthropic. */
  let routed: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    // Keys fail on purpose here; the circuit breaker has its own tests.
    f = await startGatewayFixture({ CIRCUIT_BREAKER_FAILURES: '0' });
    await fundAccount(f.baseUrl, f.account.token);
    keyA = await createProviderKey(f, 'openai', 'sk-openai-A', 0, 'A');
    keyB = await createProviderKey(f, 'openai', 'sk-openai-B', 1, 'B');
    keyC = await createProviderKey(f, 'anthropic', 'sk-ant-C', 0, 'C');
    await createProviderKey(f, 'groq', 'gsk-groq-D', 0, 'D');
    plain = (await createAccessKey(f, null, 'plain')).token;
    const configurationId = await createConfiguration(f, {
      allowedProviders: ['openai', 'anthropic'],
      allowedModels: null,
      routing: [{ provider: 'openai', providerKeyIds: [keyB, keyA], useGatewayCredentials: false }],
    });
    routed = (await createAccessKey(f, configurationId, 'routed')).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: plain, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: plain, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('key order and the never-twice rule', () => {
    it('without routing, tries the account keys by priority', async () => {
      f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'status', status: 429 });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: plain });
      expect(res.status).toBe(200);
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B']);
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
    });

    it('every key rate limited: 502 upstream_failed with the shortest retry-after; any other failure among them: none', async () => {
      f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'status', status: 429, headers: { 'retry-after': '7' } });
      f.upstream.scriptFor(byCredential('sk-openai-B'), { kind: 'status', status: 429, headers: { 'retry-after': '3' } });
      const limited = await postV1(f, '/v1/chat/completions', { model: 'openai:gpt-4o-mini', messages: user('hi') }, { token: plain });
      expect(limited.status).toBe(502);
      expect(limited.headers.get('x-gateway-error-code')).toBe('upstream_failed');
      expect(limited.headers.get('retry-after')).toBe('3');

      f.upstream.reset();
      f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'status', status: 429, headers: { 'retry-after': '7' } });
      f.upstream.scriptFor(byCredential('sk-openai-B'), { kind: 'status', status: 503 });
      const mixed = await postV1(f, '/v1/chat/completions', { model: 'openai:gpt-4o-mini', messages: user('hi') }, { token: plain });
      expect(mixed.status).toBe(502);
      expect(mixed.headers.get('retry-after')).toBeNull();
    });

    it('with routing: first key 401 → second key, both failing → next fallback model', async () => {
      f.upstream.scriptFor(byCredential('sk-openai-B'), { kind: 'status', status: 401 });
      const one = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: routed });
      expect(one.status).toBe(200);
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-B', 'sk-openai-A']);
      const ev1 = await usageEventFor(f, one.headers.get('x-request-id'));
      expect(ev1.providerKeyId).toBe(keyA);
      expect(ev1.attempts.map((a) => [a.providerKeyId, a.status])).toEqual([
        [keyB, 401],
        [keyA, 200],
      ]);
      expect(ev1.attempts[0].error).toMatch(/Incorrect API key/);

      f.upstream.reset();
      f.upstream.scriptFor(byCredential('sk-openai-B'), { kind: 'status', status: 401 });
      f.upstream.scriptFor(byCredential('sk-openai-A'), { kind: 'status', status: 503 });
      const two = await postV1(
        f,
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', models: ['claude-haiku-4-5'], messages: user('hi') },
        { token: routed },
      );
      expect(two.status).toBe(200);
      expect(f.upstream.requests.map((r) => `${r.path} ${r.credential}`)).toEqual([
        '/openai/v1/chat/completions sk-openai-B',
        '/openai/v1/chat/completions sk-openai-A',
        '/anthropic/v1/messages sk-ant-C',
      ]);
      expect(two.headers.get('x-gateway-attempts')).toBe('3');
      expect(two.headers.get('x-gateway-provider')).toBe('anthropic');
      expect(two.headers.get('x-gateway-model')).toBe('claude-haiku-4-5');
      const ev2 = await usageEventFor(f, two.headers.get('x-request-id'));
      expect(ev2).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', providerKeyId: keyC, status: 200 });
      expect(ev2.attempts.map((a) => `${a.provider}:${a.model}:${a.status}`)).toEqual([
        'openai:gpt-4o-mini:401',
        'openai:gpt-4o-mini:503',
        'anthropic:claude-haiku-4-5:200',
      ]);
    });

    it('never tries the same model and key twice (primary listed again in models)', async () => {
      f.upstream.script(...Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 500 })));
      const res = await postV1(
        f,
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', models: ['openai:gpt-4o-mini', 'GPT-4O-MINI', 'gpt-4o-mini'], messages: user('hi') },
        { token: routed },
      );
      expect(res.status).toBe(502);
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-B', 'sk-openai-A']);
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
      const err = (res.json as { error: { code: string; message: string; type: string } }).error;
      expect(err.code).toBe('upstream_failed');
      expect(err.message).toMatch(/#1 openai:gpt-4o-mini: HTTP 500/);
      expect(err.message).toMatch(/#2 openai:gpt-4o-mini: HTTP 500/);
      expect(err.message).not.toMatch(/#3/);
    });

    it('GET /v1/models honours the configuration', async () => {
      const res = await fetch(`${f.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${routed}` } });
      const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
      expect(ids).toContain('openai:gpt-4o-mini');
      expect(ids).toContain('anthropic:claude-haiku-4-5');
      expect(ids.some((id) => id.startsWith('groq:'))).toBe(false);
      const all = await fetch(`${f.baseUrl}/v1/models`, { headers: { 'x-api-key': plain } });
      expect(((await all.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain('groq:llama-3.3-70b-versatile');
    });

    it('skips and names fallbacks the configuration does not allow', async () => {
      f.upstream.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      const res = await postV1(
        f,
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', models: ['groq:llama-3.3-70b-versatile', 'claude-haiku-4-5'], messages: user('hi') },
        { token: routed },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-rejected-models')).toBe(encodeURIComponent('groq:llama-3.3-70b-versatile'));
      expect(f.upstream.requests.some((r) => r.path.startsWith('/groq/'))).toBe(false);
      expect(res.headers.get('x-gateway-provider')).toBe('anthropic');

      // On an error response too.
      f.upstream.reset();
      f.upstream.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
      const failed = await postV1(
        f,
        '/v1/messages',
        { model: 'gpt-4o-mini', models: ['groq:llama-3.3-70b-versatile', 'claude-haiku-4-5'], max_tokens: 5, messages: user('hi') },
        { token: routed },
      );
      expect(failed.status).toBe(502);
      expect(failed.headers.get('x-gateway-rejected-models')).toBe(encodeURIComponent('groq:llama-3.3-70b-versatile'));
      expect(failed.headers.get('x-gateway-attempts')).toBe('3');
    });
  });

  describe('fallback across formats', () => {
    it('chat request served by an Anthropic fallback (non-stream), translated both ways', async () => {
      // Both openai keys fail.
      f.upstream.scriptFor(byPath('/openai/'), { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      const res = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
        max_tokens: 50,
        ...withFallbacks('claude-haiku-4-5'),
      });
      expect(res.object).toBe('chat.completion');
      // The body names the model that answered, as a same-format fallback's own body does.
      expect(res.model).toBe('claude-haiku-4-5');
      expect(res.choices[0].message).toMatchObject({ role: 'assistant', content: 'Hello from fake claude-haiku-4-5' });
      expect(res.choices[0].finish_reason).toBe('stop');
      expect(res.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 4 });
      expect(f.upstream.requests).toHaveLength(3);
      const up = f.upstream.requests[2];
      expect(up.path).toBe('/anthropic/v1/messages');
      expect(up.body).toMatchObject({
        model: 'claude-haiku-4-5',
        system: 'Be brief.',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(up.headers['anthropic-version']).toBeDefined();
    });

    it('chat request served by an Anthropic fallback (stream), after a 429', async () => {
      f.upstream.scriptFor(byPath('/openai/'), { kind: 'status', status: 429 }, { kind: 'status', status: 429 });
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: user('hi'),
        stream: true,
        stream_options: { include_usage: true },
        ...withFallbacks('anthropic:claude-haiku-4-5'),
      });
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | null | undefined;
      const models = new Set<string>();
      for await (const chunk of stream) {
        models.add(chunk.model);
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('Hello from fake claude-haiku-4-5');
      expect([...models]).toEqual(['claude-haiku-4-5']);
      expect(finish).toBe('stop');
      expect(usage?.completion_tokens).toBe(4);
      expect(f.upstream.requests.map((r) => r.path)).toEqual([
        '/openai/v1/chat/completions',
        '/openai/v1/chat/completions',
        '/anthropic/v1/messages',
      ]);
      expect((f.upstream.requests[2].body as { stream: boolean }).stream).toBe(true);
    });

    it('a translated stream hides usage from a client that did not ask, and records reported tokens', async () => {
      const res = await postV1(f, '/v1/chat/completions', { model: 'claude-haiku-4-5', stream: true, messages: user('hello there') }, { token: plain });
      expect(res.status).toBe(200);
      const frames = parseSseText(res.text);
      expect(frames.at(-1)?.data).toBe('[DONE]');
      expect(framePayloads(frames).some((p) => p.usage)).toBe(false);
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev).toMatchObject({ provider: 'anthropic', endpoint: '/v1/chat/completions', streamed: true, tokensEstimated: false, outputTokens: 4 });
      expect(ev.inputTokens).toBe(Math.ceil('hello there'.length / 4));

      const m = await postV1(f, '/v1/messages', { model: 'gpt-4o-mini', max_tokens: 9, stream: true, messages: user('hello there') }, { token: plain });
      const mev = await usageEventFor(f, m.headers.get('x-request-id'));
      expect(mev).toMatchObject({ provider: 'openai', endpoint: '/v1/messages', streamed: true, tokensEstimated: false, outputTokens: 4 });
      // The OpenAI upstream was asked for usage so the translated stream could report it.
      expect((f.upstream.requests[1].body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
      const delta = framePayloads(parseSseText(m.text)).find((p) => p.type === 'message_delta');
      expect(delta?.usage).toMatchObject({ output_tokens: 4 });
    });

    it('messages request served by an OpenAI-format model (non-stream and stream)', async () => {
      const msg = await anthropic.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        system: 'Be brief.',
        messages: user('hi'),
      });
      expect(msg.type).toBe('message');
      expect(msg.role).toBe('assistant');
      expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake gpt-4o-mini' });
      expect(msg.stop_reason).toBe('end_turn');
      expect(msg.usage.output_tokens).toBe(4);
      const up = f.upstream.requests[0];
      expect(up.path).toBe('/openai/v1/chat/completions');
      expect(up.credential).toBe('sk-openai-A');
      expect((up.body as { messages: unknown[] }).messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ]);

      const stream = anthropic.messages.stream({ model: 'gpt-4o-mini', max_tokens: 64, messages: user('hi') });
      let text = '';
      stream.on('text', (t) => (text += t));
      const final = await stream.finalMessage();
      expect(text).toBe('Hello from fake gpt-4o-mini');
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage.output_tokens).toBe(4);
    });

    it('messages request whose Anthropic primary fails falls back to an OpenAI model (stream)', async () => {
      f.upstream.scriptFor(byPath('/anthropic/'), { kind: 'status', status: 529 });
      const res = await postV1(
        f,
        '/v1/messages',
        { model: 'claude-haiku-4-5', models: ['gpt-4o-mini'], max_tokens: 20, stream: true, messages: user('hi') },
        { token: plain },
      );
      expect(res.status).toBe(200);
      const frames = parseSseText(res.text);
      expect(frames[0].event).toBe('message_start');
      expect(frames.at(-1)?.event).toBe('message_stop');
      const text = framePayloads(frames)
        .filter((p) => p.type === 'content_block_delta')
        .map((p) => (p.delta as { text?: string }).text ?? '')
        .join('');
      expect(text).toBe('Hello from fake gpt-4o-mini');
      expect(res.headers.get('x-gateway-provider')).toBe('openai');
    });
  });

  describe('upstream 4xx that must not fail over', () => {
    it('returns an upstream 400 as is (status and body) and tries nothing else', async () => {
      const upstreamBody = { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: 'invalid_value' } };
      f.upstream.script({ kind: 'status', status: 400, body: upstreamBody });
      const res = await postV1(
        f,
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', models: ['claude-haiku-4-5'], messages: user('hi') },
        { token: plain },
      );
      expect(res.status).toBe(400);
      expect(res.json).toEqual(upstreamBody);
      expect(f.upstream.requests).toHaveLength(1);
      expect(res.headers.get('x-gateway-attempts')).toBe('1');
      expect(res.headers.get('x-gateway-provider')).toBe('openai');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev.status).toBe(400);
      expect(ev.errorCode).not.toBeNull();
    });

    it('the SDK raises BadRequestError with the upstream message', async () => {
      f.upstream.script({ kind: 'status', status: 400 });
      await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') })).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('Invalid request (fake upstream).'),
      });
    });

    it('translates a cross-format 4xx into the caller format', async () => {
      // /v1/messages served by OpenAI: the OpenAI error body becomes an Anthropic one.
      f.upstream.script({ kind: 'status', status: 400 });
      const m = await postV1(f, '/v1/messages', { model: 'gpt-4o-mini', max_tokens: 10, messages: user('hi') }, { token: plain });
      expect(m.status).toBe(400);
      expect(m.json).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'Invalid request (fake upstream).' },
        request_id: m.headers.get('x-request-id'),
      });

      // /v1/chat/completions served by Anthropic: the Anthropic error body becomes an OpenAI one.
      f.upstream.script({ kind: 'status', status: 400 });
      const c = await postV1(f, '/v1/chat/completions', { model: 'claude-haiku-4-5', messages: user('hi') }, { token: plain });
      expect(c.status).toBe(400);
      expect(c.json).toMatchObject({ error: { message: 'Invalid request (fake upstream).', type: 'invalid_request_error' } });
      expect(Object.keys((c.json as { error: object }).error).sort()).toEqual(['code', 'message', 'param', 'type']);
    });
  });

  describe('timeouts', () => {
    afterAll(async () => updateSettings(f, { totalTimeoutMs: 120_000, perAttemptTimeoutMs: 60_000 }));

    it('a hanging attempt times out per attempt and fails over', async () => {
      await updateSettings(f, { totalTimeoutMs: 5000, perAttemptTimeoutMs: 500 });
      f.upstream.script({ kind: 'hang' });
      const started = Date.now();
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: plain });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(200);
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(4000);
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B']);
      // The abandoned attempt's connection was closed.
      expect(f.upstream.requests[0].abortedAt).toBeDefined();
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev.attempts[0]).toMatchObject({ providerKeyId: keyA, status: null, error: expect.stringMatching(/timed out/) });
      expect(ev.attempts[0].latencyMs).toBeGreaterThanOrEqual(450);
    });

    it('a slow streaming first byte also times out per attempt', async () => {
      await updateSettings(f, { totalTimeoutMs: 5000, perAttemptTimeoutMs: 500 });
      f.upstream.script({ kind: 'delay', ms: 2000 });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: user('hi') }, { token: plain });
      expect(res.status).toBe(200);
      expect(parseSseText(res.text).at(-1)?.data).toBe('[DONE]');
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-A', 'sk-openai-B']);
    });

    it('the total timeout answers upstream_timeout 504 in both formats', async () => {
      await updateSettings(f, { totalTimeoutMs: 1000, perAttemptTimeoutMs: 1000 });
      f.upstream.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
      const started = Date.now();
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: plain });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(res.status).toBe(504);
      expect(res.json).toEqual({
        error: { code: 'upstream_timeout', type: 'server_error', param: null, message: expect.stringContaining('1000 ms') },
      });
      expect(res.headers.get('x-gateway-error-code')).toBe('upstream_timeout');
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev).toMatchObject({ status: 504, errorCode: 'upstream_timeout' });

      f.upstream.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
      const m = await postV1(f, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 5, messages: user('hi') }, { token: plain });
      expect(m.status).toBe(504);
      expect(m.headers.get('x-gateway-error-code')).toBe('upstream_timeout');
      expect(m.json).toMatchObject({ type: 'error', error: { type: 'timeout_error', message: expect.stringMatching(/^upstream_timeout: /) } });
    });

    it('rejects timeouts below the minimum', async () => {
      const e = await gqlErr(
        f.baseUrl,
        'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id } }',
        { input: { perAttemptTimeoutMs: 10 } },
        f.account.token,
      );
      expect(e.code).toBe('BAD_USER_INPUT');
    });
  });
});
