import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

describe('GraphQL request hardening', () => {
  let server: TestServer;
  let prod: TestServer;
  let token: string;
  beforeAll(async () => {
    [server, prod] = await Promise.all([startTestServer(), startTestServer({ NODE_ENV: 'production' })]);
    token = (await signUpAccount(server.url)).token;
  });
  afterAll(async () => Promise.all([server?.stop(), prod?.stop()]));

  it('refuses a simple cross-site POST (CSRF prevention)', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/i);
  });

  it('rejects queries past the alias limit before executing them', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ');
    const r = await gql(server.url, `{ ${aliases} }`, {}, token);
    expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0].message).toMatch(/Query too complex: 40 aliases exceed 30/);
  });

  it('rejects queries past the depth limit', async () => {
    let selection = 'name';
    for (let i = 0; i < 14; i++) selection = `ofType { ${selection} }`;
    const r = await gql(server.url, `{ __schema { types { fields { type { ${selection} } } } } }`, {}, token);
    expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0].message).toMatch(/Query too complex: depth \d+ exceeds 12/);
  });

  it('does not execute batched operations', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('allows introspection in development and disables it in production', async () => {
    const q = '{ __schema { queryType { name } } }';
    expect((await gql(server.url, q)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const r = await gql(prod.url, q);
    expect(r.errors?.[0].message).toMatch(/introspection/i);
  });

  it('rate limits logIn attempts per client address', async () => {
    const limited = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const attempt = () =>
        gql(limited.url, 'mutation { logIn(input: { email: "x@example.com", password: "wrong-password" }) { token } }');
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) codes.push((await attempt()).errors?.[0].extensions?.code);
      expect(codes.slice(0, 3)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(codes.slice(3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });
});
