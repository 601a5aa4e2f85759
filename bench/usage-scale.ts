import 'reflect-metadata';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Pool } from 'undici';
import { loadConfig } from '../server/src/config.js';
import { openOrm } from '../server/src/db/orm.js';
import { createSqlPool } from '../server/src/db/pool.js';
import { createLogger } from '../server/src/logger.js';
import { createMetrics } from '../server/src/metrics.js';
import { buildServices } from '../server/src/services.js';
import { gqlOk } from '../test/support/graphql.js';
import { percentiles } from './load.js';
import { forkHelper, installCleanup, spawnGateway, type BenchProcess } from './processes.js';
import { describeMachine } from './report.js';
import { setUpBenchAccount, type BenchAccount } from './usage-account.js';
import { usageEventGenerator } from './usage-events.js';

/**
 * `npm run bench:usage [-- --events=N] [-- --runs=N] [-- --keep] [-- --no-write]`
 *
 * Seeds N usage events (default 10,000,000) into one account through the production write path
 * (services.usage: the UsageWriter's batches, each one transaction with its hourly rollup upsert,
 * charges and last-use touch), spread over 30 days, while a light /v1 load runs against the
 * gateway (zero-latency upstream). Then times the Usage page's GraphQL operations over HTTP.
 *
 * Database: BENCH_DATABASE_URL (an empty database), else a fresh `usagebench_<random>` database is
 * created through BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * and dropped at the end (`--keep` keeps it). `--queries-only` with BENCH_DATABASE_URL set to a
 * kept database times the queries again (after a migration, say) without seeding. The report goes
 * to bench/USAGE-RESULTS.md (between its markers; `--out FILE` elsewhere, `--no-write` only prints it).
 */

const argv = process.argv.slice(2);
/** `--name=value` or `--name value`. */
function option(name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 3) : argv[i + 1];
}
const flag = (name: string) => argv.includes(`--${name}`);
const EVENTS = Number(option('events') ?? 10_000_000);
const RUNS = Number(option('runs') ?? 30);
const KEYS = Number(option('keys') ?? 24);
const DAYS = 30;
const V1_WORKERS = Number(option('v1-workers') ?? 2);
/** Pause between two requests of one /v1 worker: a light, steady load, not a saturation test. */
const V1_PAUSE_MS = Number(option('v1-pause-ms') ?? 20);
const OUT = option('out') ?? 'bench/USAGE-RESULTS.md';
/** Seeding stops at the end of the round in which this budget runs out (0: no budget). */
const MAX_MINUTES = Number(option('max-minutes') ?? 0);
const ROUND_EVENTS = Number(option('round') ?? 250_000);
const TARGETS = { summaryP50Ms: 100, eventsPageMs: 50, ingestPerSec: 5_000 };
const DAY_MS = 86_400_000;
const PASSWORD = 'usage benchmark password 1';

const log = (s: string) => process.stderr.write(`[bench:usage] ${new Date().toISOString().slice(11, 19)} ${s}\n`);

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return work(given);
  const admin = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `usagebench_${Math.floor(Math.random() * 1e9)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  log(`created database ${name}`);
  try {
    return await work(url.toString());
  } finally {
    if (flag('keep')) log(`kept database ${name}`);
    else {
      await client.query(`drop database if exists "${name}" with (force)`).catch((err: unknown) => log(`could not drop ${name}: ${String(err)}`));
      log(`dropped database ${name}`);
    }
    await client.end();
  }
}

type Account = BenchAccount;

/** The account as an operator would set it up: GraphQL over HTTP. */
function setUpAccount(base: string): Promise<Account> {
  return setUpBenchAccount(base, {
    email: `usagebench-${Date.now()}@example.com`,
    password: PASSWORD,
    name: 'Usage benchmark',
    providers: ['openai', 'anthropic', 'google', 'groq', 'deepseek'],
    accessKeys: KEYS,
    // Enough credit for 10 M synthetic events.
    creditPurchases: 3,
  });
}

interface V1Load {
  stop(): Promise<{ requests: number; errors: number; perSec: number; p50: number; p99: number }>;
}

/** A light, steady /v1 load: a few workers, each sending one non-streaming request after another with a pause. */
function startV1Load(base: string, token: string): V1Load {
  const pool = new Pool(base, { connections: V1_WORKERS });
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 32 });
  const times: number[] = [];
  let errors = 0;
  let running = true;
  const started = performance.now();
  const worker = async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        await res.body.text();
        if (res.statusCode === 200) times.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
      await new Promise((r) => setTimeout(r, V1_PAUSE_MS));
    }
  };
  const workers = Array.from({ length: V1_WORKERS }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      const seconds = (performance.now() - started) / 1000;
      await pool.close();
      const p = percentiles(times);
      return { requests: times.length, errors, perSec: times.length / seconds, p50: p.p50, p99: p.p99 };
    },
  };
}

interface IngestResult {
  events: number;
  planned: number;
  seconds: number;
  perSec: number;
  /** Rates of the 10 s windows. */
  windows: number[];
}

/** Seeds through services.usage (the production UsageWriter) in a second process of the same code. */
async function ingest(databaseUrl: string, account: Account, from: Date, to: Date): Promise<IngestResult & { shape: string; requestIds: string[]; batchSize: number }> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger('warn');
  const orm = await openOrm({ clientUrl: databaseUrl, poolMax: 2 });
  const sql = createSqlPool(databaseUrl, 10);
  const services = buildServices({ config, logger, orm, sql, metrics: createMetrics(), masterKey: config.secretKey ?? '' });
  const writer = services.usage;
  const generator = usageEventGenerator({
    accountId: account.accountId,
    accessKeyIds: account.accessKeyIds,
    providerKeyIds: account.providerKeyIds,
    events: EVENTS,
    from,
    to,
    perRound: ROUND_EVENTS,
  });
  // The writer batches what is queued; the producer keeps a few batches queued (like a busy
  // instance's request path) and waits while the writer is behind.
  const HIGH = 4_000;
  const LOW = 2_000;
  const windows: number[] = [];
  const started = performance.now();
  let windowStart = started;
  let windowWritten = 0;
  const written = () => generator.produced() - writer.pending;
  let lastLog = started;
  for (;;) {
    const overBudget = () => MAX_MINUTES > 0 && performance.now() - started > MAX_MINUTES * 60_000;
    let stop = false;
    while (writer.pending < HIGH) {
      const record = generator.next();
      if (!record) break;
      writer.record(record);
      if (generator.roundEnded() && overBudget()) {
        stop = true;
        break;
      }
    }
    if (stop || generator.produced() >= EVENTS) break;
    while (writer.pending > LOW) await new Promise((r) => setTimeout(r, 2));
    const now = performance.now();
    if (now - windowStart >= 10_000) {
      const w = written();
      windows.push(((w - windowWritten) * 1000) / (now - windowStart));
      windowStart = now;
      windowWritten = w;
    }
    if (now - lastLog >= 60_000) {
      lastLog = now;
      const w = written();
      // The heap is logged so that growth per event (the writer's waiter leak once) shows in minutes, not at the OOM.
      const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
      log(`${w.toLocaleString('en')} events written (${Math.round((w * 1000) / (now - started))}/s overall, last window ${Math.round(windows.at(-1) ?? 0)}/s; heap ${heapMb} MB)`);
    }
  }
  await writer.flush();
  const seconds = (performance.now() - started) / 1000;
  await services.stop();
  await orm.close(true);
  await sql.end();
  return {
    events: generator.produced(),
    planned: EVENTS,
    seconds,
    perSec: generator.produced() / seconds,
    windows,
    shape: generator.describe(),
    requestIds: generator.sampleRequestIds(),
    batchSize: 200,
  };
}

interface Timing {
  name: string;
  target: number;
  p50: number;
  p95: number;
  rows: number;
}

const BUCKET = 'key requests errors inputTokens outputTokens costUsd spendUsd cacheHits';
const EVENT_FIELDS = `id requestId createdAt accessKeyId endpoint provider model status streamed inputTokens outputTokens tokensEstimated
  latencyMs keySource providerKeyId feeUsd upstreamCostUsd totalCostUsd errorCode
  attempts { provider model providerKeyId keySource status error latencyMs } firewall { policyId rule action count }`;

/** Times one GraphQL document over HTTP (keep-alive): warm-up runs, then `RUNS` measured ones. */
async function timeQuery(
  pool: Pool,
  session: string,
  name: string,
  target: number,
  query: string,
  variables: Record<string, unknown>,
  count: (data: Record<string, unknown>) => number,
): Promise<Timing> {
  const body = JSON.stringify({ query, variables });
  const once = async () => {
    const t0 = performance.now();
    const res = await pool.request({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body,
    });
    const json = (await res.body.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    const ms = performance.now() - t0;
    if (json.errors?.length || !json.data) throw new Error(`${name}: ${JSON.stringify(json.errors)}`);
    return { ms, rows: count(json.data) };
  };
  for (let i = 0; i < 3; i++) await once();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await once();
    times.push(r.ms);
    rows = r.rows;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { name, target, p50: at(0.5), p95: at(0.95), rows };
}

async function timeQueries(base: string, account: Account, requestIds: string[], to: Date): Promise<Timing[]> {
  const pool = new Pool(base, { connections: 1 });
  const s = account.session;
  const from30 = new Date(to.getTime() - DAYS * DAY_MS).toISOString();
  const from7 = new Date(to.getTime() - 7 * DAY_MS).toISOString();
  const toIso = to.toISOString();
  const summary = `query($from: DateTime!, $to: DateTime, $groupBy: UsageGroupBy!, $filter: UsageFilter) {
    usageSummary(from: $from, to: $to, groupBy: $groupBy, filter: $filter) { ${BUCKET} } }`;
  const buckets = (d: Record<string, unknown>) => (d.usageSummary as unknown[]).length;
  const page = `query($filter: UsageFilter, $first: Int!) { usageEvents(filter: $filter, first: $first) { nodes { ${EVENT_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
  const nodes = (d: Record<string, unknown>) => (d.usageEvents as { nodes: unknown[] }).nodes.length;
  const out: Timing[] = [];
  const t = async (...args: Parameters<typeof timeQuery> extends [Pool, string, ...infer R] ? R : never) => {
    const r = await timeQuery(pool, s, ...args);
    log(`${r.name}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms (${r.rows} rows)`);
    out.push(r);
  };
  // What any GraphQL request costs here (HTTP, auth, Apollo): the floor under every figure below.
  await t('baseline: { me { id } }', TARGETS.eventsPageMs, '{ me { id } }', {}, () => 1);
  const key = account.accessKeyIds[0];
  const quietKey = account.accessKeyIds.at(-1);
  for (const groupBy of ['DAY', 'PROVIDER', 'MODEL', 'ACCESS_KEY']) {
    await t(`usageSummary ${groupBy}, 30 days`, TARGETS.summaryP50Ms, summary, { from: from30, to: toIso, groupBy }, buckets);
  }
  await t('usageSummary HOUR, 7 days', TARGETS.summaryP50Ms, summary, { from: from7, to: toIso, groupBy: 'HOUR' }, buckets);
  await t('usageSummary DAY, 30 days, filter accessKeyId', TARGETS.summaryP50Ms, summary, { from: from30, to: toIso, groupBy: 'DAY', filter: { accessKeyId: key } }, buckets);
  await t('usageSummary DAY, 30 days, filter model', TARGETS.summaryP50Ms, summary, { from: from30, to: toIso, groupBy: 'DAY', filter: { model: 'gpt-4o-mini' } }, buckets);
  await t('usageSummary MODEL, 30 days, errorsOnly', TARGETS.summaryP50Ms, summary, { from: from30, to: toIso, groupBy: 'MODEL', filter: { errorsOnly: true } }, buckets);
  // The Usage page's own document: four groupings in one request.
  const uiDoc = `query($from: DateTime!, $to: DateTime, $filter: UsageFilter) {
    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) { ${BUCKET} }
    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) { ${BUCKET} }
    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) { ${BUCKET} }
    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) { ${BUCKET} } }`;
  await t('Usage page charts (4 summaries in one document), 30 days', 4 * TARGETS.summaryP50Ms, uiDoc, { from: from30, to: toIso, filter: { from: from30, to: null } }, (d) =>
    Object.values(d).reduce<number>((n, v) => n + (v as unknown[]).length, 0),
  );
  // usageEvents as the page asks (25 rows, the page's date range in the filter).
  const range = { from: from30, to: null };
  await t('usageEvents first page, 30 days', TARGETS.eventsPageMs, page, { first: 25, filter: range }, nodes);
  await t('usageEvents first page, accessKeyId (busiest key)', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, accessKeyId: key } }, nodes);
  await t('usageEvents first page, accessKeyId (quietest key)', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, accessKeyId: quietKey } }, nodes);
  await t('usageEvents first page, model', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, model: 'claude-sonnet-4-5' } }, nodes);
  await t('usageEvents first page, errorsOnly', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, errorsOnly: true } }, nodes);
  await t('usageEvents first page, status 504', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, status: 504 } }, nodes);
  await t('usageEvents first page, provider + errorsOnly', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, provider: 'anthropic', errorsOnly: true } }, nodes);
  const requestId = requestIds[Math.floor(requestIds.length / 2)] ?? requestIds[0];
  await t('usageEvents, requestId', TARGETS.eventsPageMs, page, { first: 25, filter: { ...range, requestId } }, nodes);
  await t('usageRequest(requestId)', TARGETS.eventsPageMs, `query($id: String!) { usageRequest(requestId: $id) { ${EVENT_FIELDS} } }`, { id: requestId }, (d) =>
    d.usageRequest ? 1 : 0,
  );
  await pool.close();
  return out;
}

interface DbFacts {
  version: string;
  settings: string;
  eventRows: number;
  rollupRows: number;
  eventBytes: string;
  rollupBytes: string;
  partitions: number;
}

async function dbFacts(url: string, accountId: string): Promise<DbFacts> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async <T>(q: string, params: unknown[] = []) => (await c.query(q, params)).rows[0] as T;
    const version = (await one<{ v: string }>('select version() as v')).v.split(' on ')[0];
    const settings = (
      await c.query(`select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'synchronous_commit')`)
    ).rows
      .map((r: { name: string; setting: string; unit: string | null }) => `${r.name}=${r.setting}${r.unit ?? ''}`)
      .join(', ');
    const eventRows = Number((await one<{ n: string }>('select count(*) as n from usage_event where account_id = $1', [accountId])).n);
    const rollupRows = Number((await one<{ n: string }>('select count(*) as n from usage_rollup where account_id = $1', [accountId])).n);
    const sizes = await one<{ e: string; r: string; p: string }>(
      `select pg_size_pretty(sum(pg_total_relation_size(i.inhrelid))) as e, pg_size_pretty(pg_total_relation_size('usage_rollup')) as r, count(*)::text as p
         from pg_inherits i where i.inhparent = 'usage_event'::regclass`,
    );
    return { version, settings, eventRows, rollupRows, eventBytes: sizes.e, rollupBytes: sizes.r, partitions: Number(sizes.p) };
  } finally {
    await c.end();
  }
}

/** Total requests the summaries report for the whole seeded range: must equal the raw events. */
async function summaryTotal(base: string, session: string, from: Date): Promise<number> {
  const d = await gqlOk<{ usageSummary: { requests: number }[] }>(
    base,
    'query($from: DateTime!) { usageSummary(from: $from, groupBy: PROVIDER) { requests } }',
    { from: from.toISOString() },
    session,
  );
  return d.usageSummary.reduce((n, b) => n + b.requests, 0);
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const met = (ok: boolean) => (ok ? 'met' : '**missed**');

function machineLine(started: string, command: string, facts: DbFacts, loadBefore: number[], loadAfter: number[]): string {
  const m = describeMachine();
  return (
    `_${started}: \`${command}\`; ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB, node ${m.node}, ${facts.version}; ` +
    `load average ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' / ')} after (1/5/15 min)._`
  );
}

function renderIngest(o: {
  ingest: Awaited<ReturnType<typeof ingest>>;
  v1: Awaited<ReturnType<V1Load['stop']>>;
  facts: DbFacts;
  summaryTotal: number;
  machine: string;
  gatewayMode: string;
}): string {
  const sortedWindows = [...o.ingest.windows].sort((a, b) => a - b);
  const median = sortedWindows[Math.floor(sortedWindows.length / 2)] ?? o.ingest.perSec;
  const slowest = sortedWindows[0] ?? o.ingest.perSec;
  return [
    o.machine,
    '',
    ...(o.ingest.events < o.ingest.planned
      ? [`- Seeding stopped by the time budget (--max-minutes ${MAX_MINUTES}) after ${o.ingest.events.toLocaleString('en')} of ${o.ingest.planned.toLocaleString('en')} planned events (whole rounds of ${ROUND_EVENTS.toLocaleString('en')}, each spread over all ${DAYS} days).`]
      : []),
    `- Data: ${o.facts.eventRows.toLocaleString('en')} raw events in one account (${o.facts.partitions} daily partitions, ${o.facts.eventBytes}), ` +
      `${o.facts.rollupRows.toLocaleString('en')} hourly rollup rows (${o.facts.rollupBytes}); ${o.ingest.shape}.`,
    `- Summaries vs raw events: the summaries report ${o.summaryTotal.toLocaleString('en')} requests, the table holds ${o.facts.eventRows.toLocaleString('en')} events ` +
      `(${o.summaryTotal === o.facts.eventRows ? 'equal' : '**different**'}).`,
    `- PostgreSQL settings: ${o.facts.settings}. Gateway: ${o.gatewayMode}.`,
    '',
    '| ingest (production UsageWriter, batches of 200) | value | goal | |',
    '|---|---:|---:|---|',
    `| events/s over the whole run (${o.ingest.seconds.toFixed(0)} s) | ${Math.round(o.ingest.perSec).toLocaleString('en')} | ≥ ${TARGETS.ingestPerSec.toLocaleString('en')} | ${met(o.ingest.perSec >= TARGETS.ingestPerSec)} |`,
    `| events/s, median 10 s window | ${Math.round(median).toLocaleString('en')} | | |`,
    `| events/s, slowest 10 s window | ${Math.round(slowest).toLocaleString('en')} | | |`,
    `| /v1 meanwhile (${V1_WORKERS} workers, ${V1_PAUSE_MS} ms pause): requests/s | ${o.v1.perSec.toFixed(1)} | | ${o.v1.errors} errors |`,
    `| /v1 latency p50 / p99 (ms) | ${ms(o.v1.p50)} / ${ms(o.v1.p99)} | | |`,
  ].join('\n');
}

function renderQueries(machine: string, facts: DbFacts, timings: Timing[]): string {
  return [
    machine,
    '',
    `${facts.eventRows.toLocaleString('en')} raw events, ${facts.rollupRows.toLocaleString('en')} hourly rollup rows in the account.`,
    '',
    `| GraphQL over HTTP (${RUNS} runs after 3 warm-up) | rows | p50 ms | p95 ms | goal | |`,
    '|---|---:|---:|---:|---:|---|',
    ...timings.map((t) => `| ${t.name} | ${t.rows} | ${ms(t.p50)} | ${ms(t.p95)} | ≤ ${t.target} | ${met(t.p50 <= t.target)} |`),
  ].join('\n');
}

/** Replaces the section between `<!-- bench:usage:<name>:start/end -->` in the results file. */
function writeSection(name: string, body: string): void {
  const start = `<!-- bench:usage:${name}:start -->`;
  const end = `<!-- bench:usage:${name}:end -->`;
  const text = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '# Usage at scale: benchmark results\n';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const section = `${start}\n${body}\n${end}`;
  writeFileSync(OUT, i >= 0 && j > i ? text.slice(0, i) + section + text.slice(j + end.length) : `${text.trimEnd()}\n\n${section}\n`);
}

/** The account a previous run seeded (`--queries-only` on a kept database): logged in again. */
async function findAccount(base: string, databaseUrl: string): Promise<{ account: Account; requestIds: string[] }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string; email: string }>(`select id, email from account where email like 'usagebench-%' order by created_at desc limit 1`);
    if (!rows[0]) throw new Error('no seeded account in this database: run without --queries-only first');
    const { id, email } = rows[0];
    const keys = await c.query<{ id: string }>(`select id from access_key where account_id = $1 order by created_at, id`, [id]);
    const providerKeys = await c.query<{ id: string }>(`select id from provider_key where account_id = $1`, [id]);
    const sample = await c.query<{ request_id: string }>(
      `select request_id from usage_event where account_id = $1 and created_at >= now() - interval '16 days' and created_at < now() - interval '15 days' limit 5`,
      [id],
    );
    const { logIn } = await gqlOk<{ logIn: { token: string } }>(
      base,
      'mutation($input: LogInInput!) { logIn(input: $input) { token } }',
      { input: { email, password: PASSWORD } },
    );
    const account = { session: logIn.token, accountId: id, accessToken: '', accessKeyIds: keys.rows.map((r) => r.id), providerKeyIds: providerKeys.rows.map((r) => r.id) };
    return { account, requestIds: sample.rows.map((r) => r.request_id) };
  } finally {
    await c.end();
  }
}

async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('vacuum (analyze) usage_rollup');
    await c.query('vacuum (analyze) usage_event');
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  installCleanup();
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const loadBefore = loadavg();
  const queriesOnly = flag('queries-only');
  await withDatabase(async (databaseUrl) => {
    const processes: BenchProcess[] = [];
    try {
      const upstream = await forkHelper('upstream', 'bench/zero-upstream.ts', ['--chunks', '5']);
      processes.push(upstream);
      log('starting the gateway (runs the migrations)');
      const gateway = await spawnGateway({ upstreamUrl: upstream.url, databaseUrl });
      processes.push(gateway);
      const gatewayMode = gateway.compiled ? 'compiled (server/dist)' : 'sources via tsx';
      let account: Account;
      let requestIds: string[];
      let ingestSection: string | undefined;
      if (queriesOnly) {
        ({ account, requestIds } = await findAccount(gateway.url, databaseUrl));
        log(`account ${account.accountId} found; timing queries only`);
        await vacuumAnalyze(databaseUrl);
      } else {
        account = await setUpAccount(gateway.url);
        log(`account ${account.accountId}: ${account.accessKeyIds.length} access keys`);
        // Seeded events end a few minutes ago; the /v1 load adds today's.
        const to = new Date(Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000);
        const from = new Date(to.getTime() - DAYS * DAY_MS);
        log(`seeding ${EVENTS.toLocaleString('en')} events from ${from.toISOString()} to ${to.toISOString()} with /v1 load`);
        const v1 = startV1Load(gateway.url, account.accessToken);
        const seeded = await ingest(databaseUrl, account, from, to);
        const v1Result = await v1.stop();
        log(`ingest: ${Math.round(seeded.perSec)} events/s over ${seeded.seconds.toFixed(0)} s; /v1: ${v1Result.perSec.toFixed(1)} req/s`);
        requestIds = seeded.requestIds;
        // Let the gateway's writer flush the /v1 events, then settle the statistics as autovacuum would.
        await new Promise((r) => setTimeout(r, 1_500));
        log('vacuum analyze');
        await vacuumAnalyze(databaseUrl);
        const facts = await dbFacts(databaseUrl, account.accountId);
        const total = await summaryTotal(gateway.url, account.session, new Date(from.getTime() - DAY_MS));
        const machine = machineLine(started, `npm run bench:usage -- --events ${EVENTS}`, facts, loadBefore, loadavg());
        ingestSection = renderIngest({ ingest: seeded, v1: v1Result, facts, summaryTotal: total, machine, gatewayMode });
        process.stdout.write(`${ingestSection}\n\n`);
        if (!flag('no-write')) writeSection('ingest', ingestSection);
      }
      // Seeding may run niced (a shared machine); the timed queries run at normal priority.
      const reniced = [process.pid, gateway.pid].every((pid) => {
        try {
          setPriority(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      if (!reniced) log('could not reset the priority to 0 for the query timings (needs privileges)');
      const queryStart = loadavg();
      const timings = await timeQueries(gateway.url, account, requestIds, new Date());
      const facts = await dbFacts(databaseUrl, account.accountId);
      const machine = machineLine(
        new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        queriesOnly ? 'npm run bench:usage -- --queries-only' : `npm run bench:usage -- --events ${EVENTS}`,
        facts,
        queryStart,
        loadavg(),
      );
      const queriesSection = renderQueries(machine, facts, timings);
      process.stdout.write(`${queriesSection}\n`);
      if (!flag('no-write')) {
        writeSection('queries', queriesSection);
        log(`report: ${OUT}`);
      }
    } finally {
      for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
