import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

describe('circuit breaker per provider key', () => {
  let f: GatewayFixture;
  let token: string;
  beforeAll(async () => {
    f = await startGatewayFixture({ CIRCUIT_BREAKER_FAILURES: '2', CIRCUIT_BREAKER_OPEN_MS: '60000' });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-broken-key', 0);
    await createProviderKey(f, 'openai', 'sk-healthy-key', 1);
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => f?.stop());

  const call = () =>
    fetch(`${f.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('skips a key after consecutive failures, then tries it only after the healthy ones', async () => {
    f.upstream.scriptFor((r) => r.credential === 'sk-broken-key', ...Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 401 })));
    const attempts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call();
      expect(res.status).toBe(200);
      attempts.push(res.headers.get('x-gateway-attempts') ?? '');
    }
    // Two failures open the circuit; afterwards the healthy key is tried first.
    expect(attempts).toEqual(['2', '2', '1', '1']);
    const broken = f.upstream.requests.filter((r) => r.credential === 'sk-broken-key');
    expect(broken).toHaveLength(2);
  });
});
