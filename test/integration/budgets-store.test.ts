/**
 * Key budgets as balance scopes against the real database, on the plain pg pool: charges applied
 * through a pg client inside db/pool.ts's inTransaction (as the usage writer does), two instances
 * reserving one budget concurrently, and period boundaries under a controlled clock.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../server/src/db/pool.js';
import { BudgetExceededError } from '../../server/src/errors/credits-error.js';
import { BalanceControl, type Reservation } from '../../server/src/services/credits/balance-control.js';
import { budgetScopeId, type BudgetPeriod } from '../../server/src/services/credits/budget-period.js';
import { SqlBudgetStore } from '../../server/src/services/credits/budget-store.js';
import type { Charge } from '../../server/src/services/credits/credit-service.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';

const logger = pino({ level: 'silent' });
const USD = 1_000_000_000n;

describe('key budgets (store)', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-31T23:59:50Z');

  beforeAll(async () => {
    server = await startTestServer({}, { credits: { now: () => clock } });
  });
  afterAll(async () => server?.stop());

  const sql = <T>(q: string, p: unknown[] = []) => server.services.sql.query(q, p).then((r) => r.rows as T[]);

  async function keyWithBudget(budgetNano: bigint, period: BudgetPeriod): Promise<{ accountId: string; keyId: string }> {
    const { token, accountId } = await signUpAccount(server.url);
    await gqlOk(server.url, 'mutation { purchaseCredits(amountUsd: "100") { id } }', {}, token);
    const created = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
      server.url,
      'mutation { createAccessKey(input: { name: "b" }) { accessKey { id } } }',
      {},
      token,
    );
    const keyId = created.createAccessKey.accessKey.id;
    await sql('update access_key set budget_nano = $1, budget_period = $2 where id = $3', [budgetNano.toString(), period, keyId]);
    return { accountId, keyId };
  }

  const budgetControl = (instanceId: string) =>
    new BalanceControl({
      store: new SqlBudgetStore(server.services.sql),
      instanceId,
      logger,
      now: () => clock,
      what: 'budget',
      refusal: () => new BudgetExceededError(),
    });

  const spent = async (keyId: string) =>
    (await sql<{ day: string; spent: string }>(`select to_char(day, 'YYYY-MM-DD') as day, spent_nano::text as spent from access_key_spend where access_key_id = $1 order by day`, [keyId])).map(
      (r) => [r.day, BigInt(r.spent)] as const,
    );

  it('applies spend through a pg client in the writer’s transaction; memory follows only the commit', async () => {
    const { accountId, keyId } = await keyWithBudget(USD, 'DAY');
    const credits = server.services.credits;
    const r = await credits.reserveBudget(keyId, 'DAY', 300_000_000n, clock);
    r.settle(200_000_000n);
    const scope = budgetScopeId(keyId, 'DAY', clock);
    const charge: Charge = { accountId, requestId: randomUUID(), amountNano: 1_000n, accessKeyId: keyId, spendNano: 200_000_000n, at: new Date(clock) };
    await expect(
      inTransaction(server.services.sql, async (client) => {
        await credits.applyCharges(client, [charge]);
        throw new Error('writer failed');
      }),
    ).rejects.toThrow('writer failed');
    expect(await spent(keyId)).toEqual([]);
    expect(credits.budgets.inspect(scope)?.unappliedNano).toBe(200_000_000n);
    await inTransaction(server.services.sql, (client) => credits.applyCharges(client, [charge]));
    expect(await spent(keyId)).toEqual([['2026-03-31', 200_000_000n]]);
    expect(credits.budgets.inspect(scope)?.unappliedNano).toBe(0n);
    // The rest of the budget, not more.
    await expect(credits.reserveBudget(keyId, 'DAY', 900_000_000n, clock)).rejects.toBeInstanceOf(BudgetExceededError);
    (await credits.reserveBudget(keyId, 'DAY', 800_000_000n, clock)).release();
  });

  it('two instances never let 200 concurrent requests spend more than the budget', async () => {
    const { accountId, keyId } = await keyWithBudget(2n * USD, 'TOTAL');
    const controls = [budgetControl('bud-a'), budgetControl('bud-b')];
    let charged = 0n;
    let accepted = 0;
    const pending: { control: BalanceControl; charge: Charge }[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const control = controls[i % 2];
        const worst = 50_000_000n; // $0.05 × 200 = $10 wanted, $2 allowed
        let r: Reservation;
        try {
          r = await control.reserve(budgetScopeId(keyId, 'TOTAL', clock), worst);
        } catch (err) {
          expect(err).toBeInstanceOf(BudgetExceededError);
          return;
        }
        accepted++;
        const actual = worst - BigInt(i % 7) * 1_000_000n;
        r.settle(actual);
        charged += actual;
        pending.push({ control, charge: { accountId, requestId: randomUUID(), amountNano: 0n, accessKeyId: keyId, spendNano: actual, at: new Date(clock) } });
      }),
    );
    for (const control of controls) {
      const mine = pending.filter((p) => p.control === control).map((p) => ({ ownerId: keyId, amountNano: p.charge.spendNano!, at: clock }));
      await inTransaction(server.services.sql, (client) => control.applyCharges(client, mine));
    }
    const total = (await spent(keyId)).reduce((s, [, v]) => s + v, 0n);
    expect(total).toBe(charged);
    expect(total <= 2n * USD).toBe(true);
    expect(accepted).toBeGreaterThanOrEqual(38); // the budget is not stranded: ≥ 95% of the 40 worst cases it covers
    await Promise.all(controls.map((c) => c.stop()));
    expect(await sql('select 1 from budget_grant where access_key_id = $1', [keyId])).toEqual([]);
  });

  it('one batch spanning periods: each day is summed on its own, each budget period gets its own charge', async () => {
    // Sunday, Monday and Tuesday of ISO weeks 14 and 15 (2026-04-05 is a Sunday).
    const sunday = Date.parse('2026-04-05T12:00:00Z');
    const monday = Date.parse('2026-04-06T08:00:00Z');
    const tuesday = Date.parse('2026-04-07T20:00:00Z');
    const weekly = await keyWithBudget(10n * USD, 'WEEK');
    const unbudgeted = await keyWithBudget(10n * USD, 'WEEK');
    await sql('update access_key set budget_nano = null, budget_period = null where id = $1', [unbudgeted.keyId]);
    const control = budgetControl('bud-week');
    const charges = [
      { ownerId: weekly.keyId, amountNano: 1n, at: monday },
      { ownerId: unbudgeted.keyId, amountNano: 1_000n, at: sunday },
      { ownerId: weekly.keyId, amountNano: 10n, at: sunday },
      { ownerId: weekly.keyId, amountNano: 100n, at: tuesday },
      { ownerId: unbudgeted.keyId, amountNano: 10_000n, at: tuesday },
      { ownerId: weekly.keyId, amountNano: 1_000n, at: monday + 1 },
    ];
    const applied = await inTransaction(server.services.sql, (client) => control.applyCharges(client, charges));
    const byScope = Object.fromEntries(applied.map((a) => [a.scopeId ?? `none:${a.requestedNano}`, a.requestedNano]));
    expect(byScope).toEqual({
      [budgetScopeId(weekly.keyId, 'WEEK', sunday)]: 10n,
      [budgetScopeId(weekly.keyId, 'WEEK', monday)]: 1_101n,
      'none:11000': 11_000n,
    });
    expect(await spent(weekly.keyId)).toEqual([
      ['2026-04-05', 10n],
      ['2026-04-06', 1_001n],
      ['2026-04-07', 100n],
    ]);
    const counts = await sql<{ request_count: number }>('select request_count from access_key_spend where access_key_id = $1 order by day', [weekly.keyId]);
    expect(counts.map((r) => r.request_count)).toEqual([1, 2, 1]);
    expect(await spent(unbudgeted.keyId)).toEqual([
      ['2026-04-05', 1_000n],
      ['2026-04-07', 10_000n],
    ]);
    await control.stop();
  });

  it('a new period starts with the whole budget; a request admitted before midnight counts in its own day', async () => {
    clock = Date.parse('2026-03-31T23:59:58Z');
    const { accountId, keyId } = await keyWithBudget(100_000_000n, 'DAY');
    const control = budgetControl('bud-day');
    const before = await control.reserve(budgetScopeId(keyId, 'DAY', clock), 100_000_000n);
    await expect(control.reserve(budgetScopeId(keyId, 'DAY', clock), 1n)).rejects.toBeInstanceOf(BudgetExceededError);
    const admittedAt = clock;
    clock = Date.parse('2026-04-01T00:00:01Z'); // midnight UTC passed while it ran
    const after = await control.reserve(budgetScopeId(keyId, 'DAY', clock), 100_000_000n);
    before.settle(90_000_000n);
    after.settle(100_000_000n);
    await inTransaction(server.services.sql, (client) =>
      control.applyCharges(client, [
        { ownerId: keyId, amountNano: 90_000_000n, at: admittedAt },
        { ownerId: keyId, amountNano: 100_000_000n, at: clock },
      ]),
    );
    expect(await spent(keyId)).toEqual([
      ['2026-03-31', 90_000_000n],
      ['2026-04-01', 100_000_000n],
    ]);
    await expect(control.reserve(budgetScopeId(keyId, 'DAY', clock), 1n)).rejects.toBeInstanceOf(BudgetExceededError);
    // Spend per period as the admin API reports it.
    const em = server.services.orm.em.fork();
    expect(await server.services.credits.keySpend(em, keyId, 'DAY')).toEqual({ spentNano: 100_000_000n, resetsAt: new Date('2026-04-02T00:00:00Z') });
    expect(await server.services.credits.keySpend(em, keyId, 'MONTH')).toEqual({ spentNano: 100_000_000n, resetsAt: new Date('2026-05-01T00:00:00Z') });
    expect((await server.services.credits.keySpend(em, keyId, 'TOTAL')).spentNano).toBe(190_000_000n);
    void accountId;
    await control.stop();
  });
});
