/**
 * The ledger property against the real database: random sequences of purchases, concurrent
 * reservation bursts on two instances, settlements, releases, committed and rolled-back charge
 * batches and time steps keep the invariants, checked with SQL after every step.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account } from '../../server/src/entities/account.entity.js';
import { BudgetExceededError, InsufficientCreditsError } from '../../server/src/errors/credits-error.js';
import { creditCharges, creditControl, type Charge } from '../../server/src/services/credits/credit-service.js';
import { createManualPurchase } from '../../server/src/services/credits/credit-ledger.js';
import { SqlCreditStore } from '../../server/src/services/credits/credit-store.js';
import { toMs } from '../../server/src/services/credits/credit-sql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { BalanceControl, DEFAULT_TIMINGS } from '../../server/src/services/credits/balance-control.js';
import { budgetScopeId, periodBounds } from '../../server/src/services/credits/budget-period.js';
import { SqlBudgetStore } from '../../server/src/services/credits/budget-store.js';
import { formatUsd } from '../../server/src/services/credits/money.js';
import { pendingUsageOf } from '../../server/src/services/usage/pending-usage.js';
import { RowArena } from '../../server/src/services/usage/row-arena.js';
import { prepareUsageBatch, writeUsageBatch } from '../../server/src/services/usage/usage-batch.js';
import { pgUsageDb } from '../../server/src/services/usage/usage-db.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';

const logger = pino({ level: 'silent' });

type Op =
  | { kind: 'purchase'; cents: number }
  | { kind: 'burst'; instance: number; worst: bigint[]; actualPermille: number; release: boolean }
  | { kind: 'flush'; instance: number; commit: boolean }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('purchase' as const), cents: fc.integer({ min: 500, max: 900 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      instance: fc.nat(1),
      worst: fc.array(fc.bigInt({ min: 1n, max: 1_500_000_000n }), { minLength: 1, maxLength: 5 }),
      actualPermille: fc.integer({ min: 0, max: 1_000 }),
      release: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const), instance: fc.nat(1), commit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4_000 }) }) },
);

describe('credit ledger against the database (property)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('keeps the balance ≥ 0, grants within the balance, promises within grants and the books exact', async () => {
    const orm = server.services.orm;
    const sql = <T>(q: string, p: unknown[]) => orm.em.fork().execute<T[]>(q, p);

    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 25 }), async (ops) => {
        let clock = Date.parse('2026-05-01T00:00:00Z');
        const accountId = randomUUID();
        const em = orm.em.fork();
        em.create(Account, { id: accountId, email: `${accountId}@example.com`, name: null });
        await em.flush();
        const store = new SqlCreditStore(server.services.sql);
        const instances = [0, 1].map((i) => ({
          control: creditControl({ store, instanceId: `prop-${i}-${accountId.slice(0, 8)}`, logger, now: () => clock }),
          queue: [] as Charge[],
        }));
        let settled = 0n;
        await createManualPurchase(orm.em.fork(), accountId, 5_000_000_000n, new Date(clock));

        const check = async () => {
          const [row] = await sql<{ balance: string; min_lot: string }>(
            `select (select coalesce(sum(remaining_nano), 0) from credit_lot where account_id = ? and expires_at > ?)::text as balance,
                    (select coalesce(min(remaining_nano), 0) from credit_lot where account_id = ?)::text as min_lot`,
            [accountId, new Date(clock), accountId],
          );
          const grants = await sql<{ instance_id: string; amount_nano: string; lease_expires_at: string }>(
            'select instance_id, amount_nano::text, lease_expires_at from credit_grant where account_id = ?',
            [accountId],
          );
          const balance = BigInt(row.balance);
          expect(BigInt(row.min_lot) >= 0n).toBe(true);
          const live = grants.filter((g) => toMs(g.lease_expires_at) > clock).reduce((s, g) => s + (BigInt(g.amount_nano) > 0n ? BigInt(g.amount_nano) : 0n), 0n);
          expect(live <= balance).toBe(true);
          for (const inst of instances) {
            const v = inst.control.inspect(accountId);
            if (!v) continue;
            const own = grants.find((g) => g.instance_id === inst.control.instanceId);
            expect(v.reservedNano - v.waitingNano + v.unappliedNano <= BigInt(own?.amount_nano ?? '0')).toBe(true);
          }
        };

        for (const op of ops) {
          if (op.kind === 'purchase') {
            await createManualPurchase(orm.em.fork(), accountId, BigInt(op.cents) * 10_000_000n, new Date(clock));
            instances.forEach((i) => i.control.balanceChanged(accountId));
          } else if (op.kind === 'burst') {
            const inst = instances[op.instance];
            const results = await Promise.allSettled(op.worst.map((w) => inst.control.reserve(accountId, w)));
            await check();
            results.forEach((r, i) => {
              if (r.status === 'rejected') {
                expect(r.reason).toBeInstanceOf(InsufficientCreditsError);
                return;
              }
              if (op.release) return r.value.release();
              const actual = (op.worst[i] * BigInt(op.actualPermille)) / 1000n;
              r.value.settle(actual);
              if (actual > 0n) {
                settled += actual;
                inst.queue.push({ accountId, requestId: randomUUID(), amountNano: actual });
              }
            });
          } else if (op.kind === 'flush') {
            const inst = instances[op.instance];
            const batch = inst.queue.splice(0);
            if (batch.length > 0) {
              const attempt = orm.em.fork().transactional(async (tx) => {
                await inst.control.applyCharges(tx, creditCharges(batch, clock));
                if (!op.commit) throw new Error('rolled back');
              });
              if (op.commit) await attempt;
              else {
                await expect(attempt).rejects.toThrow('rolled back');
                inst.queue.unshift(...batch);
              }
            }
          } else {
            clock += op.ms;
            await Promise.all(instances.map((i) => i.control.tick()));
          }
          await check();
        }
        for (const inst of instances) {
          const batch = inst.queue.splice(0);
          if (batch.length) await orm.em.fork().transactional((tx) => inst.control.applyCharges(tx, creditCharges(batch, clock)));
        }
        await check();
        await Promise.all(instances.map((i) => i.control.stop()));

        const [books] = await sql<{ purchases: string; usage: string; remaining: string; grants: string }>(
          `select (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'purchase')::text as purchases,
                  (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'usage')::text as usage,
                  (select coalesce(sum(remaining_nano), 0) from credit_lot where account_id = ?)::text as remaining,
                  (select count(*) from credit_grant where account_id = ?)::text as grants`,
          [accountId, accountId, accountId, accountId],
        );
        expect(-BigInt(books.usage)).toBe(settled); // every settled charge written once, none beyond the balance
        expect(BigInt(books.purchases) - BigInt(books.remaining)).toBe(settled);
        expect(books.grants).toBe('0');
      }),
      { numRuns: 8 },
    );
  });
});

type BudgetOp =
  | { kind: 'burst'; instance: number; worst: bigint[]; actualPermille: number; release: boolean }
  | { kind: 'flush'; instance: number; commit: boolean }
  | { kind: 'advance'; ms: number };

const budgetOpArb: fc.Arbitrary<BudgetOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      instance: fc.nat(1),
      worst: fc.array(fc.bigInt({ min: 1n, max: 400_000_000n }), { minLength: 1, maxLength: 6 }),
      actualPermille: fc.integer({ min: 0, max: 1_000 }),
      release: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const), instance: fc.nat(1), commit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40_000 }) }) },
);

/**
 * Key budgets through the real usage batch (usage events + budget charges in one transaction, as
 * the usage writer does): random concurrent reservation bursts on two instances, settlements,
 * releases, committed and rolled-back batches and time steps across a UTC midnight (a DAY budget
 * starts a new period). After every step: spend in each period ≤ the budget and live grants within
 * what is left; at the end every served request is charged exactly once and spentUsd = Σ usage spend.
 */
describe('key budgets against the database (property)', () => {
  let server: TestServer;
  let clock = Date.parse('2026-05-01T23:58:00Z');
  let account: { token: string; accountId: string };

  beforeAll(async () => {
    server = await startTestServer({}, { credits: { now: () => clock } });
    account = await signUpAccount(server.url);
  });
  afterAll(async () => server?.stop());

  it('keeps spend within the budget in every period and charges each served request once', async () => {
    const sql = <T>(q: string, p: unknown[]) => server.services.sql.query(q, p).then((r) => r.rows as T[]);
    const budgetNano = 1_000_000_000n; // $1 per UTC day; worst cases up to $0.40

    await fc.assert(
      fc.asyncProperty(fc.array(budgetOpArb, { minLength: 5, maxLength: 25 }), async (ops) => {
        clock = Date.parse('2026-05-01T23:58:00Z');
        const { token, accountId } = account;
        const created = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
          server.url,
          'mutation($b: String!) { createAccessKey(input: { name: "prop", limits: { budgetUsd: $b, budgetPeriod: DAY } }) { accessKey { id } } }',
          { b: '1.00' },
          token,
        );
        const keyId = created.createAccessKey.accessKey.id;
        const instances = [0, 1].map((i) => {
          const control = new BalanceControl({
            store: new SqlBudgetStore(server.services.sql),
            instanceId: `budget-prop-${i}-${keyId.slice(0, 8)}`,
            logger,
            now: () => clock,
            what: 'budget',
            refusal: () => new BudgetExceededError(),
          });
          // The usage writer's transaction: events, rollups and this instance's budget charges.
          const db = pgUsageDb(server.services.sql, (client, charges) =>
            control.applyCharges(client, charges.map((c) => ({ ownerId: c.accessKeyId!, amountNano: c.spendNano!, at: c.at!.getTime() }))),
          );
          return { control, db, queue: [] as UsageRecord[] };
        });
        const served = new Map<string, bigint>();
        const periods = new Set<number>();

        const check = async () => {
          for (const start of periods) {
            const end = start + 86_400_000;
            const [row] = await sql<{ spent: string }>(
              `select coalesce(sum(spent_nano), 0)::text as spent from access_key_spend where access_key_id = $1 and day >= $2::date and day < $3::date`,
              [keyId, new Date(start).toISOString().slice(0, 10), new Date(end).toISOString().slice(0, 10)],
            );
            const spent = BigInt(row.spent);
            expect(spent <= budgetNano).toBe(true);
            const grants = await sql<{ amount_nano: string; lease_expires_at: string }>(
              'select amount_nano::text, lease_expires_at from budget_grant where access_key_id = $1 and scope = $2',
              [keyId, `DAY:${start}`],
            );
            const live = grants.filter((g) => toMs(g.lease_expires_at) > clock).reduce((s, g) => s + (BigInt(g.amount_nano) > 0n ? BigInt(g.amount_nano) : 0n), 0n);
            expect(live <= budgetNano - spent).toBe(true);
          }
        };
        const rows = new RowArena();
        const flush = async (inst: (typeof instances)[number], commit: boolean) => {
          const batch = inst.queue.splice(0);
          if (batch.length === 0) return;
          const events = batch.map((r) => pendingUsageOf(r, rows));
          await server.services.usagePartitions.ensureFor(events);
          const prepared = prepareUsageBatch(events);
          const attempt = inst.db.transaction(async (tx) => {
            await writeUsageBatch(tx, prepared);
            if (!commit) throw new Error('rolled back');
          });
          if (commit) return attempt;
          await expect(attempt).rejects.toThrow('rolled back');
          inst.queue.unshift(...batch);
        };

        for (const op of ops) {
          if (op.kind === 'burst') {
            const inst = instances[op.instance];
            const at = clock;
            const scope = budgetScopeId(keyId, 'DAY', at);
            periods.add(periodBounds('DAY', at).start);
            const results = await Promise.allSettled(op.worst.map((w) => inst.control.reserve(scope, w)));
            results.forEach((r, i) => {
              if (r.status === 'rejected') {
                expect(r.reason).toBeInstanceOf(BudgetExceededError);
                return;
              }
              if (op.release) return r.value.release();
              const actual = (op.worst[i] * BigInt(op.actualPermille)) / 1000n;
              r.value.settle(actual);
              if (actual === 0n) return;
              const requestId = randomUUID();
              served.set(requestId, actual);
              inst.queue.push(usageRecord(accountId, keyId, requestId, actual, at));
            });
          } else if (op.kind === 'flush') {
            await flush(instances[op.instance], op.commit);
          } else {
            // In production the background timer ticks every tickMs, renewing leases; jumping the clock
            // past a lease without those ticks would model an instance stalled longer than its lease,
            // the documented limit where a late charge may exceed the budget (see BalanceControl).
            for (let left = op.ms; left > 0; left -= DEFAULT_TIMINGS.tickMs) {
              clock += Math.min(left, DEFAULT_TIMINGS.tickMs);
              await Promise.all(instances.map((i) => i.control.tick()));
            }
          }
          await check();
        }
        for (const inst of instances) await flush(inst, true);
        await check();
        await Promise.all(instances.map((i) => i.control.stop()));

        // Every served request: one usage event, its spend once in the key's spend.
        const events = await sql<{ request_id: string; spend: string }>(
          'select request_id, (fee_nano + coalesce(provider_cost_nano, 0))::text as spend from usage_event where access_key_id = $1',
          [keyId],
        );
        expect(new Map(events.map((e) => [e.request_id, BigInt(e.spend)]))).toEqual(served);
        const [spend] = await sql<{ spent: string; requests: string }>(
          'select coalesce(sum(spent_nano), 0)::text as spent, coalesce(sum(request_count), 0)::text as requests from access_key_spend where access_key_id = $1',
          [keyId],
        );
        const total = [...served.values()].reduce((a, b) => a + b, 0n);
        expect(BigInt(spend.spent)).toBe(total);
        expect(Number(spend.requests)).toBe(served.size);
        // spentUsd (the current period, as the admin API shows it) = Σ usage spend of that period.
        const { start } = periodBounds('DAY', clock);
        const current = events.length === 0 ? 0n : [...served.entries()].filter(([id]) => periodOf.get(id) === start).reduce((s, [, v]) => s + v, 0n);
        const keys = await gqlOk<{ accessKeys: { nodes: { id: string; spentUsd: string }[] } }>(server.url, '{ accessKeys(first: 5) { nodes { id spentUsd } } }', {}, token);
        expect(keys.accessKeys.nodes.find((k) => k.id === keyId)!.spentUsd).toBe(formatUsd(current));
      }),
      // No shrinking: each run makes a key and real transactions, and a failing sequence is short enough to read.
      { numRuns: 6, endOnFailure: true },
    );
  }, 120_000);
});

/** Period start of each served request (by request id), for the spentUsd check. */
const periodOf = new Map<string, number>();

function usageRecord(accountId: string, accessKeyId: string, requestId: string, spendNano: bigint, at: number): UsageRecord {
  periodOf.set(requestId, periodBounds('DAY', at).start);
  return {
    requestId,
    accountId,
    accessKeyId,
    endpoint: '/v1/chat/completions',
    provider: 'openai',
    model: 'gpt-4o-mini',
    status: 200,
    streamed: false,
    inputTokens: 10,
    outputTokens: 5,
    tokensEstimated: false,
    latencyMs: 1,
    keySource: 'user',
    providerKeyId: null,
    // Own credentials: credits pay nothing here, the budget counts the spend (the fee stands in for it).
    feeNano: spendNano,
    upstreamCostNano: 0n,
    totalCostNano: 0n,
    providerCostNano: 0n,
    errorCode: null,
    attempts: [],
    createdAt: new Date(at),
  };
}
