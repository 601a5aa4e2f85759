import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createConfiguration, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { headerOf, rawHttp, type RawResponse } from '../support/raw-http.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { fundAccount, postV1, readUsageEvents, usageEventFor, type UsageRow, type V1Response } from '../support/v1-client.js';

/** Hostile and malformed /v1 input: always a clear, well-formed answer in the caller's format, never a 500. */

const MAX_BODY = 1024 * 1024;
const CANARY_OPENAI = 'sk-canary-openai-7f3a9c1e5b2d4f6a8c0e';
const CANARY_ANTHROPIC = 'sk-ant-canary-2b4d6f8a0c1e3a5c7e9f';

type Route = '/v1/chat/completions' | '/v1/messages';
const ROUTES: Route[] = ['/v1/chat/completions', '/v1/messages'];

function bodyFor(route: Route, fields: Record<string, unknown>): Record<string, unknown> {
  if (route === '/v1/messages') return { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], ...fields };
  return { messages: [{ role: 'user', content: 'hi' }], ...fields };
}

const modelFor = (route: Route) => (route === '/v1/messages' ? 'claude-haiku-4-5' : 'gpt-4o-mini');

/** The contract's error body for the route, the code in the body and in x-gateway-error-code. */
function expectError(res: { status: number; json: unknown; header(name: string): string | null | undefined }, route: Route, code: string, status: number): string {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.header('content-type')).toMatch(/application\/json/);
  expect(res.header('x-gateway-error-code')).toBe(code);
  expect(res.header('x-request-id')).toBeTruthy();
  if (route === '/v1/messages') {
    const body = res.json as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(typeof body.error.type).toBe('string');
    expect(body.error.message.startsWith(`${code}: `)).toBe(true);
    return body.error.message;
  }
  const body = res.json as { error: { message: string; type: string; code: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

const fromFetch = (r: V1Response) => ({ status: r.status, json: r.json, header: (n: string) => r.headers.get(n) });
const fromRaw = (r: RawResponse) => {
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, header: (n: string) => headerOf(r, n) };
};

/** Exactly `bytes` long: the route's valid body padded through a forwarded field. */
function bodyOfSize(route: Route, bytes: number): string {
  const base = JSON.stringify(bodyFor(route, { model: modelFor(route), metadata_pad: '' }));
  const pad = bytes - Buffer.byteLength(base);
  if (pad < 0) throw new Error('too small');
  return base.replace('"metadata_pad":""', `"metadata_pad":"${'x'.repeat(pad)}"`);
}

describe('/v1 hostile input', () => {
  let f: GatewayFixture;
  let token: string;
  const seen: string[] = [];

  const post = async (route: string, body: unknown, o: Parameters<typeof postV1>[3] = {}) => {
    const res = await postV1(f, route, body, { token, ...o });
    seen.push([...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n'), res.text);
    return res;
  };
  const raw = async (request: string | Buffer) => {
    const res = await rawHttp(f.server.port, request);
    seen.push(res.raw);
    return res;
  };
  const rawPost = (route: string, headers: string[], body: string | Buffer) => {
    const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const head = [`POST ${route} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', `content-length: ${b.length}`, ...headers].join('\r\n');
    return raw(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), b]));
  };

  beforeAll(async () => {
    f = await startGatewayFixture({ MAX_REQUEST_BODY_BYTES: String(MAX_BODY) });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', CANARY_OPENAI);
    await createProviderKey(f, 'anthropic', CANARY_ANTHROPIC);
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => {
    if (f) {
      // The canary provider keys never reach a caller or the logs, whatever was thrown at the gateway.
      for (const text of [...seen, ...f.server.logs]) {
        expect(text).not.toContain(CANARY_OPENAI);
        expect(text).not.toContain(CANARY_ANTHROPIC);
      }
      expect(seen.length).toBeGreaterThan(20);
      expect(f.server.logs.join('\n')).not.toContain(token);
    }
    await f?.stop();
  });
  beforeEach(() => f.upstream.reset());

  describe.each(ROUTES)('%s', (route) => {
    const model = modelFor(route);

    it('refuses `models` over the fallback limit (17 and 100k entries) with invalid_request', async () => {
      for (const n of [17, 100_000]) {
        const res = await post(route, bodyFor(route, { model, models: Array.from({ length: n }, () => 'gpt-4o') }));
        expect(expectError(fromFetch(res), route, 'invalid_request', 400)).toMatch(/models/);
      }
      // Huge entries and non-strings inside a huge list are refused the same way.
      const long = await post(route, bodyFor(route, { model, models: [model, 'x'.repeat(100_000)] }));
      // The message names the entry, as `model`'s names the field.
      expect(expectError(fromFetch(long), route, 'invalid_request', 400)).toContain('`models[1]` must be at most 256 characters');
      const objects = await post(route, bodyFor(route, { model, models: Array.from({ length: 1000 }, () => ({ model: 'gpt-4o' })) }));
      expectError(fromFetch(objects), route, 'invalid_request', 400);
      // At the limit the request is served.
      const ok = await post(route, bodyFor(route, { model, models: Array.from({ length: 16 }, () => model) }));
      expect(ok.status, ok.text).toBe(200);
      expect(f.upstream.requests).toHaveLength(1);
    });

    it('unicode, emoji, RTL overrides and NUL in model names answer model_unknown or invalid_request, never 500', async () => {
      const names = [
        'gpt-4o-mini\u0000',
        '\u0000',
        'gpt‮-4o-mini',
        '🤖🔥',
        'модель',
        'مدل-عربي',
        'gpt-4o-mini\ud800',
        '   ',
        'x'.repeat(257),
        'nosuch:🤖',
        'ｇｐｔ-４ｏ',
        'gpt-4o-mini\r\nx-injected: 1',
        '../../etc/passwd',
        '%0d%0ax-injected:%201',
      ];
      for (const name of names) {
        for (const fields of [{ model: name }, { model, models: [name] }]) {
          const res = await post(route, bodyFor(route, fields));
          expect([400, 404], `${JSON.stringify(fields)} → ${res.status} ${res.text}`).toContain(res.status);
          const code = res.status === 400 ? 'invalid_request' : 'model_unknown';
          expectError(fromFetch(res), route, code, res.status);
          expect(res.headers.has('x-injected')).toBe(false);
        }
      }
      // Nothing to infer: at most the providers' model lists were asked (once, then cached), with the names in no URL.
      expect(f.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
      expect(f.upstream.requests.every((r) => r.method === 'GET' && r.path.endsWith('/models') && !r.query.includes('gpt'))).toBe(true);
    });

    it('pass-through model names with emoji and RTL reach the upstream only inside the JSON body; CR/LF, NUL and lone surrogates are refused', async () => {
      // `openai:<anything>` passes through with the account's own key, so the odd name lands in
      // response headers (x-gateway-model), the upstream request, usage rows and logs.
      for (const name of ['gpt-🤖', 'gpt‮x']) {
        for (const stream of [false, true]) {
          const res = await post(route, bodyFor(route, { model: `openai:${name}`, stream }));
          expect(res.status, `${JSON.stringify(name)} stream=${stream}: ${res.text}`).toBe(200);
          expect(res.headers.get('x-gateway-model') ?? '').not.toMatch(/[\r\n\0]/);
        }
      }
      for (const name of ['gpt-x\r\nx-injected: 1', 'gpt-x\u0000y', 'gpt-x\ud800', 'gpt-x\u0085', 'gpt\u001bx']) {
        for (const fields of [{ model: `openai:${name}` }, { model, models: [`openai:${name}`] }]) {
          const res = await post(route, bodyFor(route, { ...fields, stream: true }));
          expect(expectError(fromFetch(res), route, 'invalid_request', 400)).toMatch(/control characters/);
          expect(res.headers.has('x-injected')).toBe(false);
        }
      }
      expect(f.upstream.requests).toHaveLength(4);
    });

    it('odd fallback names the key may not use are listed in x-gateway-rejected-models, encoded', async () => {
      const config = await createConfiguration(f, { allowedProviders: null, allowedModels: [`${route === '/v1/messages' ? 'anthropic' : 'openai'}:${model}`], routing: [] });
      const limited = (await createAccessKey(f, config)).token;
      const odd = ['openai:gpt-x, x-injected: 1', 'openai:gpt-‮x', 'openai:🤖'];
      const res = await post(route, bodyFor(route, { model, models: odd }), { token: limited });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.has('x-injected')).toBe(false);
      const rejected = (res.headers.get('x-gateway-rejected-models') ?? '').split(',');
      expect(rejected).toHaveLength(3);
      expect(decodeURIComponent(rejected[0])).toBe(odd[0]);
      expect(decodeURIComponent(rejected[2])).toBe(odd[2]);
    });

    it('deeply nested JSON (depth 10k, 100k) is refused as invalid_request; moderate nesting is served', async () => {
      // Regression: depth 100k parsed fine but overflowed the stack when re-serialised for the
      // upstream, which was reported as an upstream failure (502) and counted against the key's breaker.
      const deep = (depth: number) =>
        `{"model":${JSON.stringify(model)},"max_tokens":16,"messages":[{"role":"user","content":"hi"}],"metadata_deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const moderate = await post(route, undefined, { raw: deep(900) });
      expect(moderate.status, moderate.text).toBe(200);
      for (const depth of [10_000, 100_000]) {
        expect(expectError(fromFetch(await post(route, undefined, { raw: deep(depth) })), route, 'invalid_request', 400)).toMatch(/nests/);
      }
      // Brackets inside strings do not count.
      const inString = await post(route, bodyFor(route, { model, metadata_text: '['.repeat(50_000) }));
      expect(inString.status).toBe(200);
      const deepModel = await post(route, undefined, { raw: `{"model":${'['.repeat(10_000)}${']'.repeat(10_000)}}` });
      expectError(fromFetch(deepModel), route, 'invalid_request', 400);
      expect(f.upstream.requests).toHaveLength(2);
      expect((await fetch(`${f.baseUrl}/healthz`)).status).toBe(200);
    });

    it('a body of exactly MAX_REQUEST_BODY_BYTES is served; one byte more is request_too_large', async () => {
      const atLimit = bodyOfSize(route, MAX_BODY);
      expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY);
      const ok = await post(route, undefined, { raw: atLimit });
      expect(ok.status, ok.text.slice(0, 300)).toBe(200);
      const over = bodyOfSize(route, MAX_BODY + 1);
      expectError(fromFetch(await post(route, undefined, { raw: over })), route, 'request_too_large', 413);
      // The same over a raw socket (declared length checked before reading).
      const smuggle = await rawPost(route, [`authorization: Bearer ${token}`, 'content-type: application/json'], over);
      expect(smuggle.status).toBe(413);
      expect(f.upstream.requests).toHaveLength(1);
    });

    it('empty body, JSON array, scalar, null, `stream: "yes"` and non-UTF-8 bytes answer invalid_request', async () => {
      const cases = ['', '[]', `[${JSON.stringify(bodyFor(route, { model }))}]`, '42', 'null', '"model"', '\uFEFF{}'];
      for (const raw of cases) {
        expectError(fromFetch(await post(route, undefined, { raw })), route, 'invalid_request', 400);
      }
      for (const stream of ['yes', 1, 'true', {}]) {
        const res = await post(route, bodyFor(route, { model, stream }));
        expect(expectError(fromFetch(res), route, 'invalid_request', 400)).toMatch(/stream/);
      }
      // Invalid UTF-8 in the model string or a prompt: refused, never decoded into U+FFFD and sent on.
      for (const marked of [bodyFor(route, { model: 'gpt-4o-miniXX' }), bodyFor(route, { model, metadata: { note: 'hi XX there' } })]) {
        const json = Buffer.from(JSON.stringify(marked), 'utf8');
        const at = json.indexOf('XX');
        json[at] = 0xff;
        json[at + 1] = 0xfe;
        const bad = await rawPost(route, [`authorization: Bearer ${token}`, 'content-type: application/json'], json);
        expect(expectError(fromRaw(bad), route, 'invalid_request', 400)).toMatch(/not valid UTF-8/);
      }
      // Invalid UTF-8 outside JSON syntax.
      const garbage = await rawPost(route, [`authorization: Bearer ${token}`, 'content-type: application/json'], Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3]));
      expectError(fromRaw(garbage), route, 'invalid_request', 400);
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('a client that leaves mid-body reaches no upstream, is not logged as a failure, and the server keeps serving', async () => {
      const body = JSON.stringify(bodyFor(route, { model }));
      const head = [`POST ${route} HTTP/1.1`, 'host: 127.0.0.1', `content-length: ${body.length + 1000}`, `authorization: Bearer ${token}`].join('\r\n');
      const socket = connect(f.server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(`${head}\r\n\r\n${body}`);
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(f.upstream.requests).toHaveLength(0);
      expect(f.server.logs.join('\n')).not.toContain('unexpected /v1 error');
      // The request settled (it does not hang on the body): recorded as the client's close.
      const before = Date.now();
      let closed: UsageRow | undefined;
      while (!closed && Date.now() - before < 3000) {
        closed = (await readUsageEvents(f)).find((r) => r.errorCode === 'client_closed' && r.endpoint === route && r.status === 499);
        if (!closed) await new Promise((r) => setTimeout(r, 50));
      }
      expect(closed?.attempts).toEqual([]);
      const ok = await post(route, bodyFor(route, { model }));
      expect(ok.status, ok.text).toBe(200);
    });

    it('a wrong content-type is read as JSON all the same (no 415, no 500)', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
        const res = await post(route, bodyFor(route, { model }), { headers: { 'content-type': type } });
        expect(res.status, `${type}: ${res.text}`).toBe(200);
      }
      const form = await post(route, undefined, { raw: 'model=gpt-4o-mini&stream=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectError(fromFetch(form), route, 'invalid_request', 400);
    });

    it('CR/LF smuggled into header values cannot inject headers upstream or into the response', async () => {
      const body = JSON.stringify(bodyFor(route, { model }));
      // A CRLF inside the access key value only ends that header line: the extra line is an ordinary
      // (ignored) request header, never forwarded upstream and never echoed.
      const split = await rawPost(route, [`authorization: Bearer ${token}\r\nx-injected: 1`, 'content-type: application/json'], body);
      expect(split.status, split.body).toBe(200);
      expect(headerOf(split, 'x-injected')).toBeUndefined();
      expect(f.upstream.requests.at(-1)?.headers['x-injected']).toBeUndefined();
      // A forwarded header (anthropic-version) carrying an injection attempt.
      const forwarded = await rawPost(route, [`authorization: Bearer ${token}`, 'anthropic-version: 2023-06-01\r\nx-injected: 1', 'content-type: application/json'], body);
      expect(forwarded.status).toBe(200);
      expect(f.upstream.requests.at(-1)?.headers['x-injected']).toBeUndefined();
      expect(f.upstream.requests.at(-1)?.headers['anthropic-version'] ?? '2023-06-01').toBe('2023-06-01');
      // Bare CR, NUL and obs-fold inside a value are refused by the HTTP parser before the app.
      for (const value of [`Bearer ${token}\rx-injected: 1`, `Bearer ${token}\u0000x`, `Bearer ${token}\r\n x-injected: 1`]) {
        const res = await rawPost(route, [`authorization: ${value}`, 'content-type: application/json'], body);
        expect([400, 401], `${JSON.stringify(value)}: ${res.raw.slice(0, 200)}`).toContain(res.status);
        expect(headerOf(res, 'x-injected')).toBeUndefined();
        if (res.status === 401) expectError(fromRaw(res), route, 'invalid_api_key', 401);
      }
      // An invalid key with CRLF-looking text but percent-encoded stays a plain invalid key.
      const encoded = await rawPost(route, [`authorization: Bearer ng-abc%0d%0ax-injected:%201`, 'content-type: application/json'], body);
      expectError(fromRaw(encoded), route, 'invalid_api_key', 401);
      expect(headerOf(encoded, 'x-injected')).toBeUndefined();
      expect(f.upstream.requests.every((r) => r.headers['x-injected'] === undefined)).toBe(true);
    });

    it('duplicate or conflicting credentials never combine and never reach the upstream', async () => {
      const body = JSON.stringify(bodyFor(route, { model }));
      const bogus = `ng-${'Z'.repeat(43)}`;
      // Node keeps the first Authorization header and drops the rest.
      const validFirst = await rawPost(route, [`authorization: Bearer ${token}`, `authorization: Bearer ${bogus}`, 'content-type: application/json'], body);
      expect(validFirst.status, validFirst.body).toBe(200);
      const bogusFirst = await rawPost(route, [`authorization: Bearer ${bogus}`, `authorization: Bearer ${token}`, 'content-type: application/json'], body);
      expectError(fromRaw(bogusFirst), route, 'invalid_api_key', 401);
      // Authorization wins over x-api-key; a bad Authorization is not rescued by a good x-api-key.
      const mixed = await rawPost(route, [`authorization: Bearer ${bogus}`, `x-api-key: ${token}`, 'content-type: application/json'], body);
      expectError(fromRaw(mixed), route, 'invalid_api_key', 401);
      // Two tokens in one header.
      const two = await rawPost(route, [`authorization: Bearer ${token} ${token}`, 'content-type: application/json'], body);
      expectError(fromRaw(two), route, 'invalid_api_key', 401);
      const commaJoined = await rawPost(route, [`x-api-key: ${token}`, `x-api-key: ${bogus}`, 'content-type: application/json'], body);
      expect([200, 401]).toContain(commaJoined.status);
      if (commaJoined.status === 401) expectError(fromRaw(commaJoined), route, 'invalid_api_key', 401);
      // Whatever the client sent, the upstream sees only the routed provider key.
      for (const r of f.upstream.requests) {
        expect(r.credential).toBe(route === '/v1/messages' ? CANARY_ANTHROPIC : CANARY_OPENAI);
        expect(JSON.stringify(r.headers)).not.toContain(token);
      }
    });

    it('an oversized header block is refused (431) and the server keeps serving', async () => {
      const body = JSON.stringify(bodyFor(route, { model }));
      const res = await rawPost(route, [`authorization: Bearer ${token}`, `x-pad: ${'a'.repeat(64 * 1024)}`], body);
      expect(res.status).toBe(431);
      // Node's own answer has no body (SDKs report "431 status code (no body)"); this one says why.
      expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_headers_too_large' } });
      const many = await rawPost(route, [`authorization: Bearer ${token}`, ...Array.from({ length: 3000 }, (_, i) => `x-h${i}: v`)], body);
      expect([200, 431]).toContain(many.status);
      const after = await post(route, bodyFor(route, { model }));
      expect(after.status).toBe(200);
    });
  });

  it('a request Node cannot parse gets a 400 with a JSON error body, and the connection is closed', async () => {
    const res = await raw('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\nhello');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_request', message: 'Malformed HTTP request.' } });
    expect(res.headers).toContainEqual(['x-gateway-error-code', 'invalid_request']);
  });

  it('Content-Encoding: gzip, deflate and br bodies are decoded under the size limit; anything else is refused, never parsed as JSON', async () => {
    const body = JSON.stringify(bodyFor('/v1/chat/completions', { model: 'gpt-4o-mini' }));
    const auth = `authorization: Bearer ${token}`;
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(body)],
      ['x-gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
      ['GZip', gzipSync(body)],
    ] as const) {
      const res = await rawPost('/v1/chat/completions', [auth, 'content-type: application/json', `content-encoding: ${encoding}`], bytes);
      expect(res.status, `${encoding}: ${res.body}`).toBe(200);
    }
    expect(f.upstream.requests).toHaveLength(5);
    expect(f.upstream.requests.every((r) => (r.body as { model: string }).model === 'gpt-4o-mini')).toBe(true);
    // Not what the header says, an unknown or a stacked encoding, a name Object.prototype holds.
    const refusals: [string, Buffer | string, number][] = [
      ['gzip', body, 400],
      ['br', 'not brotli', 400],
      ['foo', body, 415],
      ['gzip, br', gzipSync(body), 415],
      ['constructor', body, 415],
      ['__proto__', body, 415],
    ];
    for (const [encoding, bytes, status] of refusals) {
      const res = await rawPost('/v1/chat/completions', [auth, 'content-type: application/json', `content-encoding: ${encoding}`], bytes);
      expect(res.status, `${encoding}: ${res.body}`).toBe(status);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'invalid_request' } });
    }
    // The limit holds for the decoded body too: a small bomb is refused, not inflated past it.
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 50, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const big = await rawPost('/v1/chat/completions', [auth, 'content-type: application/json', 'content-encoding: gzip'], bomb);
    expect(big.status).toBe(413);
    const anthropicShaped = await rawPost('/v1/messages', [auth, 'content-type: application/json', 'content-encoding: zstd'], body);
    expect(anthropicShaped.status).toBe(415);
    expect(JSON.parse(anthropicShaped.body)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(f.upstream.requests).toHaveLength(5);
  });

  it('regression: a non-streaming 200 whose body is an error fails over instead of reaching the caller as a success', async () => {
    for (const route of ROUTES) {
      f.upstream.reset();
      f.upstream.script({ kind: 'errorFrame' });
      const fallback = route === '/v1/messages' ? 'claude-sonnet-4-5' : 'gpt-4o';
      const res = await post(route, bodyFor(route, { model: modelFor(route), models: [fallback] }));
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
      expect(res.headers.get('x-gateway-model')).toBe(fallback);
      const json = res.json as Record<string, unknown>;
      expect(route === '/v1/messages' ? json.type : json.object).toBe(route === '/v1/messages' ? 'message' : 'chat.completion');
    }
  });

  it('upstream errors echoing the provider key are scrubbed before they reach the caller', async () => {
    const echo = { error: { message: `Incorrect API key provided: ${CANARY_OPENAI}.`, type: 'invalid_request_error', code: 'invalid_api_key' } };
    f.upstream.script({ kind: 'status', status: 401, body: echo }, { kind: 'status', status: 500, body: echo });
    const res = await post('/v1/chat/completions', { model: 'gpt-4o-mini', models: ['openai:gpt-4o'], messages: [{ role: 'user', content: 'hi' }] });
    expectError(fromFetch(res), '/v1/chat/completions', 'upstream_failed', 502);
    // The afterAll canary check covers the body; the response is also searched here for a clear failure.
    expect(res.text).not.toContain(CANARY_OPENAI);
  });

  it('an upstream error message with NUL, controls and lone surrogates is stored cleaned, never refused or parked', async () => {
    const hostile = { error: { message: 'boom\u0000 \ud800 end\u001b[31m', type: 'server_error' } };
    f.upstream.script({ kind: 'status', status: 500, body: hostile }, { kind: 'status', status: 500, body: hostile });
    const res = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expectError(fromFetch(res), '/v1/chat/completions', 'upstream_failed', 502);
    expect(res.text).not.toMatch(/\\u0000|\\ud800|\\u001b/);
    const event = await usageEventFor(f, res.headers.get('x-request-id'));
    expect(event.attempts[0].error).toBe('boom  \ufffd end [31m');
    const letters = await f.server.services.orm.em.fork().getConnection().execute('select count(*)::int as n from usage_dead_letter');
    expect(letters).toEqual([{ n: 0 }]);
  });

  it('regression (audit HIGH-1): after NUL and lone-surrogate model names, every tenant is still recorded and charged', async () => {
    // The poison requests, from the fixture's tenant: refused before anything reaches a row.
    for (const poison of ['openai:x\u0000', 'openai:x\ud800', 'x\u0000']) {
      for (const fields of [{ model: poison }, { model: 'gpt-4o-mini', models: [poison] }]) {
        const res = await post('/v1/chat/completions', bodyFor('/v1/chat/completions', fields));
        expectError(fromFetch(res), '/v1/chat/completions', 'invalid_request', 400);
      }
    }
    // Another tenant, with its own provider key: its requests are written and charged.
    const other = await signUpAccount(f.baseUrl, 'Other tenant');
    await fundAccount(f.baseUrl, other.token, '10.00');
    await gqlOk(f.baseUrl, 'mutation { createProviderKey(input: { provider: "openai", name: "k", key: "sk-other-tenant-key-0001" }) { id } }', {}, other.token);
    const otherKey = (
      await gqlOk<{ createAccessKey: { token: string } }>(
        f.baseUrl,
        'mutation { createAccessKey(input: { name: "other", description: null, configurationId: null }) { token } }',
        {},
        other.token,
      )
    ).createAccessKey.token;
    const balance = async () => (await gqlOk<{ me: { creditBalanceUsd: string } }>(f.baseUrl, '{ me { creditBalanceUsd } }', {}, other.token)).me.creditBalanceUsd;
    const before = await balance();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postV1(f, '/v1/chat/completions', bodyFor('/v1/chat/completions', { model: 'gpt-4o-mini' }), { token: otherKey });
      expect(res.status, res.text).toBe(200);
      ids.push(String(res.headers.get('x-request-id')));
    }
    const events = (await readUsageEvents(f)).filter((e) => e.accountId === other.accountId);
    expect(events.map((e) => e.requestId).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.status === 200 && e.errorCode === null)).toBe(true);
    await expect.poll(balance, { timeout: 5000 }).not.toBe(before);
    expect(Number(await balance())).toBeLessThan(Number(before));
  });
});
