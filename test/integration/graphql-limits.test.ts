import { getIntrospectionQuery } from 'graphql';
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
    expect(r.errors?.[0].message).toMatch(/Query too complex: \d+ aliases exceed 30/);
  });

  it('rejects queries past the depth limit', async () => {
    let lists = 'name';
    for (let i = 0; i < 7; i++) lists = `fields { type { ${lists} } }`;
    const r = await gql(server.url, `{ __schema { types { ${lists} } } }`, {}, token);
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

  /** The audit's HIGH-2 document: fragment i spreads fragment i+1 twice, so naive expansion doubles per level. */
  const doublingFragments = (n: number) => {
    const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ... on Query { ...F${i + 1} } }`);
    return `query { ...F0 } ${defs.join(' ')} fragment F${n} on Query { __typename }`;
  };

  it('refuses the exponential fragment document (audit HIGH-2) in milliseconds while /healthz keeps answering', async () => {
    for (const n of [27, 60]) {
      const started = performance.now();
      const [r, health] = await Promise.all([gql(server.url, doublingFragments(n)), fetch(`${server.url}/healthz`)]);
      const elapsed = performance.now() - started;
      expect(r.errors?.[0].message).toMatch(/Query too complex: more than 1500 fields/);
      expect(health.status).toBe(200);
      // Naive expansion took 30 s at n = 27 and would never end at 60.
      expect(elapsed).toBeLessThan(1000);
    }
  });

  it('refuses a directive flood (audit LOW) by the token limit before validating it', async () => {
    const flood = `{ __typename ${'@include(if: true) '.repeat(50_000)}}`;
    const started = performance.now();
    const r = await gql(server.url, flood);
    expect(r.errors?.[0].message).toMatch(/Document contains more th\w+ 3000 tokens/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses more directives than the cap even within the token limit', async () => {
    const r = await gql(server.url, `{ ${'__typename @skip(if: false) '.repeat(60)}}`);
    expect(r.errors?.[0].message).toMatch(/Query too complex: more than 50 directives/);
  });

  it("answers GraphiQL's standard introspection query, but exempting only ofType chains from depth", async () => {
    const standard = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
    const ok = await gql<{ __schema: { types: unknown[] } }>(server.url, standard);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.__schema.types.length).toBeGreaterThan(10);
    // Only ofType chains (single objects) are exempt; nested lists stay limited (previous test).
    let chain = 'name';
    for (let i = 0; i < 14; i++) chain = `ofType { ${chain} }`;
    const r = await gql(server.url, `{ __schema { types { fields { type { ${chain} } } } } }`);
    expect(r.errors).toBeUndefined();
  });

  it('gives no "Did you mean" suggestions when introspection is off (audit LOW)', async () => {
    const dev = await gql(server.url, '{ accessKey { id } }', {}, token);
    expect(dev.errors?.[0].message).toMatch(/Did you mean/);
    const r = await gql(prod.url, '{ accessKey { id } }', {}, token);
    expect(r.errors?.[0].message).toMatch(/Cannot query field/);
    expect(r.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  describe('behind a trusted proxy (TRUST_PROXY=true, TRUST_PROXY_HOPS=2)', () => {
    let proxied: TestServer;
    beforeAll(async () => {
      proxied = await startTestServer({
        TRUST_PROXY: 'true',
        TRUST_PROXY_HOPS: '2',
        AUTH_RATE_LIMIT_PER_MINUTE: '3',
        LOGIN_FAILURES_PER_EMAIL: '2',
        LOGIN_FAILURES_PER_EMAIL_ANY_ADDRESS: '6',
      });
    });
    afterAll(async () => proxied?.stop());

    /** POSTs as if forwarded by two proxies: X-Forwarded-For "<whatever the client wrote>, <client>, <first proxy>". */
    const post = async (query: string, variables: Record<string, unknown>, forwardedFor: string) => {
      const res = await fetch(`${proxied.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
      return body.errors?.[0].extensions.code ?? 'OK';
    };
    const LOG_IN = 'mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token } }';
    const SIGN_UP = 'mutation($e: String!) { signUp(input: { email: $e, password: "correct horse battery" }) { token } }';

    /** Like `post`, with the HTTP status and the Retry-After header. */
    const postHttp = async (query: string, variables: Record<string, unknown>, forwardedFor: string) => {
      const res = await fetch(`${proxied.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: { extensions: Record<string, unknown> }[] };
      return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0].extensions.code ?? 'OK', body };
    };

    it('rate limits logIn attempts per client address', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push(await post(LOG_IN, { e: `x${i}@example.com`, p: 'wrong-password' }, '192.0.2.1, 10.0.0.1'));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
    });

    it('takes the right-most untrusted address, so rotating the left-most does not evade the limit (audit MEDIUM-3)', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(await post(LOG_IN, { e: `p${i}@example.com`, p: 'wrong-password' }, `198.51.100.${i}, 203.0.113.9, 10.0.0.1`));
      }
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
      // Another client behind the same proxies has its own allowance.
      expect(await post(LOG_IN, { e: 'q@example.com', p: 'wrong-password' }, '203.0.113.10, 10.0.0.1')).toBe('UNAUTHENTICATED');
    });

    it('a refusal by the per-address limit carries Retry-After (the 60 s window left), other answers none', async () => {
      const address = '192.0.2.40, 10.0.0.1';
      for (let i = 0; i < 3; i++) {
        const refused = await postHttp(LOG_IN, { e: `wait${i}@example.com`, p: 'wrong-password' }, address);
        expect(refused).toMatchObject({ status: 200, code: 'UNAUTHENTICATED', retryAfter: null });
      }
      const limited = await postHttp(LOG_IN, { e: 'wait@example.com', p: 'wrong-password' }, address);
      // The HTTP status and the body stay what they were: a 200 with the error's code and message only.
      expect(limited.status).toBe(200);
      expect(limited.body).toEqual({
        errors: [{ message: expect.stringMatching(/^Too many sign-up\/log-in attempts/), locations: expect.any(Array), path: ['logIn'], extensions: { code: 'RATE_LIMITED' } }],
        data: null,
      });
      expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(55);
      expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
      expect(limited.retryAfter).toMatch(/^\d+$/);
      const ok = await postHttp(SIGN_UP, { e: 'waited@example.com' }, '192.0.2.41, 10.0.0.1');
      expect(ok).toMatchObject({ code: 'OK', retryAfter: null });
    });

    it("a locked-out email's refusal carries Retry-After for the rest of its 15-minute lock-out", async () => {
      expect((await postHttp(SIGN_UP, { e: 'locked@example.com' }, '192.0.2.50, 10.0.0.1')).code).toBe('OK');
      for (let i = 0; i < 2; i++) {
        expect((await postHttp(LOG_IN, { e: 'locked@example.com', p: `guess ${i}` }, '192.0.2.51, 10.0.0.1')).code).toBe('UNAUTHENTICATED');
      }
      const locked = await postHttp(LOG_IN, { e: 'locked@example.com', p: 'correct horse battery' }, '192.0.2.51, 10.0.0.1');
      expect(locked).toMatchObject({ status: 200, code: 'RATE_LIMITED' });
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(15 * 60 - 10);
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(15 * 60);
    });

    it('locks an email out only for the address that failed, even with the right password: the member signs in from another (security review finding 5)', async () => {
      expect(await post(SIGN_UP, { e: 'victim@example.com' }, '192.0.2.20, 10.0.0.1')).toBe('OK');
      expect(await post(SIGN_UP, { e: 'bystander@example.com' }, '192.0.2.20, 10.0.0.1')).toBe('OK');
      const attacker = '198.51.100.77, 10.0.0.1';
      const codes: string[] = [];
      for (let i = 0; i < 2; i++) codes.push(await post(LOG_IN, { e: 'victim@example.com', p: `guess number ${i}` }, attacker));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(await post(LOG_IN, { e: 'VICTIM@example.com', p: 'correct horse battery' }, attacker)).toBe('RATE_LIMITED');
      // The owner, from their own address, is not locked out; nor is anyone else from the attacker's.
      expect(await post(LOG_IN, { e: 'victim@example.com', p: 'correct horse battery' }, '192.0.2.30, 10.0.0.1')).toBe('OK');
      expect(await post(LOG_IN, { e: 'bystander@example.com', p: 'correct horse battery' }, '192.0.2.31, 10.0.0.1')).toBe('OK');
    });

    it('still locks an email out after many failures spread over many addresses (distributed guessing)', async () => {
      expect(await post(SIGN_UP, { e: 'spread@example.com' }, '192.0.2.60, 10.0.0.1')).toBe('OK');
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) codes.push(await post(LOG_IN, { e: 'spread@example.com', p: `guess ${i}` }, `198.51.10${i}.9, 10.0.0.1`));
      expect(codes).toEqual(Array(6).fill('UNAUTHENTICATED'));
      const locked = await postHttp(LOG_IN, { e: 'spread@example.com', p: 'correct horse battery' }, '192.0.2.61, 10.0.0.1');
      expect(locked).toMatchObject({ code: 'RATE_LIMITED', body: { errors: [{ message: 'Too many log-in attempts for this account without a success: limit is 6 per 900 s.' }] } });
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(15 * 60 - 10);
    });
  });
});
