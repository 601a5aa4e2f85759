import autocannon from 'autocannon';
import { Client, Pool } from 'undici';

/** Load generation: autocannon for throughput, undici samplers for sub-millisecond timings. */

export interface Percentiles {
  p50: number;
  p99: number;
  mean: number;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p99: NaN, mean: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(0.5), p99: at(0.99), mean: sum / sorted.length };
}

export interface LoadResult {
  requestsPerSec: number;
  total: number;
  /** Latency in ms (autocannon's own histogram is whole milliseconds; these come from its per-response event). */
  latency: Percentiles;
  errors: number;
  non2xx: number;
  durationSec: number;
}

/** POST `body` to `url` on `connections` keep-alive connections, for a time or a number of requests. */
export type LoadOptions = {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
} & ({ durationSec: number } | { amount: number });

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(
      {
        url: o.url,
        method: 'POST',
        body: o.body,
        headers: { 'content-type': 'application/json', ...o.headers },
        connections: o.connections,
        ...('amount' in o ? { amount: o.amount } : { duration: o.durationSec }),
        timeout: 30,
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          requestsPerSec: result.requests.total / result.duration,
          total: result.requests.total,
          latency: percentiles(times),
          errors: result.errors,
          non2xx: result.non2xx,
          durationSec: result.duration,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) times.push(responseTime);
    });
  });
}

export interface SampleTarget {
  name: string;
  origin: string;
  headers: Record<string, string>;
}

export interface SampleResult {
  /** Time to the first response body byte, ms. */
  ttfb: Percentiles;
  /** Time to the end of the response, ms. */
  total: Percentiles;
  failures: number;
}

/**
 * Sequential requests on one keep-alive connection per target, alternating between targets so
 * that drift (CPU frequency, other load) hits both equally. Nothing else runs meanwhile.
 */
export async function sampleSequential(targets: SampleTarget[], path: string, body: string, count: number): Promise<Record<string, SampleResult>> {
  const clients = targets.map((t) => new Client(t.origin, { pipelining: 1, keepAliveTimeout: 60_000 }));
  const ttfb: number[][] = targets.map(() => []);
  const total: number[][] = targets.map(() => []);
  const failures = targets.map(() => 0);
  try {
    for (let i = 0; i < count; i++) {
      for (let t = 0; t < targets.length; t++) {
        const start = performance.now();
        const res = await clients[t].request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', ...targets[t].headers },
          body,
        });
        let first = -1;
        for await (const _chunk of res.body) if (first < 0) first = performance.now();
        const end = performance.now();
        if (res.statusCode !== 200 || first < 0) {
          failures[t]++;
          continue;
        }
        ttfb[t].push(first - start);
        total[t].push(end - start);
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return Object.fromEntries(
    targets.map((t, i) => [t.name, { ttfb: percentiles(ttfb[i]), total: percentiles(total[i]), failures: failures[i] }]),
  );
}

export interface SlowStreamsResult {
  streams: number;
  completed: number;
  failed: number;
  /** Failure reasons with counts. */
  reasons: Record<string, number>;
  wallSec: number;
  /** Stream duration percentiles, s. */
  duration: Percentiles;
  /** Time to first body byte, s: large values mean the stream waited in a queue. */
  ttfb: Percentiles;
  peakRssBytes: number;
  baselineRssBytes: number;
}

/**
 * Opens `count` streaming requests at once and holds them until the upstream finishes; a stream
 * counts as completed on HTTP 200 ending in `data: [DONE]`. RSS of the server is polled meanwhile.
 */
export async function slowStreams(o: {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  count: number;
  rss: () => Promise<number>;
}): Promise<SlowStreamsResult> {
  const pool = new Pool(o.origin, { connections: o.count, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const baselineRssBytes = await o.rss();
  let peakRssBytes = baselineRssBytes;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      peakRssBytes = Math.max(peakRssBytes, await o.rss().catch(() => 0));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const reasons: Record<string, number> = {};
  const durations: number[] = [];
  const firstBytes: number[] = [];
  const started = performance.now();
  const one = async (): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({
        method: 'POST',
        path: o.path,
        headers: { 'content-type': 'application/json', ...o.headers },
        body: o.body,
      });
      let tail = '';
      let first = true;
      for await (const chunk of res.body) {
        if (first) {
          first = false;
          firstBytes.push((performance.now() - t0) / 1000);
        }
        tail = (tail + Buffer.from(chunk).toString('utf8')).slice(-64);
      }
      if (res.statusCode !== 200) {
        reasons[`HTTP ${res.statusCode}`] = (reasons[`HTTP ${res.statusCode}`] ?? 0) + 1;
        return false;
      }
      if (!tail.includes('[DONE]')) {
        reasons['no [DONE]'] = (reasons['no [DONE]'] ?? 0) + 1;
        return false;
      }
      durations.push((performance.now() - t0) / 1000);
      return true;
    } catch (err) {
      const key = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
      reasons[key] = (reasons[key] ?? 0) + 1;
      return false;
    }
  };
  const outcomes = await Promise.all(Array.from({ length: o.count }, one));
  const wallSec = (performance.now() - started) / 1000;
  polling = false;
  await poller;
  await pool.close();
  const completed = outcomes.filter(Boolean).length;
  return {
    streams: o.count,
    completed,
    failed: o.count - completed,
    reasons,
    wallSec,
    duration: percentiles(durations),
    ttfb: percentiles(firstBytes),
    peakRssBytes,
    baselineRssBytes,
  };
}
