import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { argValue, isEntryPoint, serveOverIpc } from './child-ipc.js';

/**
 * A zero-latency OpenAI Chat Completions upstream, as cheap as possible so that it is never the
 * bottleneck: every response is a precomputed buffer. The request body is only scanned for three
 * markers (compact JSON, as JSON.stringify writes it):
 *  - `"stream":true`        → SSE: 20 content chunks (+ usage chunk if asked) + `[DONE]`
 *  - `"include_usage":true` → the usage chunk is sent (as OpenAI does only when asked)
 *  - `bench-slow`           → the stream is paced: one chunk every `slowDelayMs`
 */

export interface ZeroUpstreamOptions {
  port?: number;
  /** Chunks of a streamed answer. */
  chunks?: number;
  /** Inter-chunk delay for requests whose model contains `bench-slow`. */
  slowDelayMs?: number;
}

export interface ZeroUpstream {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const MODEL = 'gpt-4o-mini';
const CREATED = 1_700_000_000;
const ID = 'chatcmpl-bench0000000000000000000000';

/** The one non-streaming answer (exported for bench:firewall, which guards it in-process). */
export const COMPLETION = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
  }),
);

const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(COMPLETION.length) };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

function frame(payload: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
}

function streamFrames(chunks: number): { content: Buffer[]; usage: Buffer; done: Buffer } {
  const content: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const delta = i === 0 ? { role: 'assistant', content: 'tok0 ' } : { content: `tok${i} ` };
    content.push(
      frame({
        id: ID,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: MODEL,
        choices: [{ index: 0, delta: i === chunks - 1 ? {} : delta, finish_reason: i === chunks - 1 ? 'stop' : null }],
      }),
    );
  }
  const usage = frame({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: 12, completion_tokens: chunks, total_tokens: 12 + chunks },
  });
  return { content, usage, done: Buffer.from('data: [DONE]\n\n') };
}

const STREAM = Buffer.from('"stream":true');
const USAGE = Buffer.from('"include_usage":true');
const SLOW = Buffer.from('bench-slow');

export async function startZeroUpstream(options: ZeroUpstreamOptions = {}): Promise<ZeroUpstream> {
  const slowDelayMs = options.slowDelayMs ?? 500;
  const frames = streamFrames(options.chunks ?? 20);
  const withUsage = Buffer.concat([...frames.content, frames.usage, frames.done]);
  const withoutUsage = Buffer.concat([...frames.content, frames.done]);

  const answer = (body: Buffer, res: ServerResponse) => {
    if (body.indexOf(STREAM) < 0) {
      res.writeHead(200, JSON_HEADERS);
      res.end(COMPLETION);
      return;
    }
    const usage = body.indexOf(USAGE) >= 0;
    res.writeHead(200, SSE_HEADERS);
    if (body.indexOf(SLOW) < 0) {
      res.end(usage ? withUsage : withoutUsage);
      return;
    }
    const queue = [...frames.content, ...(usage ? [frames.usage] : []), frames.done];
    let next = 0;
    res.write(queue[next++]);
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const last = next === queue.length - 1;
      if (last) {
        clearInterval(timer);
        res.end(queue[next++]);
      } else {
        res.write(queue[next++]);
      }
    }, slowDelayMs);
    res.once('close', () => clearInterval(timer));
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), res));
  });
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (isEntryPoint(import.meta.url)) {
  const upstream = await startZeroUpstream({
    port: Number(argValue('port', '0')),
    chunks: Number(argValue('chunks', '20')),
    slowDelayMs: Number(argValue('slow-delay-ms', '500')),
  });
  serveOverIpc(upstream.port, upstream.close);
}
