import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_BYTES } from '../../server/src/gateway/sse.js';
import { createAccessKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { createCustomProvider, fundAccount, postV1 } from '../support/v1-client.js';

/**
 * A hostile custom upstream (security audit MEDIUM-2): 200 text/event-stream, `data: ` and then
 * endless bytes with no line end. The gateway must give up after a bounded event size, in
 * bounded time, in every relay mode, and close the upstream connection.
 */

const CHUNK = Buffer.alloc(64 * 1024, 'x');

describe('SSE event size cap against a hostile upstream (loopback only)', () => {
  let f: GatewayFixture;
  let hostile: Server;
  let token: string;
  /** Bytes the hostile server managed to write per request, recorded when the gateway hangs up. */
  const sent: number[] = [];

  beforeAll(async () => {
    hostile = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let bytes = 0;
      let open = true;
      res.on('close', () => {
        open = false;
        sent.push(bytes);
      });
      res.write('data: ');
      const pump = () => {
        // Stops on its own after 64 MiB so a regression fails the test instead of hanging it.
        while (open && bytes < 64 * 1024 * 1024) {
          bytes += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        if (open) res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    f = await startGatewayFixture({ CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.0/8' });
    await fundAccount(f.baseUrl, f.account.token);
    const port = (hostile.address() as AddressInfo).port;
    await createCustomProvider(f, { providerId: 'hostile', baseUrl: `http://127.0.0.1:${port}/v1`, apiFormat: 'OPENAI', models: ['evil'] });
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => {
    hostile?.closeAllConnections();
    await new Promise<void>((resolve) => (hostile ? hostile.close(() => resolve()) : resolve()));
    await f?.stop();
  });

  const cases: [string, string, Record<string, unknown>][] = [
    // The gateway injects include_usage: bytes are spliced at event boundaries (the audited path).
    ['spliced chat stream', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }],
    // The client asked for usage itself: bytes pass through, events are still parsed.
    ['passed-through chat stream', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }],
    // A messages client: every event is decoded and re-encoded.
    ['translated stream', '/v1/messages', { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }],
  ];

  it.each(cases)('%s fails over as upstream_failed once an event passes the cap', async (_name, route, body) => {
    const started = Date.now();
    const res = await postV1(f, route, { model: 'hostile:evil', stream: true, ...body }, { token });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-gateway-error-code')).toBe('upstream_failed');
    expect(res.text).toMatch(/over 4 MiB|too much/);
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    // The gateway hung up soon after the cap: far less than the 64 MiB the server would send.
    expect(sent.shift()!).toBeLessThan(MAX_SSE_EVENT_BYTES * 4);
  });
});
