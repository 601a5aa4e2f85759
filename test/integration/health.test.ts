import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { UUID_V7 } from '../support/uuid.js';

describe('health endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('reports the process up on /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports the database reachable on /readyz', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ database: 'reachable' });
  });

  it('exposes Prometheus metrics including HTTP request counts by route', async () => {
    await fetch(`${server.url}/healthz`);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/gateway_http_requests_total\{route="\/healthz",method="GET",status="200"\} \d+/);
  });

  it('counts /v1 requests (served outside Koa) by route, method and status', async () => {
    await fetch(`${server.url}/v1/models`);
    await fetch(`${server.url}/v1/nope`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/gateway_http_requests_total\{route="\/v1\/models",method="GET",status="401"\} \d+/);
    expect(text).toMatch(/gateway_http_requests_total\{route="\/v1\/other",method="GET",status="404"\} \d+/);
  });

  it('sets a time-ordered x-request-id (UUID v7) on every response, /v1 included', async () => {
    for (const path of ['/healthz', '/v1/models', '/v1', '/v1/chat/completions?x=1']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('x-request-id'), path).toMatch(UUID_V7);
    }
  });
});
