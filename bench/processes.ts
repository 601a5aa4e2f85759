import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../test/support/spawn-server.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procStats, type ChildMessage, type StatsMessage } from './child-ipc.js';

/** Every process the benchmark starts, each measured on its own (CPU time, RSS). */
export interface BenchProcess {
  name: string;
  pid: number;
  url: string;
  /** µs of CPU (user + system, all threads) since the process started, and current RSS. */
  stats(): Promise<{ cpuMicros: number; rssBytes: number }>;
  stop(): Promise<void>;
}

/** Pins a process (all its threads) to one CPU, as the shared benchmark does. */
export function pin(pid: number, cpu: number): void {
  spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Last-resort cleanup, synchronous: on exit nothing async runs any more. */
function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let installed = false;
/** Children never outlive the orchestrator: on exit, on SIGINT/SIGTERM and on a crash. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping child processes\n`);
      killAll();
      process.exit(130);
    });
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

function waitExit(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Starts one of the bench/*.ts helpers (zero upstream, bare proxy) with an IPC channel. */
export async function forkHelper(name: string, script: string, args: string[]): Promise<BenchProcess> {
  const child = fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  track(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited early with code ${code}`)));
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
  });
  let pending: ((m: StatsMessage) => void)[] = [];
  child.on('message', (msg: ChildMessage) => {
    if (msg.type !== 'stats') return;
    const waiters = pending;
    pending = [];
    for (const w of waiters) w(msg);
  });
  return {
    name,
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    stats: () =>
      new Promise((resolve) => {
        pending.push((m) => resolve({ cpuMicros: m.cpuMicros, rssBytes: m.rssBytes }));
        child.send({ type: 'stats' });
      }),
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      await waitExit(child, 'SIGTERM', 3_000);
    },
  };
}

export interface GatewayProcessOptions {
  upstreamUrl: string;
  /** PostgreSQL URL; unset: the embedded database in a temporary DATA_DIR. */
  databaseUrl?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** The checkout to run (default: the current directory), for comparing builds side by side. */
  cwd?: string;
  /** Every piece of the process's stdout and stderr, e.g. for --trace-gc-nvp's lines. */
  onOutput?(chunk: string): void;
  /** Settings of this gateway only, over the environment (e.g. USAGE_EVENTS=off). */
  env?: Record<string, string>;
}

/**
 * The gateway as its own process: the compiled server when `server/dist/main.js` exists
 * (`npm run build:server`), else the sources through tsx. Ready when /readyz answers.
 */
export async function spawnGateway(options: GatewayProcessOptions): Promise<BenchProcess & { compiled: boolean; output: string[] }> {
  const port = await freePort();
  const cwd = options.cwd ?? process.cwd();
  const compiled = existsSync(join(cwd, 'server/dist/main.js'));
  const entry = compiled ? ['server/dist/main.js'] : ['--import', 'tsx', 'server/src/main.ts'];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SERVE_WEB: 'false',
    SHUTDOWN_GRACE_MS: '2000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    PROVIDER_BASE_URL_OPENAI: `${options.upstreamUrl}/v1`,
    ...options.env,
  };
  if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
    env.SECRET_KEY ??= Buffer.alloc(32, 7).toString('base64');
  } else {
    delete env.DATABASE_URL;
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
    tempDirs.add(dataDir);
    env.DATA_DIR = dataDir;
  }
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...entry], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const output: string[] = [];
  const keep = (d: Buffer) => {
    const text = d.toString();
    options.onOutput?.(text);
    output.push(text);
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early:\n${output.join('')}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not become ready:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid ?? -1;
  return {
    name: 'gateway',
    pid,
    url,
    compiled,
    output,
    stats: async () => procStats(pid),
    // SIGTERM lets main.ts drain and exit normally, which is when --cpu-prof writes its profile.
    stop: () => waitExit(child, 'SIGTERM', 20_000),
  };
}
