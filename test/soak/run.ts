/**
 * Load with injected faults against the gateway as its own process (`npm run soak`).
 *
 * SOAK_SECONDS (60), SOAK_CONCURRENCY (500), SOAK_FAULT_RATE (0.2), SOAK_GATEWAY_NODE_OPTIONS
 * (NODE_OPTIONS for the gateway process only, default --max-old-space-size=160); TEST_DATABASE_URL selects PostgreSQL, else a
 * temporary embedded database. Exits non-zero on any violation: a crash, a
 * malformed response, a usage event missing or extra, a negative or inexact balance, RSS growth.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { createTestDatabase } from '../support/db.js';
import { startFakeUpstream, type FaultStep } from '../support/fake-upstream.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { balanceNano, nanoToUsd, usdToNano } from '../support/ledger-check.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { fundAccount, parseSseText } from '../support/v1-client.js';

export interface SoakOptions {
  seconds: number;
  /**
   * Keep going past `seconds` until this many requests were sent, so a short run on a busy
   * machine still exercises as much as on an idle one (what it checks is correctness, not speed).
   */
  minRequests?: number;
  concurrency: number;
  faultRate: number;
  /** Fail when the last third's mean RSS exceeds the first third's by more than this factor. */
  maxRssGrowth: number;
  log: (line: string) => void;
}

export interface SoakSummary {
  seconds: number;
  concurrency: number;
  requests: number;
  requestsPerSecond: number;
  outcomes: Record<string, number>;
  faultsInjected: number;
  upstreamRequests: number;
  usageEvents: number;
  expectedUsageEvents: number;
  accounts: { name: string; purchasedUsd: string; chargedUsd: string; balanceUsd: string; minBalanceUsd: string }[];
  rss: { samplesMb: number[]; firstThirdMb: number; lastThirdMb: number; slopeMbPerMin: number };
  violations: string[];
}

type Route = '/v1/chat/completions' | '/v1/messages';

interface Account {
  name: string;
  session: string;
  keys: string[];
  purchasedUsd: string;
  minBalance: bigint;
}

const DEFAULTS: SoakOptions = { seconds: 60, concurrency: 500, faultRate: 0.2, maxRssGrowth: 1.5, log: (l) => console.log(l) };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** One fault, weighted so every kind shows up in a minute. */
function randomFault(): FaultStep {
  const r = Math.random();
  if (r < 0.2) return { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
  if (r < 0.35) return { kind: 'status', status: 500 };
  if (r < 0.45) return { kind: 'status', status: 503 };
  if (r < 0.55) return { kind: 'hang' };
  if (r < 0.67) return { kind: 'reset' };
  if (r < 0.77) return { kind: 'disconnectMidStream', afterChunks: 1 + Math.floor(Math.random() * 4) };
  if (r < 0.85) return { kind: 'errorFrame' };
  if (r < 0.92) return { kind: 'malformedJson' };
  return { kind: 'trickle', chunks: 8, chunkDelayMs: 30 + Math.floor(Math.random() * 70) };
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function slope(samples: number[], everyMs: number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const xs = samples.map((_, i) => (i * everyMs) / 60_000);
  const mx = mean(xs);
  const my = mean(samples);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (samples[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Checks one /v1 answer against the contract: a complete body or stream in the route's format, a
 * stream ending in one error frame (never a [DONE] after it), or a JSON error in the route's format
 * whose code matches x-gateway-error-code. Returns the outcome label or throws a violation.
 */
export function classifyResponse(route: Route, stream: boolean, status: number, headers: Record<string, string | string[] | undefined>, text: string): string {
  const header = (n: string) => {
    const v = headers[n];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  if (!header('x-request-id')) throw new Error(`no x-request-id (status ${status})`);
  const type = header('content-type') ?? '';
  if (status === 200 && stream && type.startsWith('text/event-stream')) {
    const frames = parseSseText(text);
    const last = frames.at(-1);
    if (!last) throw new Error('empty SSE stream');
    const isError = (f: { event: string | undefined; data: string }) =>
      route === '/v1/messages' ? f.event === 'error' : f.data.startsWith('{"error"');
    const errors = frames.filter(isError);
    if (route === '/v1/messages') {
      if (last.event === 'message_stop' && errors.length === 0) return 'stream_complete';
    } else if (last.data === '[DONE]' && errors.length === 0) {
      if (!frames.some((f) => f.data.includes('"finish_reason":"'))) throw new Error('chat stream ended with [DONE] but no finish_reason');
      return 'stream_complete';
    }
    if (errors.length === 1 && isError(last)) {
      if (frames.some((f) => f.data === '[DONE]' || f.event === 'message_stop')) throw new Error('error frame and a completion in one stream');
      const payload = JSON.parse(last.data) as { error?: { message?: unknown } };
      if (typeof payload.error?.message !== 'string') throw new Error(`malformed error frame: ${last.data}`);
      return 'stream_error_frame';
    }
    throw new Error(`SSE stream neither complete nor ended by one error frame; last frame: ${JSON.stringify(last).slice(0, 200)}`);
  }
  if (!type.startsWith('application/json')) throw new Error(`status ${status} with content-type ${type}: ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as Record<string, unknown>;
  if (status === 200) {
    if (route === '/v1/messages' ? json.type !== 'message' : json.object !== 'chat.completion') {
      throw new Error(`200 body is not a ${route} answer: ${text.slice(0, 200)}`);
    }
    return 'ok';
  }
  const code = header('x-gateway-error-code');
  if (!code) throw new Error(`error ${status} without x-gateway-error-code`);
  if (route === '/v1/messages') {
    const e = json.error as { type?: unknown; message?: unknown } | undefined;
    if (json.type !== 'error' || typeof e?.type !== 'string' || typeof e.message !== 'string') throw new Error(`not an Anthropic error body: ${text.slice(0, 200)}`);
    if (code !== 'upstream_client_error' && !e.message.startsWith(`${code}: `)) throw new Error(`message does not carry ${code}: ${e.message}`);
  } else {
    const e = json.error as { code?: unknown; message?: unknown; type?: unknown } | undefined;
    if (typeof e?.message !== 'string' || typeof e.type !== 'string') throw new Error(`not an OpenAI error body: ${text.slice(0, 200)}`);
    if (code !== 'upstream_client_error' && e.code !== code) throw new Error(`body code ${String(e.code)} ≠ header ${code}`);
  }
  if (status >= 500 && !['upstream_failed', 'upstream_timeout'].includes(code)) throw new Error(`${status} ${code}: ${text.slice(0, 200)}`);
  return `error:${status}:${code}`;
}

export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakSummary> {
  const o: SoakOptions = { ...DEFAULTS, ...partial };
  const violations: string[] = [];
  const violate = (msg: string) => {
    if (violations.length < 50) violations.push(msg);
    else if (violations.length === 50) violations.push('… more violations omitted');
  };
  let faults = 0;
  let upstreamCount = 0;
  const db = await createTestDatabase();
  const upstream = await startFakeUpstream({
    chaos: () => {
      upstreamCount++;
      if (Math.random() >= o.faultRate) return undefined;
      faults++;
      return randomFault();
    },
  });
  const base = (id: string) => `http://127.0.0.1:${upstream.port}/${id}/v1`;
  let server: SpawnedServer | undefined;
  const agent = new Agent({ connections: o.concurrency, keepAliveTimeout: 10_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  try {
    server = await spawnServer({
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl, SECRET_KEY: randomBytes(32).toString('base64') } : {}),
      DATA_DIR: db.dataDir,
      PROVIDER_BASE_URL_OPENAI: base('openai'),
      PROVIDER_BASE_URL_ANTHROPIC: base('anthropic'),
      MANAGED_OPENAI_API_KEY: 'sk-soak-managed-openai',
      MANAGED_ANTHROPIC_API_KEY: 'sk-soak-managed-anthropic',
      SHUTDOWN_GRACE_MS: '10000',
      // A bounded old space makes RSS reflect what is retained: unbounded, V8 grows the heap lazily
      // for minutes (RSS ~+300 MB/min at 1300 req/s) before collecting. A leak then ends in an OOM.
      NODE_OPTIONS: process.env.SOAK_GATEWAY_NODE_OPTIONS ?? '--max-old-space-size=160',
    });
    const url = server.url;
    const pid = server.process.pid as number;

    // "rich": own provider keys, $100. "poor": gateway credentials (catalog prices), $5, large
    // prompts: it runs dry during the run, so insufficient_credits races settlement.
    const makeAccount = async (name: string, purchasedUsd: string, ownKeys: boolean): Promise<Account> => {
      const session = (await signUpAccount(url, name)).token;
      await fundAccount(url, session, purchasedUsd);
      if (ownKeys) {
        for (const provider of ['openai', 'anthropic']) {
          await gqlOk(url, 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }', { input: { provider, name: provider, key: `sk-soak-${name}-${provider}` } }, session);
        }
      }
      await gqlOk(url, 'mutation { updateAccountSettings(input: { perAttemptTimeoutMs: 1000, totalTimeoutMs: 4000 }) { id } }', {}, session);
      const keys: string[] = [];
      for (let i = 0; i < 4; i++) {
        const created = await gqlOk<{ createAccessKey: { token: string } }>(url, `mutation { createAccessKey(input: { name: "soak-${i}" }) { token } }`, {}, session);
        keys.push(created.createAccessKey.token);
      }
      return { name, session, keys, purchasedUsd, minBalance: usdToNano(purchasedUsd) };
    };
    const accounts = [await makeAccount('rich', '100.00', true), await makeAccount('poor', '5.00', false)];
    const sent = new Map<string, number>(accounts.map((a) => [a.name, 0]));
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);
    const bigPrompt = 'lorem ipsum dolor sit amet '.repeat(300);

    const oneRequest = async () => {
      const account = Math.random() < 0.75 ? accounts[0] : accounts[1];
      const route: Route = Math.random() < 0.5 ? '/v1/chat/completions' : '/v1/messages';
      const stream = Math.random() < 0.5;
      const roll = Math.random();
      const badKey = roll < 0.01;
      const badBody = roll >= 0.01 && roll < 0.03;
      const body =
        route === '/v1/messages'
          ? { model: 'claude-haiku-4-5', models: ['gpt-4o-mini', 'claude-sonnet-4-5'], max_tokens: 256 }
          : { model: 'gpt-4o-mini', models: ['claude-haiku-4-5', 'gpt-4o'], max_tokens: 256 };
      const content = account.name === 'poor' ? bigPrompt : 'hello soak';
      const payload = badBody ? '{"model": ' : JSON.stringify({ ...body, stream, messages: [{ role: 'user', content }] });
      const token = badKey ? `ng-${'x'.repeat(43)}` : pick(account.keys);
      if (!badKey) sent.set(account.name, (sent.get(account.name) ?? 0) + 1);
      try {
        const res = await request(`${url}${route}`, {
          method: 'POST',
          dispatcher: agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: payload,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.body.text();
        const outcome = classifyResponse(route, stream, res.statusCode, res.headers, text);
        if (badKey && outcome !== 'error:401:invalid_api_key') violate(`bad key answered ${outcome}`);
        if (badBody && outcome !== 'error:400:invalid_request') violate(`bad body answered ${outcome}`);
        count(outcome);
      } catch (err) {
        count('violation');
        violate(`${route} stream=${stream}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };

    // Sampling: gateway RSS every 2 s; the balances (which must never go negative) as often as
    // the loaded admin API answers.
    const rss: number[] = [];
    const rssTimer = setInterval(() => {
      const mb = rssMb(pid);
      if (mb !== undefined) rss.push(mb);
      upstream.requests.length = 0;
    }, 2000);
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const a of accounts) {
          try {
            const b = await balanceNano(url, a.session);
            if (b < a.minBalance) a.minBalance = b;
            if (b < 0n) violate(`${a.name} balance negative: ${nanoToUsd(b)}`);
          } catch (err) {
            violate(`balance query failed during load: ${String(err)}`);
          }
        }
        await sleep(1000);
      }
    })();

    o.log(`soak: ${o.seconds}s, ${o.concurrency} concurrent clients, fault rate ${o.faultRate}, ${db.databaseUrl ? 'PostgreSQL' : 'embedded database'}`);
    const startedAt = Date.now();
    const deadline = startedAt + o.seconds * 1000;
    let total = 0;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (Date.now() < deadline || total < (o.minRequests ?? 0)) {
          total++;
          await oneRequest();
        }
      }),
    );
    const elapsed = (Date.now() - startedAt) / 1000;
    sampling = false;
    clearInterval(rssTimer);
    await sampler;
    if (server.process.exitCode !== null || server.process.signalCode !== null) violate(`gateway process died: ${server.output.join('').slice(-2000)}`);

    // Usage: every authenticated request has exactly one event once the batches are flushed.
    const summary = async (a: Account) => {
      const data = await gqlOk<{ usageSummary: { requests: number; costUsd: string }[] }>(
        url,
        'query($from: DateTime!) { usageSummary(from: $from, groupBy: ACCESS_KEY) { requests costUsd } }',
        { from: new Date(startedAt - 3_600_000).toISOString() },
        a.session,
      );
      return {
        requests: data.usageSummary.reduce((s, b) => s + b.requests, 0),
        cost: data.usageSummary.reduce((s, b) => s + usdToNano(b.costUsd), 0n),
      };
    };
    let events = 0;
    const expected = [...sent.values()].reduce((a, b) => a + b, 0);
    const flushDeadline = Date.now() + 20_000;
    for (;;) {
      events = 0;
      for (const a of accounts) events += (await summary(a)).requests;
      if (events >= expected || Date.now() > flushDeadline) break;
      await sleep(250);
    }
    if (events !== expected) violate(`usage events ${events} ≠ authenticated requests ${expected}`);

    const accountReports: SoakSummary['accounts'] = [];
    for (const a of accounts) {
      const [s1, balance, s2] = [await summary(a), await balanceNano(url, a.session), await summary(a)];
      if (s1.requests !== s2.requests) violate(`${a.name}: usage still being written after the flush`);
      if (s1.requests !== sent.get(a.name)) violate(`${a.name}: ${s1.requests} usage events for ${sent.get(a.name)} requests`);
      const expectedBalance = usdToNano(a.purchasedUsd) - s1.cost;
      if (balance < 0n) violate(`${a.name}: balance negative ${nanoToUsd(balance)}`);
      if (balance !== expectedBalance) violate(`${a.name}: balance ${nanoToUsd(balance)} ≠ purchased ${a.purchasedUsd} − charges ${nanoToUsd(s1.cost)}`);
      if (balance < a.minBalance) a.minBalance = balance;
      accountReports.push({ name: a.name, purchasedUsd: a.purchasedUsd, chargedUsd: nanoToUsd(s1.cost), balanceUsd: nanoToUsd(balance), minBalanceUsd: nanoToUsd(a.minBalance) });
    }
    const logs = server.output.join('');
    if (/charge exceeded the unexpired balance/.test(logs)) violate('a charge exceeded the unexpired balance (shortfall logged)');
    if (/unexpected (\/v1 )?error/.test(logs)) violate(`unexpected errors logged: ${logs.match(/.*unexpected.*/)?.[0]?.slice(0, 300)}`);

    const third = Math.max(1, Math.floor(rss.length / 3));
    const firstThird = mean(rss.slice(0, third));
    const lastThird = mean(rss.slice(-third));
    if (o.maxRssGrowth > 0 && rss.length >= 9 && lastThird > firstThird * o.maxRssGrowth) {
      violate(`RSS grew from ${firstThird.toFixed(0)} MB to ${lastThird.toFixed(0)} MB`);
    }

    const code = await server.stop('SIGTERM');
    if (code !== 0) violate(`gateway exited ${code} on SIGTERM`);
    server = undefined;
    return {
      seconds: Math.round(elapsed),
      concurrency: o.concurrency,
      requests: total,
      requestsPerSecond: Math.round(total / elapsed),
      outcomes,
      faultsInjected: faults,
      upstreamRequests: upstreamCount,
      usageEvents: events,
      expectedUsageEvents: expected,
      accounts: accountReports,
      rss: {
        samplesMb: rss.map((x) => Math.round(x)),
        firstThirdMb: Math.round(firstThird),
        lastThirdMb: Math.round(lastThird),
        slopeMbPerMin: Math.round(slope(rss.slice(third), 2000) * 10) / 10,
      },
      violations,
    };
  } finally {
    await server?.stop('SIGKILL');
    await agent.close();
    await upstream.close();
    await db.drop();
  }
}

export function printSummary(s: SoakSummary, log: (l: string) => void = (l) => console.log(l)): void {
  log(`requests: ${s.requests} in ${s.seconds}s (${s.requestsPerSecond}/s), ${s.concurrency} concurrent`);
  log(`upstream attempts: ${s.upstreamRequests}, faults injected: ${s.faultsInjected}`);
  for (const [k, v] of Object.entries(s.outcomes).sort((a, b) => b[1] - a[1])) log(`  ${k.padEnd(40)} ${v}`);
  log(`usage events: ${s.usageEvents} (expected ${s.expectedUsageEvents})`);
  for (const a of s.accounts) log(`account ${a.name}: purchased ${a.purchasedUsd}, charged ${a.chargedUsd}, balance ${a.balanceUsd} (min seen ${a.minBalanceUsd})`);
  log(`RSS MB: first third ${s.rss.firstThirdMb}, last third ${s.rss.lastThirdMb}, slope after warm-up ${s.rss.slopeMbPerMin} MB/min; samples ${s.rss.samplesMb.join(' ')}`);
  log(s.violations.length ? `VIOLATIONS (${s.violations.length}):\n  ${s.violations.join('\n  ')}` : 'no violations');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const num = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
  runSoak({
    seconds: num('SOAK_SECONDS', DEFAULTS.seconds),
    concurrency: num('SOAK_CONCURRENCY', DEFAULTS.concurrency),
    faultRate: num('SOAK_FAULT_RATE', DEFAULTS.faultRate),
  }).then(
    (s) => {
      printSummary(s);
      process.exit(s.violations.length ? 1 : 0);
    },
    (err: unknown) => {
      console.error('soak run failed:', err);
      process.exit(1);
    },
  );
}
