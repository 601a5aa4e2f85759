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
import { InsufficientCreditsError } from '../../server/src/errors/credits-error.js';
import { creditCharges, creditControl, type Charge } from '../../server/src/services/credits/credit-service.js';
import { createManualPurchase } from '../../server/src/services/credits/credit-ledger.js';
import { SqlCreditStore } from '../../server/src/services/credits/credit-store.js';
import { toMs } from '../../server/src/services/credits/credit-sql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

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
