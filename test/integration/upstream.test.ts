import { EventEmitter } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { adapterFor } from '../../server/src/gateway/adapters/index.js';
import { relayStream } from '../../server/src/gateway/relay-stream.js';
import { AttemptAbort } from '../../server/src/gateway/failover.js';
import { createUpstreamClient, ERROR_BODY_BYTES, type UpstreamCall, type UpstreamClient } from '../../server/src/gateway/upstream.js';

interface LocalServer {
  server: Server;
  port: number;
  hits: number;
}

const servers: Server[] = [];

async function listen(handler: RequestListener, host = '127.0.0.1'): Promise<LocalServer> {
  const state = { hits: 0 } as LocalServer;
  const server = createServer((req, res) => {
    state.hits += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  servers.push(server);
  state.server = server;
  state.port = (server.address() as AddressInfo).port;
  return state;
}

const echo: RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-seen-auth': req.headers.authorization ?? '' });
    res.end(JSON.stringify({ path: req.url, method: req.method, body: Buffer.concat(chunks).toString() }));
  });
};

function call(url: string, overrides: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-secret-do-not-log' },
    body: '{"model":"m"}',
    egress: 'guarded',
    signal: new AbortController().signal,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
    ...overrides,
  };
}

const clients: UpstreamClient[] = [];

function client(options: Partial<Parameters<typeof createUpstreamClient>[0]> = {}): UpstreamClient {
  const created = createUpstreamClient({
    connectTimeoutMs: 2_000,
    maxResponseBytes: 1024 * 1024,
    allowPrivateCidrs: [],
    ...options,
  });
  clients.push(created);
  return created;
}

let upstream: LocalServer;

beforeAll(async () => {
  upstream = await listen(echo);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('createUpstreamClient', () => {
  it('sends a trusted call to 127.0.0.1 with path, query, headers and body', async () => {
    const c = client();
    const res = await c.send(call(`http://127.0.0.1:${upstream.port}/v1/chat/completions?api-version=1`, { egress: 'trusted' }));
    expect(res.status).toBe(200);
    expect(res.headers['x-seen-auth']).toBe('Bearer sk-secret-do-not-log');
    const json = JSON.parse((await c.readBody(res)).toString());
    expect(json).toEqual({ path: '/v1/chat/completions?api-version=1', method: 'POST', body: '{"model":"m"}' });
  });

  it('refuses a guarded call to 127.0.0.1 before any request reaches the server', async () => {
    const before = upstream.hits;
    const error = await client().send(call(`http://127.0.0.1:${upstream.port}/v1/x`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'loopback' });
    expect((error as Error).message).toMatch(/^egress to 127\.0\.0\.1 refused \(loopback\); set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow$/);
    expect((error as Error).message).not.toContain('sk-secret');
    expect(upstream.hits).toBe(before);
  });

  it('refuses a guarded call to [::1]', async () => {
    const error = await client().send(call(`http://[::1]:${upstream.port}/v1/x`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'loopback' });
  });

  it('refuses a guarded call to a hostname that resolves to loopback (checked after DNS)', async () => {
    const before = upstream.hits;
    const error = await client().send(call(`http://localhost:${upstream.port}/v1/x`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'loopback', hostname: 'localhost' });
    // What the name resolved to stays in the operator's view (fields), not in the message.
    expect((error as Error).message).toMatch(/^egress to localhost refused: the name does not resolve to an allowed public address/);
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|::1|loopback/);
    expect(upstream.hits).toBe(before);
  });

  it('answers an unresolvable name exactly like a refused one (no internal-name oracle)', async () => {
    const error = await client().send(call('http://no-such-host.invalid/v1/x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'unresolved' });
    expect((error as Error).message).toBe(
      'egress to no-such-host.invalid refused: the name does not resolve to an allowed public address; set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow',
    );
  });

  it('refuses metadata addresses and metadata hostnames (without resolving them)', async () => {
    const byIp = await client().send(call('http://169.254.169.254/latest/meta-data/')).catch((e: unknown) => e);
    expect(byIp).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'metadata' });
    const byName = await client().send(call('http://metadata.google.internal/computeMetadata/v1/')).catch((e: unknown) => e);
    expect(byName).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'metadata' });
    expect((byName as Error).message).toBe(
      'egress to metadata.google.internal refused: the name does not resolve to an allowed public address; set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow',
    );
  });

  it('checks IPv4-mapped IPv6 and numeric host spellings', async () => {
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0x7f000001', '2130706433', '0.0.0.0']) {
      const error = await client().send(call(`http://${host}:${upstream.port}/v1/x`)).catch((e: unknown) => e);
      expect(error, host).toMatchObject({ code: 'EGRESS_BLOCKED' });
    }
  });

  it('allows a guarded call to an address inside allowPrivateCidrs', async () => {
    const c = client({ allowPrivateCidrs: ['127.0.0.0/8'] });
    const res = await c.send(call(`http://127.0.0.1:${upstream.port}/v1/x`));
    expect(res.status).toBe(200);
    await c.readBody(res);
    // localhost may resolve to ::1 as well, which 127.0.0.0/8 does not cover; both outcomes are correct.
    try {
      const viaName = await c.send(call(`http://localhost:${upstream.port}/v1/x`));
      expect(viaName.status).toBe(200);
      await c.readBody(viaName);
    } catch (error) {
      expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', address: '::1' });
    }
  });

  it("refuses the gateway's own listen address even with '*'", async () => {
    const self = await listen(echo);
    const c = client({ allowPrivateCidrs: ['*'], selfAddresses: () => [{ host: '127.0.0.1', port: self.port }] });
    const error = await c.send(call(`http://127.0.0.1:${self.port}/v1/x`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'gateway-self' });
    const viaName = await c.send(call(`http://localhost:${self.port}/v1/x`)).catch((e: unknown) => e);
    expect(viaName).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'gateway-self' });
    expect(self.hits).toBe(0);
    // Another port on the same host is fine with '*'.
    const other = await c.send(call(`http://127.0.0.1:${upstream.port}/v1/x`));
    expect(other.status).toBe(200);
    await c.readBody(other);
  });

  it('returns a 302 as a response instead of following it', async () => {
    const target = await listen(echo);
    const redirect = await listen((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/elsewhere` });
      res.end();
    });
    const c = client();
    const res = await c.send(call(`http://127.0.0.1:${redirect.port}/v1/x`, { egress: 'trusted' }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://127.0.0.1:${target.port}/elsewhere`);
    await c.readBody(res);
    expect(target.hits).toBe(0);
  });

  // undici runs headers/body timeouts on its coarse "fast timers" (about 0.5–1 s resolution),
  // so these assert the code and an upper bound, not the exact delay.
  it('fails with UND_ERR_HEADERS_TIMEOUT when the server never answers', async () => {
    const hanging = await listen(() => {});
    const started = Date.now();
    const error = await client()
      .send(call(`http://127.0.0.1:${hanging.port}/v1/x`, { egress: 'trusted', headersTimeoutMs: 200 }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails with UND_ERR_BODY_TIMEOUT when the body stalls', async () => {
    const stalling = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const c = client();
    const res = await c.send(call(`http://127.0.0.1:${stalling.port}/v1/x`, { egress: 'trusted', bodyTimeoutMs: 200 }));
    const error = await c.readBody(res).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('aborts a pending call with the signal reason', async () => {
    const hanging = await listen(() => {});
    const controller = new AbortController();
    const pending = client().send(call(`http://127.0.0.1:${hanging.port}/v1/x`, { egress: 'trusted', signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
  });

  it('aborts a streaming body mid-read via the signal', async () => {
    const streaming = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const controller = new AbortController();
    const res = await client().send(call(`http://127.0.0.1:${streaming.port}/v1/x`, { egress: 'trusted', signal: controller.signal }));
    const reading = (async () => {
      for await (const _chunk of res.body) controller.abort();
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('readBody fails with RESPONSE_TOO_LARGE past the limit (streamed and declared)', async () => {
    const big = await listen((req, res) => {
      const payload = Buffer.alloc(64 * 1024, 'a');
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': payload.length });
        res.end(payload);
        return;
      }
      res.writeHead(200); // chunked: no length to check up front
      res.write(payload);
      res.end(payload);
    });
    const c = client({ maxResponseBytes: 100 * 1024 });
    const chunked = await c.send(call(`http://127.0.0.1:${big.port}/chunked`, { egress: 'trusted' }));
    await expect(c.readBody(chunked)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    const declared = await c.send(call(`http://127.0.0.1:${big.port}/declared`, { egress: 'trusted' }));
    await expect(c.readBody(declared, 1024)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    // Under the limit it reads fine.
    const ok = await c.send(call(`http://127.0.0.1:${big.port}/declared`, { egress: 'trusted' }));
    expect((await c.readBody(ok)).length).toBe(64 * 1024);
  });

  it('reuses keep-alive connections per origin', async () => {
    const sockets = new Set<unknown>();
    const counting = await listen((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const c = client();
    for (let i = 0; i < 6; i += 1) {
      const res = await c.send(call(`http://127.0.0.1:${counting.port}/v1/x`, { egress: 'trusted' }));
      await c.readBody(res);
    }
    // undici ends the body before it frees the connection, so a call sent in the same tick may
    // open a second socket; after that the two alternate. Never one socket per call.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('keeps the connection for the next call after relaying a stream to its final event', async () => {
    const sockets = new Set<unknown>();
    const frames = [
      'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n',
      'data: [DONE]\n\n',
    ];
    // Each frame and the end in their own tick, as real upstreams send them: the relay sees
    // [DONE] before the chunked terminator arrives.
    const streaming = await listen((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i === frames.length) return res.end();
        res.write(frames[i++]);
        setTimeout(next, 2);
      };
      next();
    });
    const c = client();
    for (let n = 0; n < 4; n += 1) {
      const res = await c.send(call(`http://127.0.0.1:${streaming.port}/v1/x`, { egress: 'trusted' }));
      const written: string[] = [];
      const sink = { destroyed: false, write: (d: string | Uint8Array) => written.push(String(d)) > 0, on: () => sink, off: () => sink };
      const outcome = await relayStream({
        body: res.body,
        observer: adapterFor('chat').observeStream({ hideUsageChunk: false }),
        translator: undefined,
        rewrite: false,
        res: sink as unknown as ServerResponse,
        clientSurface: 'chat',
        commit: () => undefined,
      });
      expect(outcome).toEqual({ kind: 'relayed', complete: true });
      expect(written.join('')).toBe(frames.join(''));
      // The background drain reads the terminator; give it the server's next tick.
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sockets.size).toBe(1);
  });
});

/** The listeners an emitter signal still holds: a finished call must leave none behind. */
function abortListeners(signal: AttemptAbort): number {
  return (signal as EventEmitter).listenerCount('abort');
}

describe('UpstreamClient.fetch (complete answers)', () => {
  it('sends path, query, headers and body and returns status, headers and the whole body', async () => {
    const signal = new AttemptAbort();
    const answer = await client().fetch(call(`http://127.0.0.1:${upstream.port}/v1/chat/completions?api-version=1`, { egress: 'trusted', signal }));
    expect(answer.status).toBe(200);
    expect(answer.headers['x-seen-auth']).toBe('Bearer sk-secret-do-not-log');
    expect(JSON.parse(answer.body.toString())).toEqual({ path: '/v1/chat/completions?api-version=1', method: 'POST', body: '{"model":"m"}' });
    expect(abortListeners(signal)).toBe(0);
  });

  it('joins a body that arrives in several chunks', async () => {
    const chunked = await listen((_req, res) => {
      res.writeHead(200);
      res.write('{"a":');
      setTimeout(() => res.end('1}'), 10);
    });
    const answer = await client().fetch(call(`http://127.0.0.1:${chunked.port}/v1/x`, { egress: 'trusted' }));
    expect(answer.body.toString()).toBe('{"a":1}');
  });

  it('goes through the egress guard: a guarded call to 127.0.0.1 is refused before any request', async () => {
    const before = upstream.hits;
    const error = await client().fetch(call(`http://127.0.0.1:${upstream.port}/v1/x`)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EGRESS_BLOCKED', reason: 'loopback' });
    expect(upstream.hits).toBe(before);
  });

  it('refuses a protocol other than HTTP(S) before dialing', async () => {
    await expect(client().fetch(call('ftp://127.0.0.1/v1/x', { egress: 'trusted' }))).rejects.toMatchObject({ code: 'UNSUPPORTED_PROTOCOL' });
  });

  it('fails with UND_ERR_HEADERS_TIMEOUT when the server never answers', async () => {
    const hanging = await listen(() => {});
    const error = await client()
      .fetch(call(`http://127.0.0.1:${hanging.port}/v1/x`, { egress: 'trusted', headersTimeoutMs: 200 }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('fails with UND_ERR_BODY_TIMEOUT when a 2xx body stalls', async () => {
    const stalling = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = await client()
      .fetch(call(`http://127.0.0.1:${stalling.port}/v1/x`, { egress: 'trusted', bodyTimeoutMs: 200 }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('aborts a call waiting for its head with the reason of an AttemptAbort', async () => {
    const hanging = await listen(() => {});
    const signal = new AttemptAbort();
    const pending = client().fetch(call(`http://127.0.0.1:${hanging.port}/v1/x`, { egress: 'trusted', signal }));
    await waitFor(() => hanging.hits === 1);
    signal.abort(Object.assign(new Error('attempt timed out'), { code: 'ATTEMPT_TIMEOUT' }));
    await expect(pending).rejects.toMatchObject({ code: 'ATTEMPT_TIMEOUT' });
    expect(abortListeners(signal)).toBe(0);
  });

  it('aborts a call mid-body with the reason of an AbortSignal, closing its connection', async () => {
    let closed = false;
    const trickling = await listen((req, res) => {
      req.socket.on('close', () => (closed = true));
      res.writeHead(200);
      res.write('{"partial":');
    });
    const controller = new AbortController();
    const pending = client().fetch(call(`http://127.0.0.1:${trickling.port}/v1/x`, { egress: 'trusted', signal: controller.signal }));
    await waitFor(() => trickling.hits === 1);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    await waitFor(() => closed);
  });

  it('fails a call queued behind a busy connection as soon as its signal fires, and never sends it', async () => {
    const hanging = await listen(() => {});
    const c = client({ connections: 1 });
    const first = new AbortController();
    // Long timeouts: only the signal can end the queued call before the test's own timeout.
    const busy = c
      .fetch(call(`http://127.0.0.1:${hanging.port}/v1/x`, { egress: 'trusted', signal: first.signal, headersTimeoutMs: 60_000 }))
      .catch((e: unknown) => e);
    await waitFor(() => hanging.hits === 1);
    const signal = new AttemptAbort();
    const queued = c.fetch(call(`http://127.0.0.1:${hanging.port}/v1/y`, { egress: 'trusted', signal, headersTimeoutMs: 60_000 }));
    signal.abort(new Error('client went away'));
    await expect(queued).rejects.toThrow('client went away');
    first.abort(new Error('done'));
    await busy;
    await new Promise((r) => setTimeout(r, 50));
    expect(hanging.hits).toBe(1);
  });

  it('does not send a call whose signal has already fired', async () => {
    const before = upstream.hits;
    const signal = new AttemptAbort();
    signal.abort(new Error('too late'));
    await expect(client().fetch(call(`http://127.0.0.1:${upstream.port}/v1/x`, { egress: 'trusted', signal }))).rejects.toThrow('too late');
    expect(upstream.hits).toBe(before);
  });

  it('fails with RESPONSE_TOO_LARGE past the limit (streamed and declared), and reads an answer under it', async () => {
    const big = await listen((req, res) => {
      const payload = Buffer.alloc(64 * 1024, 'a');
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': payload.length });
        res.end(payload);
        return;
      }
      if (req.url === '/declared-only') {
        // The head alone says it is too large: refused without waiting for a byte of the body.
        res.writeHead(200, { 'content-length': 10 * 1024 * 1024 });
        res.flushHeaders();
        return;
      }
      res.writeHead(200); // chunked: no length to check up front
      res.write(payload);
      setTimeout(() => res.end(payload), 10);
    });
    const c = client({ maxResponseBytes: 100 * 1024 });
    await expect(c.fetch(call(`http://127.0.0.1:${big.port}/chunked`, { egress: 'trusted' }))).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    await expect(c.fetch(call(`http://127.0.0.1:${big.port}/declared`, { egress: 'trusted' }), 1024)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    await expect(c.fetch(call(`http://127.0.0.1:${big.port}/declared-only`, { egress: 'trusted', bodyTimeoutMs: 60_000 }))).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    expect((await c.fetch(call(`http://127.0.0.1:${big.port}/declared`, { egress: 'trusted' }))).body.length).toBe(64 * 1024);
  });

  it('returns an error status with its body, and with an empty body when that body is too large or breaks off', async () => {
    const failing = await listen((req, res) => {
      if (req.url === '/small') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end('{"error":{"message":"slow down"}}');
      } else if (req.url === '/huge') {
        res.writeHead(500, { 'content-length': ERROR_BODY_BYTES + 1 });
        res.end(Buffer.alloc(ERROR_BODY_BYTES + 1, 'x'));
      } else {
        res.writeHead(503);
        res.write('{"error":');
        setTimeout(() => res.socket?.destroy(), 20);
      }
    });
    const c = client();
    const small = await c.fetch(call(`http://127.0.0.1:${failing.port}/small`, { egress: 'trusted' }));
    expect(small).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
    expect(small.body.toString()).toBe('{"error":{"message":"slow down"}}');
    const huge = await c.fetch(call(`http://127.0.0.1:${failing.port}/huge`, { egress: 'trusted' }));
    expect(huge.status).toBe(500);
    expect(huge.body.length).toBe(0);
    const broken = await c.fetch(call(`http://127.0.0.1:${failing.port}/broken`, { egress: 'trusted' }));
    expect(broken.status).toBe(503);
    expect(broken.body.length).toBe(0);
  });

  it('reuses one keep-alive connection for calls in sequence', async () => {
    const sockets = new Set<unknown>();
    const counting = await listen((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const c = client();
    for (let i = 0; i < 6; i += 1) {
      expect((await c.fetch(call(`http://127.0.0.1:${counting.port}/v1/x`, { egress: 'trusted' }))).body.toString()).toBe('ok');
    }
    expect(sockets.size).toBeLessThanOrEqual(2);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
