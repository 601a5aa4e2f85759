import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlErr, gqlOk } from '../support/graphql.js';
import { createCustomProvider } from '../support/v1-client.js';

interface Check {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  message: string;
}

const TEST_KEY = 'mutation($id: ID!) { testProviderKey(id: $id) { ok status latencyMs message } }';
const TEST_CUSTOM = 'mutation($p: String!) { testCustomProvider(providerId: $p) { ok status latencyMs message } }';

/** "Test" buttons: a GET …/models through the real upstream client and egress guard, told in plain words. */
describe('testProviderKey / testCustomProvider', () => {
  let f: GatewayFixture;
  let strict: Server;
  let strictUrl: string;
  const testKey = async (id: string) => (await gqlOk<{ testProviderKey: Check }>(f.baseUrl, TEST_KEY, { id }, f.account.token)).testProviderKey;
  const testCustom = async (p: string) => (await gqlOk<{ testCustomProvider: Check }>(f.baseUrl, TEST_CUSTOM, { p }, f.account.token)).testCustomProvider;

  beforeAll(async () => {
    // Only 127.0.0.1 is allowed for custom providers, so [::1] (loopback too) shows the refusal.
    f = await startGatewayFixture({ CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32' });
    // A provider that only accepts one key, to see a refused key.
    strict = createServer((req, res) => {
      const ok = req.headers.authorization === 'Bearer sk-good';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { object: 'list', data: [] } : { error: { message: 'Incorrect API key provided' } }));
    });
    await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
    strictUrl = `http://127.0.0.1:${(strict.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await f?.stop();
    await new Promise((resolve) => strict?.close(resolve));
  });

  it('calls GET …/models of a built-in provider with the stored key', async () => {
    const id = await createProviderKey(f, 'openai', 'sk-check-openai');
    const check = await testKey(id);
    expect(check).toMatchObject({ ok: true, status: 200, message: 'Connected: the provider accepted the key.' });
    const call = f.upstream.requests.at(-1)!;
    expect(call).toMatchObject({ method: 'GET', path: '/openai/v1/models', credential: 'sk-check-openai' });
    expect(JSON.stringify(check)).not.toContain('sk-check-openai');
  });

  it('says in plain words when the provider refuses the key', async () => {
    await createCustomProvider(f, { providerId: 'strict', baseUrl: strictUrl, apiFormat: 'OPENAI', models: ['m'] });
    const bad = await createProviderKey(f, 'strict', 'sk-bad', 0, 'strict bad');
    const check = await testKey(bad);
    expect(check.ok).toBe(false);
    expect(check.status).toBe(401);
    expect(check.message).toMatch(/refused the key \(HTTP 401\)/);
    expect(check.message).not.toContain('sk-bad');
    // The custom provider check uses its first key by priority.
    await createProviderKey(f, 'strict', 'sk-good', -1, 'strict good');
    expect(await testCustom('strict')).toMatchObject({ ok: true, status: 200 });
  });

  it('explains a refused private address and how an operator allows it', async () => {
    const port = new URL(strictUrl).port;
    await createCustomProvider(f, { providerId: 'loopback6', baseUrl: `http://[::1]:${port}/v1`, apiFormat: 'OPENAI', models: ['m'] });
    const check = await testCustom('loopback6');
    expect(check.ok).toBe(false);
    expect(check.status).toBeNull();
    expect(check.message).toContain('loopback');
    expect(check.message).toContain('CUSTOM_PROVIDER_ALLOW_PRIVATE');
  });

  it('names a closed port and an unknown provider', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await createCustomProvider(f, { providerId: 'nobody', baseUrl: `http://127.0.0.1:${port}/v1`, apiFormat: 'OPENAI', models: ['m'] });
    expect((await testCustom('nobody')).message).toBe(`Nothing is listening at 127.0.0.1:${port} (connection refused).`);
    const err = await gqlErr(f.baseUrl, TEST_CUSTOM, { p: 'openai' }, f.account.token);
    expect(err.code).toBe('NOT_FOUND');
  });
});
