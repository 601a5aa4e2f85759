import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresCpuByPid, procStats } from './child-ipc.js';
import { setUpGatewayAccount } from './gateway-setup.js';
import { installCleanup, pin, spawnGateway, type BenchProcess } from './processes.js';
import { median } from './report.js';
import { createTestDatabase, type TestDatabase } from '../test/support/db.js';

/**
 * `npm run bench:ab -- DIR [NAME=VALUE …] [DIR …]`: built checkouts side by side against the shared benchmark's
 * bare proxy, in one run, rounds interleaved, as the shared `compare.sh` measures one target.
 *
 * This machine's speed drifts by more than one change moves (bench/RESULTS.md, sessions 11–16), so
 * runs one after the other cannot compare two builds; rounds alternating between them can. The
 * shared mock upstream and wrk run on cpu1, the bare proxy and every gateway on cpu0 (each DIR
 * built with `npm run build:server`, on its own fresh PostgreSQL database, or the embedded one with
 * DB=embedded). Each cycle runs one wrk round per target, the order rotated per cycle; per round it
 * takes the server's CPU per request from /proc, req/s and wrk's p99, and, on PostgreSQL, the CPU
 * all of PostgreSQL's server processes spent per request (postgresCpuByPid). It prints each
 * round, the medians of the per-cycle ratios against the bare proxy, and each server's peak RSS.
 * NAME=VALUE after a DIR sets that gateway's environment: `npm run bench:ab -- . . USAGE_EVENTS=off`
 * runs one build both ways.
 *
 * Env: ROUNDS (cycles, default 7), ROUND_S (seconds per round, 4), CONC (64), STREAM=1 (streaming
 * requests, 20 chunks), DB=embedded, CPU_PROF=DIR and HEAP_PROF=DIR (profiles, see PROFILES),
 * PG_CPU=1 (PostgreSQL off cpu0, see PG_CPU), SHARED_BENCH_DIR (default bench/.shared-bench, which
 * `npm run bench` fills).
 */

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ROUND_S = Number(process.env.ROUND_S ?? 4);
const CONC = Number(process.env.CONC ?? 64);
const STREAM = process.env.STREAM === '1';
const EMBEDDED = process.env.DB === 'embedded';
/**
 * CPU_PROF=DIR / HEAP_PROF=DIR: each gateway runs under node --cpu-prof (read its profiles with
 * bench/profile-summary.ts) or --heap-prof (sampled allocations still live at exit, i.e. what the
 * gateway keeps; Chrome DevTools reads them), its files in DIR/<its number>.
 */
const PROFILES = { cpu: process.env.CPU_PROF, heap: process.env.HEAP_PROF };
/** PG_CPU=N: the local PostgreSQL server runs on CPU N for the run (bench/pin-postgres.sh), off the gateways' cpu0. */
const PG_CPU = EMBEDDED ? undefined : process.env.PG_CPU;
const MOCK_PORT = 9100;
const BARE_PORT = 9200;
const UPSTREAM_KEY = 'sk-bench-0000000000000000'; // the provider key setUpGatewayAccount stores
const BODY = JSON.stringify({
  model: 'openai:gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  max_tokens: 64,
  ...(STREAM && { stream: true, stream_options: { include_usage: true } }),
});

const here = dirname(fileURLToPath(import.meta.url));

function profilerFlags(gateway: number): string[] {
  const flags: string[] = [];
  for (const [kind, dir] of Object.entries(PROFILES)) if (dir) flags.push(`--${kind}-prof`, `--${kind}-prof-dir=${dir}/${gateway}`);
  return flags;
}

/** bench/pin-postgres.sh: PostgreSQL's processes onto `cpus` ('all' gives them every CPU back). */
function pinPostgres(cpus: string): void {
  const { status } = spawnSync(join(here, 'pin-postgres.sh'), [cpus], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (status !== 0) throw new Error(`bench/pin-postgres.sh ${cpus} failed`);
}

/** `npm run bench`'s copy of the shared bench: its bare proxy needs the undici installed there. */
function sharedBenchDir(): string {
  const dir = process.env.SHARED_BENCH_DIR ?? join(here, '.shared-bench');
  if (!existsSync(join(dir, 'node_modules/undici'))) {
    throw new Error(`${dir} has no undici: run npm run bench once (a smoke run will do, see bench/RESULTS.md), or set SHARED_BENCH_DIR`);
  }
  return resolve(dir);
}

/** A shared bench script (no dependencies but undici, which `npm run bench` installs there) on a CPU, until we exit. */
async function startShared(dir: string, script: string, cpu: number, env: Record<string, string>, port: number): Promise<ChildProcess> {
  // stderr shown: a port already taken must not go unnoticed while something else answers on it.
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, join(dir, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  process.on('exit', () => child.kill('SIGKILL'));
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      // Answered: by this child only if it is still running (it exits when the port is taken).
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${script} did not start on port ${port} (taken by another process?)`);
}

/** CPU spent between two readings of postgresCpuByPid: a process that exited in between drops out rather than counting negative. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0);
  return total;
}

interface WrkResult {
  requests: number;
  duration_us: number;
  errors: Record<string, number>;
  lat_us: { p99: number };
}

function wrk(shared: string, url: string, token: string | undefined, seconds: number): Promise<WrkResult> {
  const args = ['-c', '1', 'wrk', '-t1', `-c${CONC}`, `-d${seconds}s`, '--timeout', '10s', '-s', join(shared, 'wrk-post.lua'), url];
  const headers = token ? `Authorization: Bearer ${token}` : '';
  return new Promise((resolvePromise, reject) => {
    const p = spawn('taskset', args, { env: { ...process.env, BODY, HEADERS: headers } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', () => {
      const m = /RESULT (\{.*\})/.exec(out);
      if (m?.[1]) resolvePromise(JSON.parse(m[1]) as WrkResult);
      else reject(new Error(`wrk failed: ${out}`));
    });
  });
}

interface Target {
  name: string;
  url: string;
  token?: string;
  pid: number;
  stop(): Promise<void>;
}

interface Round {
  cpuPerRequest: number;
  rps: number;
  p99Ms: number;
  postgresPerRequest: number;
  failed: number;
}

async function round(shared: string, t: Target, seconds: number): Promise<Round> {
  const [before, pgBefore] = [procStats(t.pid), postgresCpuByPid()];
  const r = await wrk(shared, `${t.url}/v1/chat/completions`, t.token, seconds);
  const [after, pgAfter] = [procStats(t.pid), postgresCpuByPid()];
  const n = Math.max(1, r.requests);
  return {
    cpuPerRequest: (after.cpuMicros - before.cpuMicros) / n,
    rps: r.requests / (r.duration_us / 1e6),
    p99Ms: r.lat_us.p99 / 1000,
    postgresPerRequest: cpuBetween(pgBefore, pgAfter) / n,
    failed: Object.values(r.errors).reduce((a, b) => a + b, 0),
  };
}

/** The gateways to run: each DIR argument, with the NAME=VALUE arguments after it as its environment. */
function gatewaysOf(args: readonly string[]): { dir: string; env: Record<string, string> }[] {
  const gateways: { dir: string; env: Record<string, string> }[] = [];
  for (const arg of args) {
    const setting = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(arg);
    const last = gateways[gateways.length - 1];
    if (!setting) gateways.push({ dir: resolve(arg), env: {} });
    else if (last) last.env[setting[1] as string] = setting[2] as string;
    else throw new Error(`${arg}: a setting applies to the DIR before it`);
  }
  return gateways;
}

async function main(): Promise<void> {
  installCleanup();
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  if (EMBEDDED) delete process.env.TEST_DATABASE_URL;
  const gateways = gatewaysOf(process.argv.slice(2));
  if (gateways.length === 0) throw new Error('usage: npm run bench:ab -- DIR [NAME=VALUE …] [DIR …] (each DIR built with npm run build:server)');
  const shared = sharedBenchDir();
  pin(process.pid, 1);
  if (PG_CPU !== undefined) {
    pinPostgres(PG_CPU);
    process.on('exit', () => pinPostgres('all'));
  }
  const mock = await startShared(shared, 'mock-upstream.mjs', 1, { MOCK_PORT: String(MOCK_PORT), MOCK_KEY: UPSTREAM_KEY }, MOCK_PORT);
  const bare = await startShared(shared, 'bare-proxy.mjs', 0, { UPSTREAM: `http://127.0.0.1:${MOCK_PORT}`, PORT: String(BARE_PORT) }, BARE_PORT);
  const targets: Target[] = [
    { name: 'bare', url: `http://127.0.0.1:${BARE_PORT}`, token: UPSTREAM_KEY, pid: bare.pid ?? -1, stop: async () => void bare.kill() },
  ];
  const databases: TestDatabase[] = [];
  for (const [i, { dir, env }] of gateways.entries()) {
    const db = await createTestDatabase();
    databases.push(db);
    const nodeFlags = profilerFlags(i + 1);
    const gateway: BenchProcess = await spawnGateway({ upstreamUrl: `http://127.0.0.1:${MOCK_PORT}`, databaseUrl: db.databaseUrl, cwd: dir, env, nodeFlags });
    pin(gateway.pid, 0);
    const { accessToken } = await setUpGatewayAccount(gateway.url);
    const settings = Object.entries(env).map(([k, v]) => ` ${k}=${v}`).join('');
    targets.push({ name: `${i + 1}:${dir}${settings}`, url: gateway.url, token: accessToken, pid: gateway.pid, stop: () => gateway.stop() });
  }
  try {
    for (const t of targets) await round(shared, t, 3); // warm-up
    const rounds = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
    for (let cycle = 0; cycle < ROUNDS; cycle++) {
      const order = targets.map((_, i) => targets[(i + cycle) % targets.length] as Target);
      for (const t of order) {
        const r = await round(shared, t, ROUND_S);
        rounds.get(t.name)?.push(r);
        console.log(
          `cycle ${cycle} ${t.name.padEnd(24)} ${r.cpuPerRequest.toFixed(1)} µs/req  ${Math.round(r.rps)} req/s  p99 ${r.p99Ms.toFixed(1)} ms` +
            `  postgres ${r.postgresPerRequest.toFixed(1)} µs/req${r.failed ? `  FAILED ${r.failed}` : ''}`,
        );
      }
    }
    const bareRounds = rounds.get('bare') ?? [];
    console.log(`\n${STREAM ? 'streaming' : 'non-streaming'}, c=${CONC}, ${ROUNDS} × ${ROUND_S} s, ${EMBEDDED ? 'embedded' : 'PostgreSQL'}; medians (ratio: per cycle, against bare)`);
    for (const t of targets) {
      const rs = rounds.get(t.name) ?? [];
      const ratio = (f: (r: Round) => number) => median(rs.map((r, i) => f(r) / f(bareRounds[i] as Round))).toFixed(2);
      console.log(
        `${t.name.padEnd(24)} CPU ${median(rs.map((r) => r.cpuPerRequest)).toFixed(1)} µs (${ratio((r) => r.cpuPerRequest)}×)` +
          `  ${Math.round(median(rs.map((r) => r.rps)))} req/s (${ratio((r) => r.rps)}×)  p99 ${median(rs.map((r) => r.p99Ms)).toFixed(1)} ms (${ratio((r) => r.p99Ms)}×)` +
          `  postgres ${median(rs.map((r) => r.postgresPerRequest)).toFixed(1)} µs/req  peak RSS ${(procStats(t.pid).hwmBytes / 2 ** 20).toFixed(0)} MB`,
      );
    }
  } finally {
    for (const t of targets) await t.stop();
    for (const db of databases) await db.drop();
    // A running child keeps this process alive: the run would not end.
    mock.kill();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
