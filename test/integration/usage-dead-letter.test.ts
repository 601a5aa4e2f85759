import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { createMetrics } from '../../server/src/metrics.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { pgUsageDb, type UsageDb } from '../../server/src/services/usage/usage-db.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { UsageWriter } from '../../server/src/services/usage/usage-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { usdToNano } from '../support/credits.js';

const FIVE_CENTS = 50_000_000n;

/** Regression for audit HIGH-1: one row PostgreSQL refuses stopped every tenant's usage and billing. */
describe('usage writer with a poison row', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let secretKey: string | undefined;
  const tenants: { token: string; accountId: string; accessKeyId: string }[] = [];
  const written: UsageRecord[] = [];

  async function start(): Promise<RunningServer> {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'silent',
      SERVE_WEB: 'false',
      SHUTDOWN_GRACE_MS: '500',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl, SECRET_KEY: secretKey } : {}),
    });
    return startServer(config, { logger: createLogger('silent') });
  }

  const record = (t: (typeof tenants)[number], over: Partial<UsageRecord> = {}): UsageRecord => ({
    requestId: randomUUID(),
    accountId: t.accountId,
    accessKeyId: t.accessKeyId,
    endpoint: '/v1/chat/completions',
    provider: 'openai',
    model: 'gpt-4o-mini',
    status: 200,
    streamed: false,
    inputTokens: 10,
    outputTokens: 5,
    tokensEstimated: false,
    latencyMs: 12,
    keySource: 'user',
    providerKeyId: null,
    feeNano: FIVE_CENTS,
    upstreamCostNano: 0n,
    totalCostNano: FIVE_CENTS,
    errorCode: null,
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: null, keySource: 'user', status: 200, error: null, latencyMs: 10 }],
    createdAt: new Date(),
    ...over,
  });

  const sql = <T>(text: string, params: unknown[] = []) => server.services.orm.em.fork().execute<T[]>(text, params);

  async function state(t: (typeof tenants)[number]) {
    const data = await gqlOk<{ me: { creditBalanceUsd: string }; usageEvents: { nodes: { requestId: string; model: string }[] } }>(
      server.url,
      '{ me { creditBalanceUsd } usageEvents(first: 100) { nodes { requestId model } } }',
      {},
      t.token,
    );
    return { balance: usdToNano(data.me.creditBalanceUsd), events: data.usageEvents.nodes };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    secretKey = db.databaseUrl ? randomBytes(32).toString('base64') : undefined;
    server = await start();
    for (let i = 0; i < 2; i++) {
      const { token, accountId } = await signUpAccount(server.url);
      await gqlOk(server.url, 'mutation { purchaseCredits(amountUsd: "5.00") { id } }', {}, token);
      const key = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
        server.url,
        'mutation { createAccessKey(input: { name: "app", description: null, configurationId: null }) { accessKey { id } } }',
        {},
        token,
      );
      tenants.push({ token, accountId, accessKeyId: key.createAccessKey.accessKey.id });
    }
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('parks the refused row with its charge; every other tenant is recorded and charged', async () => {
    const [attacker, victim] = tenants;
    const usage = server.services.usage;
    // A NUL that slipped past validation is stored (replaced), not refused.
    const nul = record(attacker, { model: 'x\u0000y' });
    // A value PostgreSQL refuses (int overflow, e.g. a hostile upstream's token count).
    const poison = record(attacker, { inputTokens: 2 ** 31, totalCostNano: 2n * FIVE_CENTS, feeNano: 2n * FIVE_CENTS });
    // Text beyond ASCII is stored as sent (the batch's JSON text carries it unescaped).
    const victims = Array.from({ length: 5 }, (_, i) => record(victim, i === 2 ? { model: 'modèle·日本·😀' } : {}));
    usage.record(nul);
    usage.record(victims[0]);
    usage.record(poison);
    for (const r of victims.slice(1)) usage.record(r);
    await usage.flush();
    written.push(...victims);
    expect(usage.pending).toBe(0);

    const v = await state(victim);
    expect(v.events.map((e) => e.requestId).sort()).toEqual(victims.map((r) => r.requestId).sort());
    expect(v.events.find((e) => e.requestId === victims[2].requestId)?.model).toBe('modèle·日本·😀');
    expect(v.balance).toBe(usdToNano('5.00') - 5n * FIVE_CENTS);

    const a = await state(attacker);
    expect(a.events).toEqual([{ requestId: nul.requestId, model: 'x\uFFFDy' }]);
    // The parked row's charge is applied once with it.
    expect(a.balance).toBe(usdToNano('5.00') - FIVE_CENTS - 2n * FIVE_CENTS);
    const parked = await sql<{ request_id: string; charge_nano: string; charge_applied: boolean; error: string; payload: Buffer }>(
      'select request_id, charge_nano::text, charge_applied, error, payload from usage_dead_letter',
    );
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ request_id: poison.requestId, charge_nano: String(2n * FIVE_CENTS), charge_applied: true });
    expect(parked[0].error).toMatch(/out of range/);
    // The payload is the row as the batch carried it, keyed by column for an operator.
    expect(JSON.parse(Buffer.from(parked[0].payload).toString('utf8'))).toMatchObject({ request_id: poison.requestId, input_tokens: 2 ** 31 });
    expect(await server.services.metrics.registry.getSingleMetricAsString('gateway_usage_dead_letters_total')).toMatch(/ 1$/m);

    // Later batches are not stuck behind it.
    const later = record(victim);
    usage.record(later);
    await usage.flush();
    expect((await state(victim)).events).toHaveLength(6);
  });

  it('neither loses nor charges twice across a restart, even when the same records arrive again', async () => {
    const [attacker, victim] = tenants;
    expect(written[0].accountId).toBe(victim.accountId);
    const before = await Promise.all(tenants.map(state));
    await server.close();
    server = await start();
    const after = await Promise.all(tenants.map(state));
    expect(after).toEqual(before);

    // Re-delivered records (same request ids): nothing new is written or charged.
    const [poison] = await sql<{ payload: Buffer }>('select payload from usage_dead_letter');
    const parked = JSON.parse(Buffer.from(poison.payload).toString('utf8')) as { request_id: string; input_tokens: number; created_at: string };
    server.services.usage.record(
      record(attacker, { requestId: parked.request_id, inputTokens: parked.input_tokens, totalCostNano: 2n * FIVE_CENTS, createdAt: new Date(parked.created_at) }),
    );
    server.services.usage.record(written[0]);
    await server.services.usage.flush();
    expect(await Promise.all(tenants.map(state))).toEqual(before);
    expect(await sql('select 1 from usage_dead_letter')).toHaveLength(1);
    const [rollup] = await sql<{ requests: string; cost: string }>(
      'select sum(requests)::text as requests, sum(cost_nano)::text as cost from usage_rollup where account_id = ?',
      [victim.accountId],
    );
    expect(rollup).toEqual({ requests: '6', cost: String(6n * FIVE_CENTS) });

    // One batch mixing a stored record with a new one: only the new one is counted and charged.
    const fresh = record(victim);
    server.services.usage.record(written[1]);
    server.services.usage.record(fresh);
    await server.services.usage.flush();
    const victimNow = await state(victim);
    expect(victimNow.balance).toBe(before[1].balance - FIVE_CENTS);
    expect(victimNow.events).toHaveLength(7);
    for (const table of ['usage_rollup', 'usage_rollup_daily']) {
      const [sums] = await sql<{ requests: string; cost: string }>(
        `select sum(requests)::text as requests, sum(cost_nano)::text as cost from ${table} where account_id = ?`,
        [victim.accountId],
      );
      expect(sums, table).toEqual({ requests: '7', cost: String(7n * FIVE_CENTS) });
    }
  });

  it('writes a batch whose commit went unanswered once, when the same batch is sent again', async () => {
    const victim = tenants[1];
    const before = await state(victim);
    const [{ count: lettersBefore }] = await sql<{ count: string }>('select count(*)::text as count from usage_dead_letter');
    // The real transaction commits, then the client loses the answer (the connection drops).
    const real = pgUsageDb(server.services.sql, (client, charges) => server.services.credits.applyCharges(client, charges));
    let loseNextCommit = true;
    const db: UsageDb = {
      probe: () => real.probe(),
      transaction: async (work) => {
        const result = await real.transaction(work);
        if (loseNextCommit) {
          loseNextCommit = false;
          throw new Error('Connection terminated unexpectedly');
        }
        return result;
      },
    };
    const writer = new UsageWriter({ db, logger: createLogger('silent'), metrics: createMetrics() });
    const batch = [record(victim), record(victim)];
    for (const r of batch) writer.record(r);
    await expect(writer.flush()).rejects.toThrow(/Connection terminated/);
    expect(writer.pending).toBe(2);
    // The same queued events again (same event ids and request ids), as the writer retries them.
    await writer.flush();
    expect(writer.pending).toBe(0);

    const after = await state(victim);
    expect(after.balance).toBe(before.balance - 2n * FIVE_CENTS);
    expect(after.events).toHaveLength(before.events.length + 2);
    expect(after.events.map((e) => e.requestId)).toEqual(expect.arrayContaining(batch.map((r) => r.requestId)));
    expect(await sql('select count(*)::text as count from usage_dead_letter')).toEqual([{ count: lettersBefore }]);
  });
});
