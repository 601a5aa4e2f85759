import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean } }[];
}

const attrs = (s: OtlpSpan) =>
  Object.fromEntries(s.attributes.map((a) => [a.key, a.value.stringValue ?? (a.value.intValue !== undefined ? Number(a.value.intValue) : a.value.boolValue)]));

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
  });
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
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'http.response.status_code': 200,
      'gateway.attempts': 2,
    });
    expect(attrs(root!)['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(attrs(root!)['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const children = spans.filter((s) => s.parentSpanId === root!.spanId);
    expect(children).toHaveLength(2);
    expect(children.every((c) => c.traceId === root!.traceId && c.kind === 3)).toBe(true); // CLIENT
    expect(children.map((c) => attrs(c)['http.response.status_code']).sort()).toEqual([200, 503]);
    expect(bodies.join('')).not.toContain('secret prompt text 4711');

    const metrics = await f.server.services.metrics.registry.getSingleMetricAsString('gateway_upstream_latency_seconds');
    expect(metrics).toMatch(/gateway_upstream_latency_seconds_count\{provider="openai",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gateway_upstream_latency_seconds_count\{provider="openai",outcome="error"\} [1-9]/);
  });
});
