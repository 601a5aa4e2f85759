import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** PGlite on disk, served to the ordinary pg driver over a loopback socket. */
export interface EmbeddedDatabase {
  clientUrl: string;
  /** The socket server accepts this many connections; the ORM pool must not exceed it. */
  maxConnections: number;
  stop(): Promise<void>;
}

/**
 * The worker's code. PGlite is a WASM Postgres that runs every query synchronously on the thread
 * that owns it; on the gateway's event loop it stalled /v1 requests behind usage and credit
 * writes. In a worker thread it serves the same socket as before while the main loop stays free.
 * Plain CommonJS source rather than a .ts module, so it runs unchanged from the built server,
 * under tsx and under vitest (none of which would load a TypeScript worker file the same way).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync } = require('node:fs');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  // PGlite.create only creates the last path segment.
  mkdirSync(workerData.dir, { recursive: true });
  const db = await PGlite.create(workerData.dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.once('message', async () => {
    await server.stop();
    await db.close();
    parentPort.postMessage({ stopped: true });
  });
  parentPort.postMessage({ ready: server.getServerConn() });
})().catch((err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

type WorkerMessage = { ready: string } | { stopped: true } | { error: string };

function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`embedded database worker exited (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (m: WorkerMessage) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if ('error' in m) reject(new Error(`embedded database failed: ${m.error}`));
      else resolve(m);
    });
  });
}

export async function startEmbeddedDatabase(dataDir: string, maxConnections = 6): Promise<EmbeddedDatabase> {
  const require = createRequire(import.meta.url);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dir: join(dataDir, 'pg'),
      maxConnections,
      pglite: require.resolve('@electric-sql/pglite'),
      socket: require.resolve('@electric-sql/pglite-socket'),
    },
  });
  let ready: WorkerMessage;
  try {
    ready = await nextMessage(worker);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const address = 'ready' in ready ? ready.ready : '';
  return {
    clientUrl: `postgres://postgres@${address}/postgres`,
    maxConnections,
    async stop() {
      // Closing PGlite flushes its files; only then is the thread ended.
      const stopped = nextMessage(worker);
      worker.postMessage('stop');
      await stopped.catch(() => undefined);
      await worker.terminate();
    },
  };
}
