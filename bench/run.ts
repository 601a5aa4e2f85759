import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from 'undici';
import { setUpGatewayAccount } from './gateway-setup.js';
import { runLoad, sampleSequential, slowStreams, type SampleTarget } from './load.js';
import { forkHelper, installCleanup, spawnGateway, type BenchProcess } from './processes.js';
import { describeMachine, renderReport, type Report, type Scenario, type TargetName, type TargetRun } from './report.js';

/**
 * `npm run bench:local [-- --quick] [-- --skip-slow | --slow-only] [-- --stream-only] [-- --cpu-prof[=DIR]] [-- --no-write]`
 *
 * Env: BENCH_DURATION (s per load run, default 10; --quick = 3), BENCH_DATABASE_URL (PostgreSQL
 * instead of the embedded database), BENCH_SLOW_STREAMS (default 1000), BENCH_SAMPLES (default 200).
 *
 * --out=FILE writes the report there instead of bench/RESULTS.md.
 * --cpu-prof runs the gateway under `node --cpu-prof` (profiles to DIR, default /tmp/gateway-cpu-prof)
 * and does not write bench/RESULTS.md, since profiling skews the numbers. Summarise a profile with
 * `npx tsx bench/profile-summary.ts DIR/*.cpuprofile`.
 */

const argv = process.argv.slice(2);
const flag = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const quick = flag('quick');
const cpuProfDir = flag('cpu-prof') ? (argv.find((a) => a.startsWith('--cpu-prof='))?.split('=')[1] ?? '/tmp/gateway-cpu-prof') : undefined;
const resultsPath = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? 'bench/RESULTS.md';
const writeResults = !flag('no-write') && cpuProfDir === undefined;
const durationSec = Number(process.env.BENCH_DURATION ?? (quick ? 3 : 10));
const warmupSec = quick ? 1 : 3;
const slowCount = Number(process.env.BENCH_SLOW_STREAMS ?? 1000);
const samples = Number(process.env.BENCH_SAMPLES ?? 200);
const SLOW_DELAY_MS = 500;
const CHUNKS = 20;
const PATH = '/v1/chat/completions';

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];
const NON_STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages, max_tokens: 64 });
const STREAM_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages, max_tokens: 64, stream: true });
// `openai:` forces the provider, so this pass-through model reaches the upstream, which paces it.
const SLOW_BODY = JSON.stringify({ model: 'openai:bench-slow', messages, max_tokens: 64, stream: true });

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

interface Target {
  name: TargetName;
  proc: BenchProcess;
  headers: Record<string, string>;
}

/** One request per target before measuring anything: a broken target must not produce numbers. */
async function check(t: Target, body: string, expect: string): Promise<void> {
  const client = new Client(t.proc.url);
  try {
    const res = await client.request({ method: 'POST', path: PATH, headers: { 'content-type': 'application/json', ...t.headers }, body });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes(expect)) {
      throw new Error(`${t.name} answered ${res.statusCode}: ${text.slice(0, 500)}`);
    }
  } finally {
    await client.close();
  }
}

async function measure(t: Target, upstream: BenchProcess, body: string, connections: number, seconds: number): Promise<TargetRun> {
  const [before, upBefore] = await Promise.all([t.proc.stats(), upstream.stats()]);
  const result = await runLoad({ url: `${t.proc.url}${PATH}`, body, headers: t.headers, connections, durationSec: seconds });
  const [after, upAfter] = await Promise.all([t.proc.stats(), upstream.stats()]);
  const n = Math.max(1, result.total);
  return {
    ...result,
    target: t.name,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / n,
    upstreamCpuMicrosPerRequest: (upAfter.cpuMicros - upBefore.cpuMicros) / n,
    rssBytes: after.rssBytes,
  };
}

async function main(): Promise<void> {
  installCleanup();
  const notes: string[] = [];
  const processes: BenchProcess[] = [];
  try {
    log('starting the zero-latency upstream and the bare proxy');
    const upstream = await forkHelper('upstream', 'bench/zero-upstream.ts', ['--chunks', String(CHUNKS), '--slow-delay-ms', String(SLOW_DELAY_MS)]);
    processes.push(upstream);
    const proxy = await forkHelper('bare proxy', 'bench/bare-proxy.ts', ['--upstream', upstream.url]);
    processes.push(proxy);

    log('starting the gateway');
    if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
    const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
    const gateway = await spawnGateway({
      upstreamUrl: upstream.url,
      databaseUrl,
      nodeFlags: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    });
    processes.push(gateway);
    const setup = await setUpGatewayAccount(gateway.url);
    if (setup.credits !== 'purchased') notes.push(`purchaseCredits: ${setup.credits}; the gateway ran with whatever credit gate it has.`);

    const targets: Target[] = [
      { name: 'upstream', proc: upstream, headers: {} },
      { name: 'bare proxy', proc: proxy, headers: {} },
      { name: 'gateway', proc: gateway, headers: { authorization: `Bearer ${setup.accessToken}` } },
    ];
    for (const t of targets) {
      await check(t, NON_STREAM_BODY, '"chat.completion"');
      await check(t, STREAM_BODY, '[DONE]');
    }

    log(`warming up (${warmupSec} s per target and mode)`);
    const modes = flag('stream-only') ? [true] : [false, true];
    for (const t of flag('slow-only') ? [] : targets) {
      for (const body of modes.map((streaming) => (streaming ? STREAM_BODY : NON_STREAM_BODY))) {
        await runLoad({ url: `${t.proc.url}${PATH}`, body, headers: t.headers, connections: 16, durationSec: warmupSec });
      }
    }

    const slowOnly = flag('slow-only');
    const scenarios: Scenario[] = [];
    for (const streaming of slowOnly ? [] : modes) {
      for (const connections of [16, 64]) {
        const s: Scenario = {
          name: `${streaming ? `streaming (${CHUNKS} chunks)` : 'non-streaming'}, concurrency ${connections}`,
          streaming,
          connections,
          runs: [],
        };
        for (const t of targets) {
          log(`${s.name}: ${t.name} (${durationSec} s)`);
          s.runs.push(await measure(t, upstream, streaming ? STREAM_BODY : NON_STREAM_BODY, connections, durationSec));
        }
        scenarios.push(s);
      }
    }

    const sampleTargets: SampleTarget[] = targets.map((t) => ({ name: t.name, origin: t.proc.url, headers: t.headers }));
    let latency: Report['latency'];
    let ttfb: Report['ttfb'];
    if (!slowOnly && !flag('stream-only')) {
      log(`sequential latency sampler (${samples} non-streaming requests per target)`);
      latency = await sampleSequential(sampleTargets, PATH, NON_STREAM_BODY, samples);
      log(`sequential TTFB sampler (${samples} streaming requests per target)`);
      ttfb = await sampleSequential(sampleTargets, PATH, STREAM_BODY, samples);
    }

    let slow: Report['slow'];
    await new Promise((r) => setTimeout(r, 1000));
    const gatewayIdleRssBytes = (await gateway.stats()).rssBytes;
    if (!flag('skip-slow')) {
      let slowGateway = gateway;
      let slowHeaders = targets[2].headers;
      if (!slowOnly) {
        // A fresh process: the scenario measures what holding the streams costs, not the heap the
        // throughput runs above left behind (V8 keeps grown heap space for a while).
        log('restarting the gateway for the slow-stream scenario');
        await gateway.stop();
        slowGateway = await spawnGateway({ upstreamUrl: upstream.url, databaseUrl });
        processes.push(slowGateway);
        slowHeaders = { authorization: `Bearer ${(await setUpGatewayAccount(slowGateway.url)).accessToken}` };
      }
      log(`${slowCount} concurrent slow streams through the bare proxy (reference)`);
      const proxySlow = await slowStreams({
        origin: proxy.url,
        path: PATH,
        headers: {},
        body: SLOW_BODY,
        count: slowCount,
        rss: async () => (await proxy.stats()).rssBytes,
      });
      log(`${slowCount} concurrent slow streams through the gateway`);
      const gatewaySlow = await slowStreams({
        origin: slowGateway.url,
        path: PATH,
        headers: slowHeaders,
        body: SLOW_BODY,
        count: slowCount,
        rss: async () => (await slowGateway.stats()).rssBytes,
      });
      slow = { gateway: gatewaySlow, proxy: proxySlow, delayMs: SLOW_DELAY_MS, chunks: CHUNKS };
    }

    notes.push(
      `All processes share the machine's ${describeMachine().cpus} CPUs: the load generator, the upstream and the measured server compete for them, so req/s is a property of the whole set-up; CPU µs per request is the fairer comparison of proxy and gateway.`,
      'The streaming request does not ask for `stream_options.include_usage`, as most clients do not: the gateway injects it upstream (for exact billing) and drops the usage chunk again, so it re-serialises frames, while the bare proxy passes bytes.',
      databaseUrl
        ? 'Database: PostgreSQL (BENCH_DATABASE_URL), a separate process not included in the gateway RSS.'
        : 'Database: the embedded PGlite runs inside the gateway process, so the gateway RSS includes its WASM heap; with DATABASE_URL it would not.',
      'Slow streams use the model `openai:bench-slow` (pass-through with the account\'s own key); the upstream paces any request naming it.',
    );
    if (cpuProfDir) notes.push(`The gateway ran under --cpu-prof (profiles in ${cpuProfDir}): numbers are skewed by the profiler.`);

    const report: Report = {
      machine: describeMachine(),
      durationSec,
      gatewayMode: gateway.compiled ? 'compiled (`node server/dist/main.js`)' : 'sources via tsx (`node --import tsx server/src/main.ts`); run `npm run build:server` for the compiled server',
      database: databaseUrl ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite in a temporary DATA_DIR',
      credits: setup.credits,
      scenarios,
      latency,
      ttfb,
      samples,
      slow,
      gatewayIdleRssBytes,
      notes,
    };
    const markdown = renderReport(report);
    process.stdout.write(`${markdown}\n`);
    if (writeResults) {
      writeFileSync(resultsPath, markdown);
      log(`wrote ${resultsPath}`);
    }
  } finally {
    log('stopping child processes');
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    if (cpuProfDir) log(`CPU profiles in ${cpuProfDir}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
