import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
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
require('node:v8').setFlagsFromString(workerData.v8Flags);
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer, PGLiteSocketHandler } = require(workerData.socket);
// The handler writes each piece of PGlite's answer to the socket as it comes (ParseComplete,
// BindComplete, RowDescription, each DataRow, CommandComplete, ReadyForQuery: a write syscall and
// a segment apiece on a no-delay socket). Corked while it serves one chunk of the client's data,
// the answer to a parameterised statement leaves in one write: ~100 µs less process CPU per round trip.
const handleData = PGLiteSocketHandler.prototype.handleData;
PGLiteSocketHandler.prototype.handleData = async function (data) {
  const socket = this.socket;
  if (socket) socket.cork();
  try {
    return await handleData.call(this, data);
  } finally {
    if (socket) socket.uncork();
  }
};
(async () => {
  // PGlite.create only creates the last path segment.
  mkdirSync(workerData.dir, { recursive: true });
  const db = await PGlite.create(workerData.dir, { startParams: [...PGlite.defaultStartParams, ...workerData.settings] });
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

/**
 * Postgres settings of the embedded database. PGlite's WASM memory only ever grows, so every page
 * Postgres touches stays in the gateway's RSS: the default 128 MB of shared buffers cost ~120 MB
 * of RSS once warm, 16 MB cost ~15 MB, and a gateway's working set (keys, grants, recent usage)
 * fits in that easily.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * V8 flags set by the worker before it compiles PGlite. V8 compiles the hot functions of PGlite's
 * 9 MB WASM module with its optimising compiler on all of its background threads at once; each
 * compile job's memory (tens of MB for Postgres's large functions) is malloc'd, and the allocator
 * keeps it as RSS after the job ends. One job at a time compiles the same functions with a lower
 * peak: under the benchmark's load the worker's peak compiler memory went from 84 MB to 28–34 MB.
 * The flag is process-wide; the gateway's other WASM (tiktoken, undici's HTTP parser) is compiled
 * lazily and is unaffected in practice.
 */
const WORKER_V8_FLAGS = '--wasm-num-compilation-tasks=1';

/**
 * The worker's young generation. Its JavaScript is PGlite's protocol glue: few, short-lived
 * objects, so V8's default young generation (16 MB of semi-spaces, fully committed once used)
 * is mostly empty space; 4 MB keeps scavenges rare and saves ~12 MB of RSS.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

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

/**
 * Creates the cluster (initdb) in a child process. initdb grows PGlite's WASM memory and its file
 * bundle buffers to ~600 MB, which a thread that ends would leave behind in the allocator; a
 * process that exits gives all of it back, and the serving thread then opens an existing cluster.
 */
const INIT_SOURCE = `
const { mkdirSync } = require('node:fs');
const { pglite, dir, settings } = JSON.parse(process.argv[1]);
const { PGlite } = require(pglite);
mkdirSync(dir, { recursive: true });
PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...settings] })
  .then((db) => db.close())
  .catch((err) => { console.error(err && err.stack || err); process.exitCode = 1; });
`;

async function createCluster(dir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const data = JSON.stringify({ pglite: require.resolve('@electric-sql/pglite'), dir, settings: EMBEDDED_SETTINGS });
  const child = spawn(process.execPath, ['-e', INIT_SOURCE, data], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`embedded database initialisation failed (exit ${code}): ${stderr.slice(-2000)}`);
}

function startWorker(dir: string, maxConnections: number): Worker {
  const require = createRequire(import.meta.url);
  return new Worker(WORKER_SOURCE, {
    eval: true,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    workerData: {
      v8Flags: WORKER_V8_FLAGS,
      dir,
      maxConnections,
      settings: EMBEDDED_SETTINGS,
      pglite: require.resolve('@electric-sql/pglite'),
      socket: require.resolve('@electric-sql/pglite-socket'),
    },
  });
}

/** Waits for a worker's first message; a worker that failed is terminated before the error is rethrown. */
async function firstMessage(worker: Worker): Promise<WorkerMessage> {
  try {
    return await nextMessage(worker);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
}

export async function startEmbeddedDatabase(dataDir: string, maxConnections = 6): Promise<EmbeddedDatabase> {
  const dir = join(dataDir, 'pg');
  if (!existsSync(join(dir, 'PG_VERSION'))) await createCluster(dir);
  const worker = startWorker(dir, maxConnections);
  const ready = await firstMessage(worker);
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
