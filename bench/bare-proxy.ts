import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool, type Dispatcher } from 'undici';
import { argValue, isEntryPoint, serveOverIpc } from './child-ipc.js';

/**
 * The baseline: the practical limit of a Node reverse proxy. node:http in, one undici Pool out,
 * body piped both ways, status and content-type copied, nothing else (no auth, no parsing).
 */

export interface BareProxy {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startBareProxy(options: { upstreamOrigin: string; port?: number }): Promise<BareProxy> {
  // Unlimited connections (the 1,000-stream scenario), keep-alive, no pipelining: like the gateway's agent.
  const pool = new Pool(options.upstreamOrigin, { pipelining: 1, keepAliveTimeout: 60_000 });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? 'application/json' };
    if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
    try {
      const up = await pool.request({
        method: (req.method ?? 'POST') as Dispatcher.HttpMethod,
        path: req.url ?? '/',
        headers,
        body: req,
      });
      res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/octet-stream') });
      await pipeline(up.body, res);
    } catch {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => void handle(req, res));
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  const proxy = await startBareProxy({ upstreamOrigin: argValue('upstream', 'http://127.0.0.1:9100'), port: Number(argValue('port', '0')) });
  serveOverIpc(proxy.port, proxy.close);
}
