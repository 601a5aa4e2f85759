import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import type { FaultStep } from '../support/fake-upstream.js';
import { fundAccount } from '../support/v1-client.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

type Plain = string | number | boolean | undefined | Plain[];

const plain = (v: OtlpValue): Plain =>
  v.arrayValue ? (v.arrayValue.values ?? []).map(plain) : (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue));

const attrs = (s: OtlpSpan) => Object.fromEntries(s.attributes.map((a) => [a.key, plain(a.value)]));

/** OpenTelemetry spans exported over OTLP/HTTP to an in-process receiver. */
describe('OpenTelemetry tracing of /v1', () => {
  let f: GatewayFixture;
  let receiver: Server;
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        bodies.push(text);
        if (req.url === '/v1/traces') {
          const json = JSON.parse(text) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    f = await startGatewayFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-otel-first', 0);
    await createProviderKey(f, 'openai', 'sk-otel-second', 1);
    await createProviderKey(f, 'anthropic', 'sk-ant-otel', 0);
    await createProviderKey(f, 'google', 'sk-google-otel', 0);
  });

  /** Sends one /v1 request (reading a stream to its end) and returns its exported server span and attempt spans. */
  async function traced(token: string, path: string, body: Record<string, unknown>) {
    const res = await fetch(`${f.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const requestId = res.headers.get('x-request-id');
    // The span is exported once the request is settled, which follows the last byte.
    for (let i = 0; i < 50 && !spans.some((s) => attrs(s)['gateway.request_id'] === requestId); i++) {
      await f.server.services.tracing!.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    const root = spans.find((s) => attrs(s)['gateway.request_id'] === requestId);
    expect(root, `span of ${path}`).toBeDefined();
    const children = spans.filter((s) => s.parentSpanId === root!.spanId);
    return { root: attrs(root!), children: children.map(attrs), text };
  }
  afterAll(async () => {
    await f?.stop();
    receiver?.close();
  });

  it('exports one server span per request with a client child per attempt, GenAI attributes and no prompt text', async () => {
    const key = await createAccessKey(f);
    f.upstream.script({ kind: 'status', status: 503 });
    const res = await fetch(`${f.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'secret prompt text 4711' }] }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    await f.server.services.tracing!.flush();

    const root = spans.find((s) => attrs(s)['gateway.request_id'] === requestId);
    expect(root).toBeDefined();
    expect(root!.kind).toBe(2); // SERVER
    expect(root!.parentSpanId ?? '').toBe('');
    expect(attrs(root!)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['stop'],
      'http.response.status_code': 200,
      'gateway.attempts': 2,
    });
    expect(attrs(root!)['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(attrs(root!)['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const children = spans.filter((s) => s.parentSpanId === root!.spanId);
    expect(children).toHaveLength(2);
    expect(children.every((c) => c.traceId === root!.traceId && c.kind === 3)).toBe(true); // CLIENT
    expect(children.map((c) => attrs(c)['http.response.status_code']).sort()).toEqual([200, 503]);
    // The answering attempt carries the response; the failed one does not.
    const answered = children.map(attrs).find((c) => c['http.response.status_code'] === 200)!;
    const failed = children.map(attrs).find((c) => c['http.response.status_code'] === 503)!;
    expect(answered).toMatchObject({ 'gen_ai.response.model': 'gpt-4o-mini', 'gen_ai.response.finish_reasons': ['stop'] });
    expect(answered['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(failed['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(bodies.join('')).not.toContain('secret prompt text 4711');

    const metrics = await f.server.services.metrics.registry.getSingleMetricAsString('gateway_upstream_latency_seconds');
    expect(metrics).toMatch(/gateway_upstream_latency_seconds_count\{provider="openai",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gateway_upstream_latency_seconds_count\{provider="openai",outcome="error"\} [1-9]/);
  });

  it('names the input read from and written to the provider’s prompt cache, as parts of the input tokens', async () => {
    const key = await createAccessKey(f);
    f.upstream.script({ kind: 'ok', cache: { read: 700, write: 300 } });
    const res = await fetch(`${f.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key.token, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    await f.server.services.tracing!.flush();
    const root = attrs(spans.find((s) => attrs(s)['gateway.request_id'] === requestId)!);
    expect(root).toMatchObject({ 'gen_ai.usage.cache_read.input_tokens': 700, 'gen_ai.usage.cache_creation.input_tokens': 300 });
    expect(root['gen_ai.usage.input_tokens']).toBeGreaterThan(1_000);
  });

  it('records finish reasons for every format and provider, streamed or not, translated or native', async () => {
    const key = await createAccessKey(f, null, 'finish reasons');
    const messages = [{ role: 'user', content: 'secret prompt text 4712' }];
    const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const cases: { name: string; path: string; body: Record<string, unknown>; step?: FaultStep; provider: string; finish: string[] }[] = [
      { name: 'chat, streamed', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages, stream: true }, provider: 'openai', finish: ['stop'] },
      {
        name: 'chat, streamed tool call',
        path: '/v1/chat/completions',
        body: { model: 'gpt-4o-mini', messages, stream: true, tools: [tool] },
        step: { kind: 'ok', toolCall: { name: 'lookup', arguments: '{}' } },
        provider: 'openai',
        finish: ['tool_calls'],
      },
      { name: 'messages', path: '/v1/messages', body: { model: 'claude-sonnet-5', max_tokens: 64, messages }, provider: 'anthropic', finish: ['stop'] },
      {
        name: 'messages, streamed tool call',
        path: '/v1/messages',
        body: { model: 'claude-sonnet-5', max_tokens: 64, messages, stream: true, tools: [{ name: 'lookup', input_schema: { type: 'object' } }] },
        step: { kind: 'ok', toolCall: { name: 'lookup', arguments: '{}' } },
        provider: 'anthropic',
        finish: ['tool_calls'],
      },
      { name: 'responses', path: '/v1/responses', body: { model: 'gpt-4o-mini', input: 'secret prompt text 4712' }, provider: 'openai', finish: ['stop'] },
      { name: 'responses, streamed', path: '/v1/responses', body: { model: 'gpt-4o-mini', input: 'secret prompt text 4712', stream: true }, provider: 'openai', finish: ['stop'] },
      // Translated both ways: a chat client served by Anthropic, a messages client served by OpenAI.
      { name: 'chat → anthropic, streamed', path: '/v1/chat/completions', body: { model: 'claude-sonnet-5', messages, stream: true }, provider: 'anthropic', finish: ['stop'] },
      { name: 'messages → openai', path: '/v1/messages', body: { model: 'gpt-4o-mini', max_tokens: 64, messages }, provider: 'openai', finish: ['stop'] },
      { name: 'chat on Google, streamed', path: '/v1/chat/completions', body: { model: 'gemini-2.5-pro', messages, stream: true }, provider: 'gcp.gemini', finish: ['stop'] },
    ];
    for (const c of cases) {
      if (c.step) f.upstream.script(c.step);
      const { root, children } = await traced(key.token, c.path, c.body);
      expect(root, c.name).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': c.provider,
        'gen_ai.response.finish_reasons': c.finish,
        'gateway.streamed': c.body.stream === true,
      });
      expect(root['gen_ai.usage.input_tokens'], c.name).toBeGreaterThan(0);
      expect(children.at(-1), c.name).toMatchObject({ 'gen_ai.provider.name': c.provider, 'gen_ai.response.finish_reasons': c.finish });
    }
    expect(bodies.join('')).not.toContain('secret prompt text 4712');
  });
});
