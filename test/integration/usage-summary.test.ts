import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUsageDb, type UsageDb } from '../../server/src/services/usage/usage-db.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { UsageWriter } from '../../server/src/services/usage/usage-writer.js';
import { createAccessKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';
import { expected, HOUR, SUMMARY, summary as summaryOf, type Bucket, type Filter } from '../support/usage-oracle.js';

/** Whole hours, so the expected sums need no rounding (summaries widen to whole hours). */
const NOW = Math.floor(Date.now() / HOUR) * HOUR;

describe('usage summaries from rollups', () => {
  let f: GatewayFixture;
  const keys: string[] = [];
  const records: UsageRecord[] = [];

  const summary = (g: string, from: number, to: number, filter?: Filter) => summaryOf(f.baseUrl, f.account.token, g, from, to, filter);

  beforeAll(async () => {
    f = await startGatewayFixture({ USAGE_RETENTION_DAYS: '3' });
    for (const name of ['a', 'b', 'c']) keys.push((await createAccessKey(f, null, name)).id);
    const providers: [string | null, string | null][] = [['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-5'], ['openai', 'gpt-4o'], [null, 'typo-model']];
    const statuses = [200, 200, 200, 429, 502, 404];
    // Deterministic spread over the last 9 days: several keys, providers, models, statuses, hours.
    for (let i = 0; i < 900; i++) {
      const [provider, model] = providers[i % providers.length];
      const status = provider ? statuses[(i * 7) % statuses.length] : 404;
      const fee = BigInt(1000 + i);
      records.push({
        requestId: randomUUID(), accountId: f.account.accountId, accessKeyId: keys[i % keys.length], endpoint: '/v1/chat/completions',
        provider, model, status, streamed: i % 2 === 0, inputTokens: 10 + (i % 13), outputTokens: i % 5, tokensEstimated: false,
        latencyMs: 5, keySource: provider ? 'user' : null, providerKeyId: null, feeNano: fee, upstreamCostNano: 0n, totalCostNano: 0n,
        providerCostNano: i % 3 === 0 ? null : BigInt(i * 10), cacheHit: i % 11 === 0, errorCode: status >= 400 ? 'x' : null, attempts: [],
        createdAt: new Date(NOW - ((i * 37) % (9 * 24)) * HOUR - ((i * 13) % 3600) * 1000 - 1),
      });
    }
    // Concurrent ingestion: two writers (as two instances would) share rollup keys, flushing in small interleaved batches.
    const shared = pgUsageDb(f.server.services.sql, (client, charges) => f.server.services.credits.applyCharges(client, charges));
    // Its sessions in a time zone 5:30 off UTC: the rollups' hours and days must still be UTC ones.
    const offUtc: UsageDb = {
      ...shared,
      transaction: (work) => shared.transaction(async (tx) => (await tx.query(`set local time zone 'Asia/Kolkata'`, []), work(tx))),
    };
    const other = new UsageWriter({
      db: offUtc,
      logger: f.server.services.logger,
      metrics: f.server.services.metrics,
      partitions: f.server.services.usagePartitions,
      batchSize: 25,
    });
    const mine = f.server.services.usage;
    const flushes: Promise<void>[] = [];
    records.forEach((r, i) => {
      (i % 2 ? other : mine).record(r);
      if (i % 50 === 49) flushes.push(mine.flush(), other.flush());
    });
    await Promise.all([...flushes, mine.flush(), other.flush()]);
  });
  afterAll(async () => f?.stop());

  it('equals the raw events for every grouping after concurrent ingestion', async () => {
    const from = NOW - 10 * 24 * HOUR;
    const to = NOW + HOUR;
    for (const g of ['DAY', 'PROVIDER', 'MODEL', 'ACCESS_KEY']) {
      expect(await summary(g, from, to), g).toEqual(expected(records, g, from, to));
    }
    const weekAgo = NOW - 7 * 24 * HOUR;
    expect(await summary('HOUR', weekAgo, NOW)).toEqual(expected(records, 'HOUR', weekAgo, NOW));
    // Ranges starting and ending inside a UTC day (whole days read from the daily rollups, the
    // hours at either end from the hourly ones), one inside a single day, one of whole days.
    const DAY = 24 * HOUR;
    const dayOf = (t: number) => Math.floor(t / DAY) * DAY;
    const ranges = [
      [dayOf(NOW - 6 * DAY) + 7 * HOUR, dayOf(NOW - DAY) + 17 * HOUR],
      [dayOf(NOW - 3 * DAY) + 5 * HOUR, dayOf(NOW - 3 * DAY) + 14 * HOUR],
      [dayOf(NOW - 4 * DAY), dayOf(NOW - DAY)],
    ];
    for (const [a, b] of ranges) {
      for (const g of ['DAY', 'MODEL', 'ACCESS_KEY']) expect(await summary(g, a, b), `${g} ${a}..${b}`).toEqual(expected(records, g, a, b));
      const filter = { accessKeyId: keys[1], errorsOnly: true };
      expect(await summary('DAY', a, b, filter), `filtered ${a}..${b}`).toEqual(expected(records, 'DAY', a, b, filter));
    }
    // And the raw events agree with the same oracle.
    const [raw] = await f.server.services.orm.em
      .fork()
      .execute<{ n: string }[]>('select count(*)::text as n from usage_event where account_id = ?', [f.account.accountId]);
    expect(Number(raw.n)).toBe(records.length);
  });

  it('applies every filter', async () => {
    const from = NOW - 10 * 24 * HOUR;
    const to = NOW + HOUR;
    const filters: Filter[] = [
      { accessKeyId: keys[1] },
      { provider: 'anthropic' },
      { model: 'gpt-4o' },
      { status: 429 },
      { errorsOnly: true },
      { errorsOnly: true, accessKeyId: keys[2], provider: 'openai' },
      { requestId: records[5].requestId },
    ];
    for (const filter of filters) {
      expect(await summary('MODEL', from, to, filter), JSON.stringify(filter)).toEqual(expected(records, 'MODEL', from, to, filter));
    }
    // A range narrowed by the filter's own from/to.
    const narrowed = await gqlOk<{ usageSummary: Bucket[] }>(f.baseUrl, SUMMARY, {
      from: new Date(from).toISOString(), g: 'DAY', filter: { from: new Date(NOW - 48 * HOUR).toISOString(), to: new Date(NOW - 24 * HOUR).toISOString() },
    }, f.account.token);
    expect(narrowed.usageSummary).toEqual(expected(records, 'DAY', NOW - 48 * HOUR, NOW - 24 * HOUR));
    // Another account's key, or garbage, matches nothing.
    expect(await summary('DAY', from, to, { accessKeyId: 'not-a-key' })).toEqual([]);
  });

  it('refuses HOUR buckets beyond 7 days with BAD_USER_INPUT', async () => {
    const r = await gql(f.baseUrl, SUMMARY, { from: new Date(NOW - 8 * 24 * HOUR).toISOString(), g: 'HOUR' }, f.account.token);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/7 days/);
  });

  it('finds one request with its attempts, and filters events by request id and errors', async () => {
    const target = records.find((r) => r.status === 502)!;
    const q = `query($id: String!, $filter: UsageFilter) { usageRequest(requestId: $id) { requestId status providerCostUsd cacheHit firewall { rule } }
      usageEvents(filter: $filter, first: 100) { nodes { requestId status } } }`;
    const data = await gqlOk<{ usageRequest: { requestId: string; status: number } | null; usageEvents: { nodes: { status: number }[] } }>(
      f.baseUrl, q, { id: target.requestId, filter: { requestId: target.requestId } }, f.account.token,
    );
    expect(data.usageRequest).toMatchObject({ requestId: target.requestId, status: 502, firewall: [] });
    expect(data.usageEvents.nodes).toEqual([{ requestId: target.requestId, status: 502 }]);
    const errors = await gqlOk<{ usageEvents: { nodes: { status: number }[] } }>(f.baseUrl, q, { id: 'none', filter: { errorsOnly: true } }, f.account.token);
    expect(errors.usageEvents.nodes.length).toBe(100);
    expect(errors.usageEvents.nodes.every((n) => n.status >= 400)).toBe(true);
    const other = await signUpAccount(f.baseUrl);
    const foreign = await gqlOk<{ usageRequest: null }>(f.baseUrl, q, { id: target.requestId }, other.token);
    expect(foreign.usageRequest).toBeNull();
  });

  it('stays exact after retention drops whole raw partitions (controlled clock)', async () => {
    const sql = <T>(text: string) => f.server.services.orm.em.fork().execute<T[]>(text, [f.account.accountId]);
    const partitions = async () =>
      (await sql<{ name: string }>(`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'usage_event'::regclass and ? is not null order by 1`)).map((r) => r.name);
    // Two days later with 3 days of retention: every partition whose day ended before NOW - 1 day goes.
    const later = NOW + 2 * 24 * HOUR;
    await f.server.services.usagePartitions.maintain(later);
    const horizon = later - 3 * 24 * HOUR;
    const kept = records.filter((r) => Math.floor(r.createdAt.getTime() / (24 * HOUR) + 1) * 24 * HOUR > horizon);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(records.length);
    const [raw] = await sql<{ n: string }>('select count(*)::text as n from usage_event where account_id = ?');
    expect(Number(raw.n)).toBe(kept.length);
    const names = await partitions();
    const dayOf = (name: string) => Date.parse(name.replace(/^usage_event_p(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3T00:00:00Z'));
    expect(names.every((n) => dayOf(n) + 24 * HOUR > horizon)).toBe(true);
    expect(names).toContain(`usage_event_p${new Date(later + 7 * 24 * HOUR).toISOString().slice(0, 10).replaceAll('-', '')}`);
    // Summaries still cover every event.
    const from = NOW - 10 * 24 * HOUR;
    const to = NOW + HOUR;
    for (const g of ['DAY', 'MODEL', 'ACCESS_KEY']) expect(await summary(g, from, to), g).toEqual(expected(records, g, from, to));
    // A late event for a dropped day gets its partition back instead of being refused.
    const late = { ...records[0], requestId: randomUUID(), createdAt: new Date(NOW - 8 * 24 * HOUR) };
    f.server.services.usage.record(late);
    await f.server.services.usage.flush();
    const [after] = await sql<{ n: string }>('select count(*)::text as n from usage_event where account_id = ?');
    expect(Number(after.n)).toBe(kept.length + 1);
  });
});
