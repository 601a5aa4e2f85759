/**
 * Micro-benchmark of the same-format stream relay: the mock upstream's chat stream (20 content
 * chunks + finish + usage + [DONE], one upstream chunk per frame as the mock writes them) fed
 * through `relayStream` with the chat observer, into a response that only counts bytes.
 *
 *   npm run bench:stream-relay -- [--streams N] [--coalesced] [--rewrite]
 *
 * Prints µs per stream (best of 5 rounds; noisy on a shared machine) and bytes allocated per
 * stream (V8's sampling heap profiler, 64-byte interval, objects already collected included),
 * both also for a baseline that only moves the chunks through a Readable. --coalesced hands the
 * whole stream over in one chunk (TCP coalescing under load); --rewrite drops the usage chunk
 * (a client that did not ask for it).
 */
import type { ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import { Readable } from 'node:stream';
import { adapterFor } from '../server/src/gateway/adapters/index.js';
import { relayStream } from '../server/src/gateway/relay-stream.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const STREAMS = Number(args[args.indexOf('--streams') + 1]) || 2000;
const COALESCED = flag('--coalesced');
const REWRITE = flag('--rewrite');

const id = 'chatcmpl-00000001f0h';
const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":1795834290,"model":"gpt-4o-mini","system_fingerprint":"fp_mock","choices":`;
const chunk = (delta: string, finish: string): string => `${head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null}\n\n`;
const WORDS = 'The quick brown fox jumps over the lazy dog while the mock upstream streams tokens'.split(' ');
const FRAMES = [chunk('{"role":"assistant","content":"","refusal":null}', 'null')];
for (let i = 0; i < 20; i++) FRAMES.push(chunk(`{"content":"${(i ? ' ' : '') + WORDS[i % WORDS.length]}"}`, 'null'));
FRAMES.push(chunk('{}', '"stop"'));
FRAMES.push(
  `${head}[],"usage":{"prompt_tokens":32,"completion_tokens":20,"total_tokens":52,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n`,
);
FRAMES.push('data: [DONE]\n\n');
const BYTES = FRAMES.map((f) => Buffer.from(f, 'utf8'));
const WHOLE = Buffer.concat(BYTES);
/** What reaches the client: everything, or all but the usage chunk. */
const RELAYED = REWRITE ? WHOLE.length - BYTES[BYTES.length - 2].length : WHOLE.length;

let written = 0;
const res = {
  destroyed: false,
  writableEnded: false,
  write(data: Uint8Array | string): boolean {
    written += data.length;
    return true;
  },
  on: () => res,
  off: () => res,
  once: () => res,
} as unknown as ServerResponse;

/** A Readable like undici's body: chunks pushed from outside. */
function body(): Readable {
  return new Readable({ read: () => undefined });
}

async function oneStream(): Promise<void> {
  const b = body();
  const observer = adapterFor('chat').observeStream({ hideUsageChunk: REWRITE });
  const done = relayStream({ body: b, observer, translator: undefined, rewrite: REWRITE, res, clientSurface: 'chat', commit() {} });
  if (COALESCED) b.push(Buffer.from(WHOLE));
  else for (const c of BYTES) b.push(Buffer.from(c));
  b.push(null);
  const before = written;
  const outcome = await done;
  if (written - before !== RELAYED) throw new Error('bytes lost or added');
  if (outcome.kind !== 'relayed' || !outcome.complete) throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
  if (observer.usage()?.outputTokens !== 20) throw new Error('usage not read');
}

/** The same chunk copies and Readable, without the relay: subtracted to leave the relay's own cost. */
async function baseline(): Promise<void> {
  const b = body();
  const done = new Promise<void>((resolve) => {
    b.on('data', (c: Uint8Array) => res.write(c));
    b.on('end', resolve);
  });
  if (COALESCED) b.push(Buffer.from(WHOLE));
  else for (const c of BYTES) b.push(Buffer.from(c));
  b.push(null);
  await done;
}

async function run(fn: () => Promise<void>, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const session = new Session();
session.connect();

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

async function allocation(fn: () => Promise<void>, n: number): Promise<number> {
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  for (let i = 0; i < n; i++) await fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const sum = (node: SamplingNode): number => node.children.reduce((t, c) => t + sum(c), node.selfSize);
  return sum(profile.head as SamplingNode) / n;
}

for (let i = 0; i < 3; i++) {
  await run(oneStream, STREAMS);
  await run(baseline, STREAMS);
}
const relayTimes: number[] = [];
const baseTimes: number[] = [];
for (let i = 0; i < 5; i++) {
  relayTimes.push(await run(oneStream, STREAMS));
  baseTimes.push(await run(baseline, STREAMS));
}
const allocRelay = await allocation(oneStream, 3000);
const allocBase = await allocation(baseline, 3000);
const best = (xs: number[]): number => Math.min(...xs);
console.log(
  `${COALESCED ? 'coalesced' : 'frame per chunk'}${REWRITE ? ', usage dropped' : ''}: relay ${best(relayTimes).toFixed(1)} µs/stream, ` +
    `baseline (Readable + writes) ${best(baseTimes).toFixed(1)} µs, relay's own ${(best(relayTimes) - best(baseTimes)).toFixed(1)} µs; ` +
    `allocated ${(allocRelay / 1024).toFixed(1)} KB/stream (baseline ${(allocBase / 1024).toFixed(1)} KB, relay's own ${((allocRelay - allocBase) / 1024).toFixed(1)} KB)`,
);
