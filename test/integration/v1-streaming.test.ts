import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { framePayloads, parseSseText, postV1, readUsageEvents, updateSettings, usageEventFor, waitFor, fundAccount } from '../support/v1-client.js';

const user = (content: string) => [{ role: 'user' as const, content }];

type Route = '/v1/chat/completions' | '/v1/responses' | '/v1/messages';

const RESPONSE_CAP = 64 * 1024;

const STREAM_BODIES: Record<Route, Record<string, unknown>> = {
  '/v1/chat/completions': { model: 'gpt-4o-mini', stream: true, messages: user('hi') },
  '/v1/responses': { model: 'gpt-4o-mini', stream: true, input: 'hi' },
  '/v1/messages': { model: 'claude-haiku-4-5', stream: true, max_tokens: 20, messages: user('hi') },
};

/** The text a client assembles from a raw SSE body of each surface. */
function streamedText(route: Route, text: string): string {
  const payloads = framePayloads(parseSseText(text));
  if (route === '/v1/chat/completions') {
    return payloads.map((p) => ((p.choices as { delta?: { content?: string } }[] | undefined)?.[0]?.delta?.content ?? '')).join('');
  }
  if (route === '/v1/responses') {
    return payloads.filter((p) => p.type === 'response.output_text.delta').map((p) => String(p.delta)).join('');
  }
  return payloads
    .filter((p) => p.type === 'content_block_delta')
    .map((p) => (p.delta as { text?: string }).text ?? '')
    .join('');
}

describe('/v1 streaming', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    // Keys fail on purpose here; the circuit breaker has its own tests.
    // A response cap the default answers stay far below (one test sends an answer past it).
    f = await startGatewayFixture({ CIRCUIT_BREAKER_FAILURES: '0', MAX_RESPONSE_BODY_BYTES: String(RESPONSE_CAP) });
    await fundAccount(f.baseUrl, f.account.token);
    // Two keys per provider: a failed first attempt has somewhere to go.
    await createProviderKey(f, 'openai', 'sk-openai-1', 0);
    await createProviderKey(f, 'openai', 'sk-openai-2', 1);
    await createProviderKey(f, 'anthropic', 'sk-ant-1', 0);
    await createProviderKey(f, 'anthropic', 'sk-ant-2', 1);
    token = (await createAccessKey(f)).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('fail over before the first byte', () => {
    it('first attempt answers 500: the second serves the stream (openai SDK)', async () => {
      f.upstream.script({ kind: 'status', status: 500 });
      const { data: stream, response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Hello from fake gpt-4o-mini');
      expect(response.headers.get('x-gateway-attempts')).toBe('2');
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-openai-1', 'sk-openai-2']);
    });

    it('Anthropic overloaded_error right after message_start still fails over (SDK sees one clean message)', async () => {
      f.upstream.script({ kind: 'errorFrame', afterStart: true });
      const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 32, messages: user('hi') });
      const message = await stream.finalMessage();
      expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from fake claude-haiku-4-5' })]);
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-ant-1', 'sk-ant-2']);
    });

    it.each(Object.keys(STREAM_BODIES) as Route[])('%s: a 200 whose first frame is an error fails over', async (route) => {
      f.upstream.script({ kind: 'errorFrame' });
      const res = await postV1(f, route, STREAM_BODIES[route], { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
      expect(streamedText(route, res.text)).toMatch(/^Hello from fake /);
      // Nothing of the failed attempt reached the client.
      const frames = parseSseText(res.text);
      expect(frames.some((fr) => fr.event === 'error')).toBe(false);
      expect(framePayloads(frames).some((p) => p.type === 'error' || (p.error !== undefined && p.error !== null))).toBe(false);
      expect(f.upstream.requests).toHaveLength(2);
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev.attempts).toHaveLength(2);
      expect(ev.attempts[0].status).toBeNull();
      expect(ev.attempts[0].error).toBeTruthy();
      expect(ev.attempts[1].status).toBe(200);
    });

    it('a reset connection before any byte fails over', async () => {
      f.upstream.script({ kind: 'reset' });
      const res = await postV1(f, '/v1/messages', STREAM_BODIES['/v1/messages'], { token });
      expect(res.status).toBe(200);
      expect(streamedText('/v1/messages', res.text)).toBe('Hello from fake claude-haiku-4-5');
      expect(f.upstream.requests.map((r) => r.credential)).toEqual(['sk-ant-1', 'sk-ant-2']);
    });

    it('a stream that ends before any content fails over', async () => {
      f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 0 });
      const res = await postV1(f, '/v1/chat/completions', STREAM_BODIES['/v1/chat/completions'], { token });
      expect(res.status).toBe(200);
      expect(streamedText('/v1/chat/completions', res.text)).toBe('Hello from fake gpt-4o-mini');
      expect(f.upstream.requests).toHaveLength(2);
    });

    it('a malformed non-streaming body fails over', async () => {
      f.upstream.script({ kind: 'malformedJson' });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token });
      expect(res.status).toBe(200);
      expect(f.upstream.requests).toHaveLength(2);
    });

    it.each([
      ['/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }],
      ['/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 20, messages: user('hi') }],
    ] as const)(
      '%s: a non-streaming answer past MAX_RESPONSE_BODY_BYTES is a 502 naming the limit, not failed over (it used to try every key)',
      async (route, body) => {
        const oversized = 'oversized '.repeat(RESPONSE_CAP / 8);
        f.upstream.script({ kind: 'ok', text: oversized }, { kind: 'ok', text: oversized });
        const res = await postV1(f, route, body, { token });
        expect(res.status).toBe(502);
        expect(res.headers.get('x-gateway-error-code')).toBe('upstream_response_too_large');
        // An SDK retry would draw (and pay for) as large an answer again.
        expect(res.headers.get('x-should-retry')).toBe('false');
        expect(res.headers.get('x-gateway-attempts')).toBe('1');
        expect(f.upstream.requests).toHaveLength(1);
        const limit = `response size limit of ${RESPONSE_CAP} bytes (MAX_RESPONSE_BODY_BYTES)`;
        if (route === '/v1/messages') {
          expect(res.json).toEqual({ type: 'error', error: { type: 'api_error', message: expect.stringContaining(limit) }, request_id: res.headers.get('x-request-id') });
        } else {
          expect(res.json).toEqual({ error: { code: 'upstream_response_too_large', type: 'server_error', param: null, message: expect.stringContaining(limit) } });
        }
        expect(res.text).not.toContain('oversized');
        const ev = await usageEventFor(f, res.headers.get('x-request-id'));
        expect(ev).toMatchObject({ status: 502, errorCode: 'upstream_response_too_large' });
        // The provider bills the answer it sent: the prompt is recorded (estimated), not zero tokens.
        expect(ev).toMatchObject({ tokensEstimated: true, outputTokens: 0, provider: route === '/v1/messages' ? 'anthropic' : 'openai' });
        expect(ev.inputTokens).toBeGreaterThan(0);
        expect(ev.attempts).toHaveLength(1);
        expect(ev.attempts[0]).toMatchObject({ status: null, error: `The provider's answer exceeded the response size limit of ${RESPONSE_CAP} bytes.` });
      },
    );

    it('a streamed answer is relayed past MAX_RESPONSE_BODY_BYTES: the limit is for collected answers only', async () => {
      const long = 'streamed '.repeat(RESPONSE_CAP / 6);
      f.upstream.script({ kind: 'ok', text: long, chunks: 64 });
      const res = await postV1(f, '/v1/chat/completions', STREAM_BODIES['/v1/chat/completions'], { token });
      expect(res.status).toBe(200);
      expect(res.text.length).toBeGreaterThan(RESPONSE_CAP);
      expect(streamedText('/v1/chat/completions', res.text)).toBe(long);
      expect(f.upstream.requests).toHaveLength(1);
    });
  });

  describe('failure after the first byte', () => {
    it.each(['/v1/chat/completions', '/v1/messages'] as Route[])(
      '%s: an upstream error frame after content ends the stream with it, without failing over (mutant M19)',
      async (route) => {
        f.upstream.script({ kind: 'errorFrame', afterChunks: 4 });
        const res = await postV1(f, route, STREAM_BODIES[route], { token });
        expect(res.status).toBe(200);
        // The second key was not tried: the client already has part of the answer.
        expect(f.upstream.requests).toHaveLength(1);
        const frames = parseSseText(res.text);
        expect(streamedText(route, res.text).length).toBeGreaterThan(0);
        expect(frames.some((fr) => fr.data === '[DONE]')).toBe(false);
        const last = JSON.parse(frames.at(-1)?.data ?? '{}') as Record<string, unknown>;
        expect(route === '/v1/messages' ? last.type : 'error' in last ? 'error' : undefined).toBe('error');
        const ev = await usageEventFor(f, res.headers.get('x-request-id'));
        expect(ev.attempts).toHaveLength(1);
      },
    );

    it.each(Object.keys(STREAM_BODIES) as Route[])('%s: upstream disconnect ends with one error event and no [DONE]', async (route) => {
      f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 4 });
      const res = await postV1(f, route, STREAM_BODIES[route], { token });
      expect(res.status).toBe(200);
      const frames = parseSseText(res.text);
      expect(frames.some((fr) => fr.data === '[DONE]')).toBe(false);
      const last = frames.at(-1);
      const payload = JSON.parse(last?.data ?? '{}') as Record<string, unknown>;
      if (route === '/v1/chat/completions') {
        expect(last?.event).toBeUndefined();
        expect(payload).toMatchObject({ error: { code: 'upstream_failed', message: expect.any(String) } });
      } else if (route === '/v1/responses') {
        // Codex ignores a bare `error` event; response.failed ends its turn.
        expect(last?.event).toBe('response.failed');
        // error.code is one of OpenAI's ResponseErrorCode values; the gateway's code leads the message.
        expect(payload).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: expect.stringMatching(/^upstream_failed: /) } } });
        expect(frames.some((fr) => fr.event === 'response.completed')).toBe(false);
      } else {
        expect(last?.event).toBe('error');
        expect(payload).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
        expect(frames.some((fr) => fr.event === 'message_stop')).toBe(false);
      }
      // Exactly one error frame, and no second attempt after bytes reached the client.
      expect(frames.filter((fr) => fr.event === 'error' || fr.event === 'response.failed' || fr.data.startsWith('{"error"'))).toHaveLength(1);
      expect(f.upstream.requests).toHaveLength(1);
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev.streamed).toBe(true);
      expect(ev.errorCode).toBe('upstream_stream_interrupted');
    });

    it('regression: the total timeout reached mid-stream is reported as upstream_timeout, not a connection failure', async () => {
      await updateSettings(f, { totalTimeoutMs: 1000, perAttemptTimeoutMs: 1000 });
      try {
        f.upstream.script({ kind: 'trickle', chunks: 40, chunkDelayMs: 100 });
        const res = await postV1(f, '/v1/chat/completions', { ...STREAM_BODIES['/v1/chat/completions'], messages: user('a b c d e f g h i j k l m n o p q r s t u v w x y z') }, { token });
        expect(res.status).toBe(200);
        const frames = parseSseText(res.text);
        expect(frames.some((fr) => fr.data === '[DONE]')).toBe(false);
        expect(JSON.parse(frames.at(-1)?.data ?? '{}')).toMatchObject({ error: { code: 'upstream_timeout', type: 'server_error' } });
        const ev = await usageEventFor(f, res.headers.get('x-request-id'));
        expect(ev).toMatchObject({ streamed: true, errorCode: 'upstream_timeout' });
        expect(f.upstream.requests[0].abortedAt).toBeDefined();
      } finally {
        await updateSettings(f, { totalTimeoutMs: 120_000, perAttemptTimeoutMs: 60_000 });
      }
    });

    it('the openai SDK raises on the terminal error event', async () => {
      f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 3 });
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true });
      let text = '';
      const consume = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      };
      await expect(consume()).rejects.toThrow(/upstream/i);
      expect(text.length).toBeGreaterThan(0);
    });

    it('the anthropic SDK raises on the terminal error event', async () => {
      f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 5 });
      const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 20, messages: user('hi') });
      await expect(stream.finalMessage()).rejects.toThrow();
    });
  });

  describe('client disconnect', () => {
    it('aborts the upstream request promptly and still writes the usage event', async () => {
      f.upstream.script({ kind: 'trickle', chunks: 200, chunkDelayMs: 50 });
      const controller = new AbortController();
      const res = await fetch(`${f.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: user('hi') }),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      controller.abort();
      await reader.cancel().catch(() => undefined);
      const abortedAt = Date.now();
      await waitFor(() => f.upstream.requests[0]?.abortedAt !== undefined, 2000, 'the upstream socket to close');
      // Far sooner than the 10 s the trickle would have taken.
      expect((f.upstream.requests[0].abortedAt ?? 0) - abortedAt).toBeLessThan(1500);
      const ev = await usageEventFor(f, requestId);
      expect(ev).toMatchObject({ streamed: true, provider: 'openai', model: 'gpt-4o-mini', errorCode: 'client_closed' });
      expect(ev.attempts).toHaveLength(1);
      expect(f.upstream.requests).toHaveLength(1);
    });

    it.each([
      ['stream', true],
      ['complete answer', false],
    ])('a client gone before the upstream answered aborts it too (no failover): %s', async (_kind, stream) => {
      f.upstream.script({ kind: 'hang' });
      const controller = new AbortController();
      const pending = fetch(`${f.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': token, 'content-type': 'application/json' },
        body: JSON.stringify({ ...STREAM_BODIES['/v1/messages'], stream }),
        signal: controller.signal,
      }).catch((e: unknown) => e);
      await waitFor(() => f.upstream.requests.length === 1, 2000, 'the upstream request');
      controller.abort();
      await pending;
      await waitFor(() => f.upstream.requests[0]?.abortedAt !== undefined, 2000, 'the upstream socket to close');
      await new Promise((r) => setTimeout(r, 100));
      expect(f.upstream.requests).toHaveLength(1);
      const rows = await readUsageEvents(f);
      const last = rows.at(-1);
      expect(last).toMatchObject({ endpoint: '/v1/messages', errorCode: 'client_closed', status: 499 });
    });
  });
});
