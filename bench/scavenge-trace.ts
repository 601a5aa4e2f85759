import { resolve } from 'node:path';
import { createTestDatabase } from '../test/support/db.js';
import { setUpGatewayAccount } from './gateway-setup.js';
import { runLoad } from './load.js';
import { installCleanup, pin, spawnGateway } from './processes.js';
import { startZeroUpstream } from './zero-upstream.js';

/**
 * `npm run bench:scavenges -- [DIR ...]`: what V8's young-generation GC costs per /v1 request, for
 * each built checkout DIR (default: this one), one after the other on the same machine.
 *
 * Wall-clock A/B runs on a shared 2-vCPU machine swing by more than the few per cent one change
 * moves (bench/RESULTS.md, sessions 14–15); what the scavenger copies per request does not: it
 * follows from what the code keeps alive, not from the machine's speed. Each DIR's gateway
 * (`npm run build:server` first) runs with --trace-gc-nvp on a fresh PostgreSQL database (on
 * TEST_DATABASE_URL's server, default local postgres), pinned to cpu0; the zero-latency upstream
 * and the load run here, on cpu1. WARM requests, then MEASURED requests at concurrency CONC,
 * non-streaming. Per DIR it prints: scavenges, their pause sum per request, mean and longest
 * pause, bytes surviving a scavenge (copied or promoted) per request, the allocation between two
 * scavenges, full GCs, and (noisy, for context) CPU per request and req/s.
 */

const WARM = Number(process.env.WARM ?? 20_000);
const MEASURED = Number(process.env.MEASURED ?? 30_000);
const CONC = Number(process.env.CONC ?? 64);
const BODY = JSON.stringify({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });

/** Exactly `n` requests, `CONC` in flight on keep-alive connections; seconds taken. */
async function sendRequests(url: string, token: string, n: number): Promise<number> {
  const load = await runLoad({ url, body: BODY, headers: { authorization: `Bearer ${token}` }, connections: CONC, amount: n });
  if (load.errors + load.non2xx > 0) throw new Error(`${load.errors + load.non2xx} of ${n} requests failed`);
  return load.durationSec;
}

/** --trace-gc-nvp's lines as name=value records. */
function gcRecords(lines: readonly string[]): Record<string, string>[] {
  return lines.map((line) => Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=')).filter((kv) => kv.length === 2)));
}

async function measure(dir: string): Promise<string> {
  const db = await createTestDatabase();
  const upstream = await startZeroUpstream();
  let output = '';
  let measuring = false;
  const gateway = await spawnGateway({
    upstreamUrl: `http://127.0.0.1:${upstream.port}`,
    databaseUrl: db.databaseUrl,
    nodeFlags: ['--trace-gc-nvp'],
    cwd: dir,
    onOutput: (chunk) => {
      if (measuring) output += chunk;
    },
  });
  try {
    pin(gateway.pid, 0);
    const { accessToken } = await setUpGatewayAccount(gateway.url);
    const url = `${gateway.url}/v1/chat/completions`;
    await sendRequests(url, accessToken, WARM);
    measuring = true;
    const before = await gateway.stats();
    const seconds = await sendRequests(url, accessToken, MEASURED);
    const after = await gateway.stats();
    measuring = false;
    const gcs = gcRecords(output.split('\n'));
    const scavenges = gcs.filter((g) => g.gc === 's');
    const full = gcs.filter((g) => g.gc === 'mc' || g.gc === 'ms');
    const sum = (list: Record<string, string>[], key: string) => list.reduce((s, g) => s + Number(g[key] ?? 0), 0);
    const pause = sum(scavenges, 'pause');
    // new_space_survived: bytes copied within the young generation or promoted out of it.
    const survived = sum(scavenges, 'new_space_survived');
    return (
      `${dir}: ${scavenges.length} scavenges, ${((pause * 1000) / MEASURED).toFixed(2)} µs/request paused (mean ${(pause / scavenges.length).toFixed(2)} ms,` +
      ` longest ${Math.max(...scavenges.map((g) => Number(g.pause)))} ms), ${(survived / MEASURED).toFixed(0)} B/request surviving,` +
      ` ${(sum(scavenges, 'allocated') / scavenges.length / 1e6).toFixed(1)} MB allocated between scavenges; ${full.length} full GCs` +
      ` (${sum(full, 'pause').toFixed(0)} ms); CPU ${((after.cpuMicros - before.cpuMicros) / MEASURED).toFixed(1)} µs/request,` +
      ` ${Math.round(MEASURED / seconds)} req/s (noisy)`
    );
  } finally {
    await gateway.stop();
    await upstream.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  installCleanup();
  // A scratch database on this server per checkout (createTestDatabase reads TEST_DATABASE_URL).
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  pin(process.pid, 1);
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length > 0 ? dirs : ['.']) console.log(await measure(resolve(dir)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
