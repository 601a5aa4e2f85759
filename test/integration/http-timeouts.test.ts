import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount, parseSseText, postV1, updateSettings, waitFor } from '../support/v1-client.js';

const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 500;

/** A loopback socket that records when the server closes it. */
function openSocket(port: number): Promise<{ socket: Socket; closed: () => boolean; received: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let isClosed = false;
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('close', () => (isClosed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed: () => isClosed, received: () => data }));
    socket.once('error', reject);
  });
}

describe('slow clients (audit HIGH-3)', () => {
  let f: GatewayFixture;
  let port: number;

  beforeAll(async () => {
    f = await startGatewayFixture({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
    port = f.server.port;
  });
  afterAll(async () => f?.stop());

  it('closes idle, header-less and slow-body connections after the timeouts while /healthz keeps answering', async () => {
    // 300 sockets: silent, headers never finished (slowloris), and a body that never arrives.
    const silent = await Promise.all(Array.from({ length: 100 }, () => openSocket(port)));
    const partial = await Promise.all(Array.from({ length: 100 }, () => openSocket(port)));
    for (const s of partial) s.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const slowBody = await Promise.all(Array.from({ length: 100 }, () => openSocket(port)));
    for (const s of slowBody) {
      s.socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{');
    }
    const opened = Date.now();
    const health = await fetch(`${f.baseUrl}/healthz`);
    expect(health.status).toBe(200);

    const all = [...silent, ...partial, ...slowBody];
    await waitFor(() => all.every((s) => s.closed()), 8000, 'the server to close every slow socket');
    // Closed by the timeouts, not at once.
    expect(Date.now() - opened).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(slowBody[0].received()).toMatch(/^HTTP\/1\.1 408/);
    const answer = slowBody[0].received();
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'request_timeout' } });
    expect((await fetch(`${f.baseUrl}/healthz`)).status).toBe(200);
  });

  it('closes an idle keep-alive connection after its request was answered', async () => {
    const s = await openSocket(port);
    s.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => /\r\n\r\n/.test(s.received()), 3000, 'the response');
    expect(s.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(s.closed()).toBe(false);
    await waitFor(() => s.closed(), 5000, 'the idle keep-alive socket to close');
  });

  it('does not cut an answer stream that lasts longer than every timeout, nor one that outlives perAttemptTimeoutMs (mutant M20)', async () => {
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-timeouts');
    const { token } = await createAccessKey(f);
    // The attempt timer bounds the wait for the first byte only; a committed stream runs to its end.
    await updateSettings(f, { totalTimeoutMs: 60_000, perAttemptTimeoutMs: 500 });
    f.upstream.script({ kind: 'trickle', chunks: 16, chunkDelayMs: 100 });
    const started = Date.now();
    const res = await postV1(
      f,
      '/v1/chat/completions',
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h i j k l m n o p' }] },
      { token },
    );
    expect(Date.now() - started).toBeGreaterThan(Math.max(REQUEST_TIMEOUT_MS, 500));
    expect(res.status).toBe(200);
    const frames = parseSseText(res.text);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(frames.some((fr) => fr.data.includes('"error"'))).toBe(false);
  });
});
