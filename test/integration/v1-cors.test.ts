import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

const APP = 'https://app.example';

/** What a browser sends before a cross-origin POST with the SDKs' headers. */
function preflight(f: GatewayFixture, origin: string, path = '/v1/chat/completions'): Promise<Response> {
  return fetch(`${f.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
  });
}

describe('/v1 from a browser on another origin (V1_CORS_ORIGINS)', () => {
  let f: GatewayFixture;
  let token: string;
  beforeAll(async () => {
    f = await startGatewayFixture({ V1_CORS_ORIGINS: `${APP}, https://other.example` });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-cors');
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => f?.stop());

  it('answers a listed origin\'s preflight with what it asked for, and nothing for another origin', async () => {
    const ok = await preflight(f, APP);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('vary')).toBe('Origin');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

    const refused = await preflight(f, 'https://evil.example');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-headers')).toBeNull();
    expect(f.upstream.requests).toHaveLength(0);
  });

  it('lets a listed origin read the answer and the gateway headers; other callers get no CORS headers', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await fetch(`${f.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { ...headers, origin: APP }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-gateway-model');
    // Errors too: a browser app must be able to read why it was refused.
    const refused = await fetch(`${f.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', origin: APP }, body });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);

    const server = await fetch(`${f.baseUrl}/v1/chat/completions`, { method: 'POST', headers, body });
    expect(server.status).toBe(200);
    expect(server.headers.get('access-control-allow-origin')).toBeNull();
    const evil = await fetch(`${f.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The admin surface never answers cross-origin.
    const admin = await fetch(`${f.baseUrl}/graphql`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST' } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an origin that is not scheme://host[:port]', () => {
    expect(() => loadConfig({ V1_CORS_ORIGINS: 'https://app.example/path' })).toThrow(/V1_CORS_ORIGINS/);
    expect(loadConfig({ V1_CORS_ORIGINS: ' * ' }).v1CorsOrigins).toEqual(['*']);
    expect(loadConfig({}).v1CorsOrigins).toEqual([]);
  });
});

describe('/v1 without V1_CORS_ORIGINS', () => {
  let f: GatewayFixture;
  beforeAll(async () => {
    f = await startGatewayFixture();
  });
  afterAll(async () => f?.stop());

  it('answers no cross-origin request: a preflight is a 405', async () => {
    const res = await preflight(f, APP);
    expect(res.status).toBe(405);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
