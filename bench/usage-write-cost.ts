import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { UsageRecord } from '../server/src/services/usage/usage-record.js';
import { startTestServer } from '../test/support/test-app.js';
import { postgresCpuByPid } from './child-ipc.js';
import { median } from './report.js';
import { setUpBenchAccount } from './usage-account.js';
import { usageEventGenerator } from './usage-events.js';

/**
 * `npm run bench:usage-cost [-- --events=N] [-- --runs=N] [-- --db=pg|embedded|both] [-- --rate=N] [-- --prefill=N]`
 *
 * What writing usage costs the gateway process per event: N production-shaped records (the
 * usage benchmark's generator) through the production UsageWriter of an in-process server
 * (events, rollups, charges, last-use touches, alert check), measured with process.cpuUsage().
 * Process-wide, so on the embedded database (PGlite in a worker thread of this process) the SQL
 * execution counts too; on PostgreSQL the server's backends are reported beside it (from /proc,
 * by database name). Also the longest event-loop stall seen while writing (the writer's
 * synchronous slices). PostgreSQL: a scratch database on TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres's server), dropped at the end.
 *
 * By default records are handed over in chunks of CHUNK and flushed, so batches are as large as
 * the writer allows (maxBatchSize). With --rate=N they arrive at N per second instead, as from
 * live traffic, and the writer's own batching (batch size, interval) decides the batches.
 *
 * --prefill=N first stores N events (unmeasured, through the same writer, dated before the
 * measured ones): what writing costs once the table holds events, as a live gateway's does. Each
 * run's events follow the previous run's in time, as live traffic does.
 */

const argv = process.argv.slice(2);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const EVENTS = Number(option('events') ?? 40_000);
const RUNS = Number(option('runs') ?? 3);
const DB = option('db') ?? 'both';
/** Records handed to the writer before waiting for it: a few batches queued, like a busy instance. */
const CHUNK = 2_000;
const RATE = option('rate') === undefined ? null : Number(option('rate'));
const PREFILL = Number(option('prefill') ?? 0);
const HOUR_MS = 3_600_000;
/** --rate: records are handed over every TICK_MS. */
const TICK_MS = 10;
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (s: string) => process.stderr.write(`[bench:usage-cost] ${s}\n`);

/** CPU (µs) of the PostgreSQL backends serving `database`; 0 when /proc is unreadable. */
function backendCpuMicros(database: string): number {
  let total = 0;
  for (const micros of postgresCpuByPid(database).values()) total += micros;
  return total;
}

const HAS_PERF = spawnSync('perf', ['--version']).status === 0;

/**
 * Counts the instructions of this process (all its threads, the PGlite worker too) until the
 * returned stop() resolves with the count; null without `perf`. Far less sensitive to a busy
 * machine than CPU time.
 */
async function countInstructions(): Promise<() => Promise<number | null>> {
  if (!HAS_PERF) return async () => null;
  const perf = spawn('perf', ['stat', '-x,', '-e', 'instructions', '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  perf.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => setTimeout(r, 300)); // attached
  return async () => {
    const closed = new Promise((r) => perf.once('close', r));
    perf.kill('SIGINT');
    await closed;
    const line = out.split('\n').find((l) => l.includes('instructions'));
    const n = Number(line?.split(',')[0]);
    return Number.isFinite(n) ? n : null;
  };
}

interface RunResult {
  kInstrPerEvent: number | null;
  cpuUsPerEvent: number;
  dbCpuUsPerEvent: number | null;
  eventsPerSec: number;
  maxStallMs: number;
}

async function measure(mode: 'pg' | 'embedded'): Promise<RunResult[]> {
  if (mode === 'pg') process.env.TEST_DATABASE_URL = PG_URL;
  else delete process.env.TEST_DATABASE_URL;
  const server = await startTestServer({ LOG_LEVEL: 'warn' });
  const database = server.db.databaseUrl ? new URL(server.db.databaseUrl).pathname.slice(1) : null;
  try {
    const base = server.url;
    const { accountId, accessKeyIds, providerKeyIds } = await setUpBenchAccount(base, {
      email: `usagecost-${Date.now()}@example.com`,
      password: 'usage cost benchmark 1',
      name: 'Usage cost',
      providers: ['openai', 'anthropic', 'google'],
      accessKeys: 8,
      creditPurchases: 1,
    });
    const writer = server.services.usage;
    const now = Date.now();
    const generator = (events: number, seed: number, from: number, to: number) =>
      usageEventGenerator({ accountId, accessKeyIds, providerKeyIds, events, from: new Date(from), to: new Date(to), seed });
    // The last two hours, one slice per run after the warm-up's: a batch falls in one or two hours,
    // and each run's events are newer than everything stored before it, as live traffic's are.
    const slice = (2 * HOUR_MS) / (RUNS + 1);
    const records = (n: number, seed: number, index: number): UsageRecord[] => {
      const from = now - 2 * HOUR_MS + index * slice;
      const g = generator(n, seed, from, from + slice);
      const out: UsageRecord[] = [];
      for (let r = g.next(); r; r = g.next()) out.push(r);
      return out;
    };
    const write = async (batch: readonly UsageRecord[]) => {
      if (RATE !== null) return writeAtRate(batch, RATE);
      for (let i = 0; i < batch.length; i += CHUNK) {
        for (const r of batch.slice(i, i + CHUNK)) writer.record(r);
        await writer.flush();
      }
    };
    const writeAtRate = async (batch: readonly UsageRecord[], perSecond: number) => {
      const t0 = performance.now();
      let handed = 0;
      while (handed < batch.length) {
        const due = Math.min(batch.length, Math.ceil(((performance.now() - t0) / 1000) * perSecond));
        for (; handed < due; handed++) writer.record(batch[handed]);
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
      await writer.flush();
    };
    if (PREFILL > 0) await prefill(writer, generator(PREFILL, 2, now - 4 * HOUR_MS, now - 2 * HOUR_MS));
    await write(records(4_000, 1, 0)); // warm-up: JIT, plans, partitions
    const results: RunResult[] = [];
    for (let run = 0; run < RUNS; run++) {
      const batch = records(EVENTS, 100 + run, run + 1);
      const delay = monitorEventLoopDelay({ resolution: 1 });
      const stopCounting = await countInstructions();
      const db0 = database ? backendCpuMicros(database) : 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      delay.enable();
      await write(batch);
      delay.disable();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const db = database ? backendCpuMicros(database) - db0 : null;
      const instructions = await stopCounting();
      const r: RunResult = {
        kInstrPerEvent: instructions === null ? null : instructions / EVENTS / 1000,
        cpuUsPerEvent: (cpu.user + cpu.system) / EVENTS,
        dbCpuUsPerEvent: db === null ? null : db / EVENTS,
        eventsPerSec: EVENTS / seconds,
        maxStallMs: delay.max / 1e6,
      };
      log(
        `${mode} run ${run + 1}: ${r.cpuUsPerEvent.toFixed(1)} µs CPU/event (gateway process)` +
          `${r.kInstrPerEvent === null ? '' : `, ${r.kInstrPerEvent.toFixed(0)} k instructions/event`}` +
          `${r.dbCpuUsPerEvent === null ? '' : `, ${r.dbCpuUsPerEvent.toFixed(1)} µs/event PostgreSQL backends`}` +
          `, ${Math.round(r.eventsPerSec)} events/s, longest loop stall ${r.maxStallMs.toFixed(1)} ms`,
      );
      results.push(r);
    }
    return results;
  } finally {
    await server.stop();
  }
}

/** Stores the generator's events through the writer as fast as it takes them, logging progress. */
async function prefill(writer: { record(r: UsageRecord): void; flush(): Promise<void> }, g: ReturnType<typeof usageEventGenerator>) {
  const started = performance.now();
  let logged = 0;
  for (let r = g.next(); r; r = g.next()) {
    writer.record(r);
    if (g.produced() % CHUNK === 0) await writer.flush();
    if (g.produced() - logged >= 250_000) {
      logged = g.produced();
      log(`prefilled ${logged} of ${PREFILL} events (${Math.round(logged / ((performance.now() - started) / 1000))} events/s)`);
    }
  }
  await writer.flush();
  log(`prefilled ${PREFILL} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const modes = DB === 'both' ? (['pg', 'embedded'] as const) : ([DB as 'pg' | 'embedded'] as const);
const lines: string[] = [];
for (const mode of modes) {
  const rs = await measure(mode);
  const db = rs[0].dbCpuUsPerEvent === null ? '' : `, PostgreSQL backends ${median(rs.map((r) => r.dbCpuUsPerEvent ?? 0)).toFixed(1)} µs/event`;
  const instr = rs[0].kInstrPerEvent === null ? '' : ` (${median(rs.map((r) => r.kInstrPerEvent ?? 0)).toFixed(0)} k instructions/event)`;
  lines.push(
    `${mode}: median of ${RUNS} × ${EVENTS} events${PREFILL > 0 ? ` after ${PREFILL} stored` : ''}: gateway process ${median(rs.map((r) => r.cpuUsPerEvent)).toFixed(1)} µs CPU/event${instr}${db}, ` +
      `${Math.round(median(rs.map((r) => r.eventsPerSec)))} events/s, longest loop stall ${Math.max(...rs.map((r) => r.maxStallMs)).toFixed(1)} ms`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
