/**
 * What queued usage events cost the V8 scavenger, by what each event keeps on the heap until its
 * batch is written (bench/RESULTS.md, session 14). A loop allocates ~35 KB of short-lived garbage
 * per "request" and queues one event in the chosen shape; a batch of 1,000 stays alive while the
 * next fills, as a batch in flight does. Minor GCs are timed with PerformanceObserver.
 *
 *   npx tsx bench/usage-queue-gc.ts none|main|text|buffer|arena [requests=300000]
 */
import { randomUUID } from 'node:crypto';
import { PerformanceObserver, constants } from 'node:perf_hooks';

type Shape = 'none' | 'main' | 'text' | 'buffer' | 'arena';
const shape = (process.argv[2] ?? 'main') as Shape;
const requests = Number(process.argv[3] ?? 300_000);

let scavengeMs = 0;
let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    // Node 20 puts the GC kind in `detail`, which its PerformanceEntry type does not declare.
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      scavengeMs += e.duration;
      scavenges++;
    }
  }
}).observe({ entryTypes: ['gc'] });

const account = randomUUID();
const accessKey = randomUUID();
const providerKey = randomUUID();
let sink = 0;
let arena = Buffer.allocUnsafeSlow(1 << 20);
let offset = 0;

/** A request's own short-lived allocations (~35 KB: objects, arrays and strings). */
function requestGarbage(): void {
  const a: unknown[] = [];
  for (let i = 0; i < 60; i++) a.push({ i, s: 'x'.repeat(200) + i, o: { a: i, b: [i, i + 1] } });
  sink += a.length;
}

/** A production-shaped usage row (pending-usage.ts), and what the chosen shape keeps of it. */
function usageEvent(): unknown {
  const requestId = randomUUID();
  const row = JSON.stringify([
    randomUUID(), requestId, account, accessKey, '/v1/chat/completions', 'openai', 'gpt-4o-mini', 200, false, 9, 12, false, 3, 'user',
    providerKey, '1050', '0', '1050', '3750', false, null, [], null,
    [{ provider: 'openai', model: 'gpt-4o-mini', status: 200, latencyMs: 2, providerKeyId: providerKey }], new Date().toISOString(),
  ]);
  switch (shape) {
    case 'main':
      return {
        row,
        charge: { accountId: account, requestId, amountNano: BigInt(1050 + (sink & 7)), accessKeyId: accessKey, spendNano: BigInt(4800 + (sink & 7)), at: new Date() },
        providerKeyId: providerKey,
        errorCode: null,
      };
    case 'text':
      return row;
    case 'buffer':
      return Buffer.from(row);
    case 'arena':
      if (offset + 4096 > arena.length) {
        arena = Buffer.allocUnsafeSlow(1 << 20);
        offset = 0;
      }
      offset += arena.write(row, offset);
      return offset;
    case 'none':
      return undefined;
  }
}

let queue: unknown[] = [];
let inFlight: unknown[] = [];
const cpu = process.cpuUsage();
for (let r = 0; r < requests; r++) {
  requestGarbage();
  const event = usageEvent();
  if (event !== undefined) queue.push(event);
  if (queue.length >= 1000) {
    inFlight = queue;
    queue = [];
  }
}
const used = process.cpuUsage(cpu);
await new Promise((resolve) => setTimeout(resolve, 50));
const perRequest = (us: number) => (us / requests).toFixed(2);
console.log(
  `${shape}: CPU ${perRequest(used.user + used.system)} µs/request, scavenges ${perRequest(scavengeMs * 1000)} µs/request ` +
    `(${scavenges}, mean ${(scavengeMs / Math.max(1, scavenges)).toFixed(2)} ms); ${inFlight.length} events in the last batch`,
);
