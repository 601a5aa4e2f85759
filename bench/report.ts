import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem } from 'node:os';
import type { LoadResult, SampleResult, SlowStreamsResult } from './load.js';

/** Markdown rendering of one benchmark run. Numbers are reported, never asserted. */

/** The middle value of repeated measurements (the upper middle one for an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  date: string;
}

export function describeMachine(): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
  };
}

export type TargetName = 'upstream' | 'bare proxy' | 'gateway';

export interface TargetRun extends LoadResult {
  target: TargetName;
  /** CPU µs per request of the measured process itself (for `upstream`: the upstream alone). */
  cpuMicrosPerRequest: number;
  /** CPU µs per request the upstream spent while serving this target (it is shared by all). */
  upstreamCpuMicrosPerRequest: number;
  rssBytes: number;
}

export interface Scenario {
  name: string;
  streaming: boolean;
  connections: number;
  runs: TargetRun[];
}

export interface Report {
  machine: Machine;
  durationSec: number;
  gatewayMode: string;
  database: string;
  credits: string;
  scenarios: Scenario[];
  latency: Record<string, SampleResult> | undefined;
  ttfb: Record<string, SampleResult> | undefined;
  samples: number;
  slow: { gateway: SlowStreamsResult; proxy?: SlowStreamsResult; delayMs: number; chunks: number } | undefined;
  gatewayIdleRssBytes: number;
  notes: string[];
}

const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const mark = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '✅ pass' : '❌ fail');

/** How long one paced stream takes on its own. */
function oneStreamSec(r: Report): number {
  return r.slow ? ((r.slow.chunks - 1) * r.slow.delayMs) / 1000 : NaN;
}

function find(s: Scenario, t: TargetName): TargetRun | undefined {
  return s.runs.find((r) => r.target === t);
}

interface Ratios {
  throughput: number;
  cpu: number;
  addedP50: number;
  addedP99: number;
}

function ratios(s: Scenario): Ratios | undefined {
  const p = find(s, 'bare proxy');
  const g = find(s, 'gateway');
  if (!p || !g) return undefined;
  return {
    throughput: g.requestsPerSec / p.requestsPerSec,
    cpu: g.cpuMicrosPerRequest / p.cpuMicrosPerRequest,
    addedP50: g.latency.p50 - p.latency.p50,
    addedP99: g.latency.p99 - p.latency.p99,
  };
}

export function renderReport(r: Report): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# Gateway benchmark results', '');
  out.push(
    'Produced by `npm run bench` (`bench/run.ts`). Zero-latency simulated upstream, a bare undici reverse proxy as the',
    'baseline, and the gateway, each in its own process on the same machine; load from autocannon in the orchestrator process.',
    '',
  );
  out.push('## Machine', '');
  out.push('| | |', '|---|---|');
  out.push(`| CPUs (nproc) | ${m.cpus} |`);
  out.push(`| CPU model | ${m.cpuModel} |`);
  out.push(`| Memory | ${m.memoryGiB.toFixed(1)} GiB |`);
  out.push(`| Node | ${m.node} |`);
  out.push(`| Kernel | ${m.kernel} |`);
  out.push(`| Date | ${m.date} |`);
  out.push(`| Gateway | ${r.gatewayMode} |`);
  out.push(`| Database | ${r.database} |`);
  out.push(`| Credits | ${r.credits} |`);
  out.push(`| Load duration | ${r.durationSec} s per run |`);
  out.push('');

  // Targets summary.
  out.push('## Targets', '');
  out.push('| Target | Measured | Goal | Result |', '|---|---|---|---|');
  const nonStream = r.scenarios.filter((s) => !s.streaming);
  for (const s of nonStream) {
    const q = ratios(s);
    if (q) out.push(`| Non-streaming throughput vs bare proxy, c=${s.connections} | ${f(q.throughput)}× | ≥ 0.8× | ${mark(q.throughput >= 0.8)} |`);
  }
  for (const s of r.scenarios) {
    const q = ratios(s);
    if (q) out.push(`| CPU per request vs bare proxy, ${s.name} | ${f(q.cpu)}× | ≤ 1.5× | ${mark(q.cpu <= 1.5)} |`);
  }
  if (r.latency?.gateway && r.latency['bare proxy']) {
    const d = r.latency.gateway.total.p50 - r.latency['bare proxy'].total.p50;
    out.push(`| Added p50 latency, non-streaming, unloaded (sequential) | ${f(d, 3)} ms | < 0.5 ms | ${mark(d < 0.5)} |`);
  }
  for (const s of nonStream) {
    const q = ratios(s);
    if (q) out.push(`| Added p50 latency, non-streaming under load c=${s.connections} | ${f(q.addedP50, 3)} ms | (< 0.5 ms) | ${mark(q.addedP50 < 0.5)} |`);
  }
  if (r.ttfb?.gateway && r.ttfb['bare proxy']) {
    const d = r.ttfb.gateway.ttfb.p50 - r.ttfb['bare proxy'].ttfb.p50;
    out.push(`| Streaming TTFB overhead p50, unloaded (sequential) | ${f(d, 3)} ms | < 1 ms | ${mark(d < 1)} |`);
  }
  if (r.slow) {
    const g = r.slow.gateway;
    out.push(`| Gateway RSS at peak, ${g.streams} concurrent slow streams | ${mb(g.peakRssBytes)} MB | < 200 MB | ${mark(g.peakRssBytes < 200 * 2 ** 20)} |`);
    out.push(`| ${g.streams} concurrent slow streams all completed | ${g.completed}/${g.streams} | all | ${mark(g.completed === g.streams)} |`);
    out.push(`| ${g.streams} slow streams held concurrently (wall time ≤ 1.5× one stream) | ${f(g.wallSec, 1)} s vs ${f(oneStreamSec(r), 0)} s | ≤ ${f(1.5 * oneStreamSec(r), 0)} s | ${mark(g.wallSec <= 1.5 * oneStreamSec(r))} |`);
  }
  out.push('');

  // Per scenario.
  out.push('## Load runs (autocannon)', '');
  out.push(
    'CPU µs/req is the measured process\'s own CPU time (user + system, all threads, GC included) divided by the requests',
    'completed in the run; "upstream µs/req" is what the shared simulated upstream spent meanwhile. Latencies are per-response',
    'times from autocannon\'s response event (sub-millisecond), RSS is the process\'s VmRSS right after the run.',
    '',
  );
  for (const s of r.scenarios) {
    out.push(`### ${s.name}`, '');
    out.push(
      '| Target | req/s | p50 ms | p99 ms | CPU µs/req | upstream µs/req | RSS MB | errors / non-2xx |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const t of s.runs) {
      out.push(
        `| ${t.target} | ${f(t.requestsPerSec, 0)} | ${f(t.latency.p50, 3)} | ${f(t.latency.p99, 3)} | ${f(t.cpuMicrosPerRequest, 0)} | ${f(t.upstreamCpuMicrosPerRequest, 0)} | ${mb(t.rssBytes)} | ${t.errors} / ${t.non2xx} |`,
      );
    }
    const q = ratios(s);
    if (q) {
      out.push('');
      out.push('| Gateway vs bare proxy | Measured | Goal | Result |', '|---|---:|---|---|');
      out.push(`| Throughput ratio | ${f(q.throughput)}× | ≥ 0.8× | ${mark(s.streaming ? undefined : q.throughput >= 0.8)} |`);
      out.push(`| CPU per request ratio | ${f(q.cpu)}× | ≤ 1.5× | ${mark(q.cpu <= 1.5)} |`);
      out.push(`| Added p50 latency | ${f(q.addedP50, 3)} ms | ${s.streaming ? '–' : '< 0.5 ms'} | ${mark(s.streaming ? undefined : q.addedP50 < 0.5)} |`);
      out.push(`| Added p99 latency | ${f(q.addedP99, 3)} ms | – | – |`);
    }
    out.push('');
  }

  const seq = (title: string, data: Record<string, SampleResult> | undefined, goal: string, pick: 'ttfb' | 'total') => {
    if (!data) return;
    out.push(`### ${title}`, '');
    out.push(`${r.samples} sequential requests per target on one keep-alive connection, targets interleaved, nothing else running.`, '');
    out.push('| Target | TTFB p50 ms | TTFB p99 ms | total p50 ms | total p99 ms | failures |', '|---|---:|---:|---:|---:|---:|');
    for (const [name, s] of Object.entries(data)) {
      out.push(`| ${name} | ${f(s.ttfb.p50, 3)} | ${f(s.ttfb.p99, 3)} | ${f(s.total.p50, 3)} | ${f(s.total.p99, 3)} | ${s.failures} |`);
    }
    const g = data.gateway;
    const p = data['bare proxy'];
    if (g && p) {
      const d50 = g[pick].p50 - p[pick].p50;
      const d99 = g[pick].p99 - p[pick].p99;
      out.push('', `Gateway overhead (${pick === 'ttfb' ? 'time to first byte' : 'full response'}): p50 **${f(d50, 3)} ms**, p99 ${f(d99, 3)} ms (goal ${goal}).`);
    }
    out.push('');
  };
  out.push('## Unloaded latency and time to first byte (undici sampler)', '');
  seq('Non-streaming latency', r.latency, 'p50 < 0.5 ms', 'total');
  seq('Streaming time to first byte', r.ttfb, 'p50 < 1 ms', 'ttfb');

  if (r.slow) {
    const { gateway: g, proxy: p } = r.slow;
    out.push(`## ${g.streams} concurrent slow streams`, '');
    out.push(
      `Every stream: ${r.slow.chunks} chunks, one every ${r.slow.delayMs} ms (≈ ${((r.slow.chunks * r.slow.delayMs) / 1000).toFixed(0)} s), all opened at once`,
      'and held open until `[DONE]`. RSS polled every 200 ms.',
      '',
    );
    out.push(
      '| Target | completed | failed (reasons) | wall s | first byte p50 / p99 s | stream p50 / p99 s | RSS before MB | RSS peak MB |',
      '|---|---:|---|---:|---:|---:|---:|---:|',
    );
    const row = (name: string, s: SlowStreamsResult) =>
      `| ${name} | ${s.completed}/${s.streams} | ${s.failed}${s.failed ? ` (${Object.entries(s.reasons).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} | ${f(s.wallSec, 1)} | ${f(s.ttfb.p50, 2)} / ${f(s.ttfb.p99, 2)} | ${f(s.duration.p50, 2)} / ${f(s.duration.p99, 2)} | ${mb(s.baselineRssBytes)} | ${mb(s.peakRssBytes)} |`;
    if (p) out.push(row('bare proxy', p));
    out.push(row('gateway', g));
    out.push('');
    out.push(`| Goal | Result |`, '|---|---|');
    out.push(`| Gateway RSS < 200 MB at peak | ${mark(g.peakRssBytes < 200 * 2 ** 20)} (${mb(g.peakRssBytes)} MB) |`);
    out.push(`| All ${g.streams} streams completed | ${mark(g.completed === g.streams)} |`);
    out.push(`| Held concurrently (wall ≤ 1.5× one stream's ${f(oneStreamSec(r), 0)} s) | ${mark(g.wallSec <= 1.5 * oneStreamSec(r))} (${f(g.wallSec, 1)} s) |`);
    out.push('');
  }
  out.push(`Gateway RSS when idle after all runs: ${mb(r.gatewayIdleRssBytes)} MB.`, '');

  if (r.notes.length) {
    out.push('## Notes', '');
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
