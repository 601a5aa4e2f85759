import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUsageDb, type UsageDb } from '../../server/src/services/usage/usage-db.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import type { UsageEventStorage } from '../../server/src/services/usage/usage-storage.js';
import { UsageWriter } from '../../server/src/services/usage/usage-writer.js';
import { balanceNano, createAccount, type TestAccount } from '../support/credits.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlOk } from '../support/graphql.js';
import { expected, HOUR, summary } from '../support/usage-oracle.js';

/**
 * USAGE_EVENTS=errors|off: requests without a stored event are summed per batch, and those sums
 * must add to rollups, key spend, credits and the keys' last use exactly what their events would
 * have, once, also when a batch is sent again after its commit went unanswered, and with two
 * writers (two instances) summing into the same rows.
 */

const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const DAY = 24 * HOUR;
const GROUPINGS = ['DAY', 'PROVIDER', 'MODEL', 'ACCESS_KEY'];

/** 400 records over three days: several keys, providers, models (one with U+0000), statuses, charged or not. */
function recordsFor(account: TestAccount, keys: readonly string[]): UsageRecord[] {
  const providers: [string | null, string | null][] = [['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-5'], ['openai', 'gpt\u00004o'], [null, 'typo-model']];
  const statuses = [200, 200, 200, 429, 502, 402];
  return Array.from({ length: 400 }, (_, i) => {
    const [provider, model] = providers[i % providers.length];
    const status = provider ? statuses[(i * 7) % statuses.length] : 404;
    const charged = status === 200 || status === 502;
    return {
      requestId: randomUUID(), accountId: account.accountId, accessKeyId: keys[i % keys.length], endpoint: '/v1/chat/completions',
      provider, model, status, streamed: i % 2 === 0, inputTokens: charged ? 10 + (i % 13) : 0, outputTokens: charged ? i % 5 : 0,
      tokensEstimated: false, latencyMs: 5, keySource: provider ? 'user' : null, providerKeyId: null,
      feeNano: charged ? BigInt(1000 + i) : 0n, upstreamCostNano: charged && i % 4 === 0 ? BigInt(i * 7) : 0n,
      totalCostNano: charged ? BigInt(1000 + i) + (i % 4 === 0 ? BigInt(i * 7) : 0n) : 0n,
      providerCostNano: !charged || i % 3 === 0 ? null : BigInt(i * 10), cacheHit: i % 11 === 0,
      errorCode: status === 402 ? 'budget_exceeded' : status >= 400 ? 'x' : null, attempts: [],
      createdAt: new Date(NOW - ((i * 37) % (3 * 24)) * HOUR - ((i * 13) % 3600) * 1000 - 1),
    };
  });
}

describe('usage without stored events (USAGE_EVENTS)', () => {
  let f: GatewayFixture;
  let db: UsageDb;

  const writer = (storage: UsageEventStorage, usageDb: UsageDb = db) =>
    new UsageWriter({ db: usageDb, logger: f.server.services.logger, metrics: f.server.services.metrics, partitions: f.server.services.usagePartitions, storage });

  /** An account with credits and three keys, and its records. */
  const accountWithRecords = async () => {
    const account = await createAccount(f, { purchaseUsd: '50' });
    const keys = [account.accessKeyId];
    for (const name of ['b', 'c']) {
      keys.push((await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
        f.baseUrl,
        'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }',
        { input: { name, description: null, configurationId: null } },
        account.token,
      )).createAccessKey.accessKey.id);
    }
    return { account, keys, records: recordsFor(account, keys) };
  };

  /** What the database holds for an account: events, key spend and credit usage by day, keys' last use. */
  const books = async (accountId: string, keys: readonly string[]) => {
    const query = async <R extends object>(text: string, values: unknown[]) => (await f.server.services.sql.query<R>(text, values)).rows;
    const [events] = await query<{ n: string; errors: string }>(
      'select count(*)::text as n, count(*) filter (where status >= 400)::text as errors from usage_event where account_id = $1',
      [accountId],
    );
    const spend = await query<{ key: number; day: string; spent: string; requests: number }>(
      `select array_position($1::uuid[], access_key_id) as key, day::text as day, spent_nano::text as spent, request_count as requests
       from access_key_spend where access_key_id = any($1::uuid[]) order by 1, 2`,
      [keys],
    );
    const credits = await query<{ day: string; amount: string; requests: number }>(
      `select usage_day::text as day, amount_nano::text as amount, request_count as requests from credit_transaction
       where account_id = $1 and kind = 'usage' order by 1`,
      [accountId],
    );
    const lastUsed = await query<{ key: number; at: string | null }>(
      `select array_position($1::uuid[], id) as key, last_used_at::text as at from access_key where id = any($1::uuid[]) order by 1`,
      [keys],
    );
    return { events: Number(events.n), errorEvents: Number(events.errors), spend, credits, lastUsed };
  };

  beforeAll(async () => {
    f = await startGatewayFixture();
    db = pgUsageDb(f.server.services.sql, (client, charges) => f.server.services.credits.applyCharges(client, charges));
  });
  afterAll(async () => f?.stop());

  it('adds to summaries, key spend, credits and last use exactly what stored events add, from two writers at once', async () => {
    const stored = await accountWithRecords();
    const summed = await accountWithRecords();
    // The same requests for both accounts (each on its own keys): one written as events, the other summed by two writers.
    const summedRecords = stored.records.map((r, i) => ({ ...r, requestId: randomUUID(), accountId: summed.account.accountId, accessKeyId: summed.keys[i % 3] }));
    const events = writer('all');
    const [one, two] = [writer('off'), writer('off')];
    const flushes: Promise<void>[] = [];
    stored.records.forEach((r, i) => {
      events.record(r);
      (i % 2 ? one : two).record(summedRecords[i]);
      if (i % 60 === 59) flushes.push(events.flush(), one.flush(), two.flush());
    });
    await Promise.all([...flushes, events.flush(), one.flush(), two.flush()]);

    const from = NOW - 4 * DAY;
    const to = NOW + HOUR;
    for (const g of [...GROUPINGS, 'HOUR']) {
      const want = expected(summedRecords, g, from, to);
      expect(await summary(f.baseUrl, summed.account.token, g, from, to), g).toEqual(want);
      if (g !== 'ACCESS_KEY') expect(await summary(f.baseUrl, stored.account.token, g, from, to), g).toEqual(want);
    }
    const filter = { accessKeyId: summed.keys[1], errorsOnly: true };
    expect(await summary(f.baseUrl, summed.account.token, 'DAY', from, to, filter)).toEqual(expected(summedRecords, 'DAY', from, to, filter));

    const a = await books(stored.account.accountId, stored.keys);
    const b = await books(summed.account.accountId, summed.keys);
    expect(a.events).toBe(400);
    expect(b.events).toBe(0);
    expect(b.spend.length).toBeGreaterThan(3);
    expect(b.spend).toEqual(a.spend);
    expect(b.credits.length).toBeGreaterThan(0);
    expect(b.credits).toEqual(a.credits);
    expect(b.lastUsed).toEqual(a.lastUsed);
    expect(await balanceNano(f, summed.account.token)).toBe(await balanceNano(f, stored.account.token));
  });

  it('stores only the failed requests with USAGE_EVENTS=errors, and counts every request', async () => {
    const { account, keys, records } = await accountWithRecords();
    const w = writer('errors');
    for (const r of records) w.record(r);
    await w.flush();
    const from = NOW - 4 * DAY;
    for (const g of GROUPINGS) expect(await summary(f.baseUrl, account.token, g, from, NOW + HOUR), g).toEqual(expected(records, g, from, NOW + HOUR));
    const b = await books(account.accountId, keys);
    const failed = records.filter((r) => r.status >= 400).length;
    expect(failed).toBeGreaterThan(100);
    expect(b.events).toBe(failed);
    expect(b.errorEvents).toBe(failed);
  });

  it('adds a batch of sums once when it is sent again after its commit went unanswered', async () => {
    const { account, keys, records } = await accountWithRecords();
    let dropAnswers = 1;
    // Commits, then loses the answer: the writer cannot know the batch landed.
    const unanswered: UsageDb = {
      ...db,
      transaction: async (work) => {
        const result = await db.transaction(work);
        if (dropAnswers-- > 0) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
        return result;
      },
    };
    const w = writer('off', unanswered);
    for (const r of records) w.record(r);
    await expect(w.flush()).rejects.toThrow(/Connection terminated/);
    expect(w.pending).toBe(records.length);
    await w.flush();
    expect(w.pending).toBe(0);
    const from = NOW - 4 * DAY;
    for (const g of GROUPINGS) expect(await summary(f.baseUrl, account.token, g, from, NOW + HOUR), g).toEqual(expected(records, g, from, NOW + HOUR));
    const charged = records.filter((r) => r.totalCostNano > 0n);
    const b = await books(account.accountId, keys);
    expect(b.credits.reduce((n, c) => n + c.requests, 0)).toBe(charged.length);
    expect(b.credits.reduce((n, c) => n - BigInt(c.amount), 0n)).toBe(charged.reduce((n, r) => n + r.totalCostNano, 0n));
  });
});

describe('/v1 with USAGE_EVENTS=off', () => {
  let f: GatewayFixture;
  beforeAll(async () => {
    f = await startGatewayFixture({ USAGE_EVENTS: 'off' });
  });
  afterAll(async () => f?.stop());

  it('stores no event, and the summary, the balance and the Usage page query count every request', async () => {
    const account = await createAccount(f, { purchaseUsd: '5', providerKeys: { openai: 'sk-test-openai' } });
    const before = await balanceNano(f, account.token);
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: account.accessToken, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Say hello to the gateway please' }];
    for (let i = 0; i < 3; i++) await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await expect(openai.chat.completions.create({ model: 'no-such-model', messages })).rejects.toThrow();
    await f.server.services.usage.flush();

    const data = await gqlOk<{ usageEventStorage: string; usageEvents: { nodes: unknown[] }; usageSummary: { requests: number; errors: number; inputTokens: number }[] }>(
      f.baseUrl,
      `query($from: DateTime!) { usageEventStorage usageEvents(first: 10) { nodes { requestId } }
        usageSummary(from: $from, groupBy: DAY) { requests errors inputTokens } }`,
      { from: new Date(Date.now() - DAY).toISOString() },
      account.token,
    );
    expect(data.usageEventStorage).toBe('OFF');
    expect(data.usageEvents.nodes).toEqual([]);
    expect(data.usageSummary.reduce((n, b) => n + b.requests, 0)).toBe(4);
    expect(data.usageSummary.reduce((n, b) => n + b.errors, 0)).toBe(1);
    // The fake upstream counts 8 input tokens for this prompt and 4 output tokens for its answer: the fee is 12 × 50 nano-USD.
    expect(data.usageSummary.reduce((n, b) => n + b.inputTokens, 0)).toBe(3 * 8);
    expect(before - (await balanceNano(f, account.token))).toBe(3n * 12n * 50n);
    expect(await f.server.services.metrics.registry.getSingleMetricAsString('gateway_usage_requests_summed_total')).toMatch(/ 4$/m);
  });
});
