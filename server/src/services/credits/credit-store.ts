import { randomUUID } from 'node:crypto';
import { inTransaction, sqlOf, type SqlPool } from '../../db/pool.js';
import {
  chargeTxAfterCommit,
  chargeTxInTransaction,
  sqlOfTx,
  type AppliedCharge,
  type BalanceStore,
  type ChargeTx,
  type GrantSnapshot,
  type GrantWrite,
  type OwnerCharge,
} from './balance-store.js';
import { planFifoDeduction } from './ledger-math.js';
import { DAY_MS, loadSpendableLots, lockAccount, sweepExpiredLots, toMs, utcDay } from './credit-sql.js';

interface GrantRow {
  instance_id: string;
  amount_nano: string;
  lease_expires_at: Date | string;
}

/** Live grants of the other instances, and this instance's row. */
export function grantSnapshotParts(
  rows: readonly GrantRow[],
  instanceId: string,
  now: number,
): Pick<GrantSnapshot, 'othersHeldNano' | 'ownGrantNano' | 'ownLeaseExpiresAt'> {
  let othersHeldNano = 0n;
  let ownGrantNano = 0n;
  let ownLeaseExpiresAt = 0;
  for (const g of rows) {
    const amount = BigInt(g.amount_nano);
    const lease = toMs(g.lease_expires_at);
    if (g.instance_id === instanceId) {
      ownGrantNano = amount;
      ownLeaseExpiresAt = lease;
    } else if (lease > now && amount > 0n) {
      othersHeldNano += amount;
    }
  }
  return { othersHeldNano, ownGrantNano, ownLeaseExpiresAt };
}

/**
 * Credit as a balance scope (scope id = account id), on the plain pg pool: the balance is the
 * account's unexpired lots, serialised by a row lock on the account; charges deduct from the lots
 * FIFO by expiry and add to the day's usage transaction.
 */
export class SqlCreditStore implements BalanceStore {
  constructor(private readonly pool: SqlPool) {}

  takeGrant(
    accountId: string,
    instanceId: string,
    now: number,
    decide: (snapshot: GrantSnapshot) => GrantWrite | null,
  ): Promise<{ snapshot: GrantSnapshot; written: GrantWrite | null }> {
    const at = new Date(now);
    return inTransaction(this.pool, async (client) => {
      const tx = sqlOf(client);
      const exists = await lockAccount(tx, accountId);
      const lots = exists ? await loadSpendableLots(tx, accountId, at) : [];
      const grants = await tx.query<GrantRow>(
        `select "instance_id", "amount_nano"::text as "amount_nano", "lease_expires_at" from "credit_grant" where "account_id" = $1`,
        [accountId],
      );
      const snapshot: GrantSnapshot = {
        balanceNano: lots.reduce((s, l) => s + l.remainingNano, 0n),
        ...grantSnapshotParts(grants, instanceId, now),
        leaseCapAt: lots.length ? Math.min(...lots.map((l) => l.expiresAt)) : null,
      };
      const written = exists ? decide(snapshot) : null;
      if (written) {
        await tx.query(
          `insert into "credit_grant" ("id", "account_id", "instance_id", "amount_nano", "lease_expires_at", "updated_at")
           values ($1, $2, $3, $4, $5, $6)
           on conflict ("account_id", "instance_id") do update set
             "amount_nano" = excluded."amount_nano", "lease_expires_at" = excluded."lease_expires_at", "updated_at" = excluded."updated_at"`,
          [randomUUID(), accountId, instanceId, written.grantNano.toString(), new Date(written.leaseExpiresAt), at],
        );
      }
      return { snapshot, written };
    });
  }

  async reduceGrant(accountId: string, instanceId: string, byNano: bigint): Promise<void> {
    await this.pool.query(
      `update "credit_grant" set "amount_nano" = "amount_nano" - $1::bigint where "account_id" = $2 and "instance_id" = $3`,
      [byNano.toString(), accountId, instanceId],
    );
  }

  async deleteGrant(accountId: string, instanceId: string): Promise<void> {
    await this.pool.query(`delete from "credit_grant" where "account_id" = $1 and "instance_id" = $2`, [accountId, instanceId]);
  }

  async renewLeases(instanceId: string, now: number, stillLiveAt: number, until: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ account_id: string; lease_expires_at: Date | string }>(
      `update "credit_grant" g set
         "lease_expires_at" = least($1::timestamptz, coalesce((
           select min(l."expires_at") from "credit_lot" l
           where l."account_id" = g."account_id" and l."remaining_nano" > 0 and l."expires_at" > $2), $1::timestamptz)),
         "updated_at" = $2
       where g."instance_id" = $3 and g."lease_expires_at" > $4
       returning g."account_id", g."lease_expires_at"`,
      [new Date(until), new Date(now), instanceId, new Date(stillLiveAt)],
    );
    return new Map(rows.map((r) => [r.account_id, toMs(r.lease_expires_at)]));
  }

  async releaseInstance(instanceId: string): Promise<void> {
    await this.pool.query(`delete from "credit_grant" where "instance_id" = $1`, [instanceId]);
  }

  /**
   * Deducts the charges from the lots (FIFO by expiry, never below zero), adds them to the day's
   * usage transaction and lowers this instance's grants. Summing an account's charges before
   * deducting is exact under FIFO.
   */
  async applyCharges(ctx: ChargeTx, instanceId: string, charges: OwnerCharge[], now: number): Promise<AppliedCharge[]> {
    const tx = sqlOfTx(ctx);
    const at = new Date(now);
    const day = utcDay(at);
    const byAccount = new Map<string, { amountNano: bigint; requests: number }>();
    for (const c of charges) {
      const sum = byAccount.get(c.ownerId) ?? { amountNano: 0n, requests: 0 };
      sum.amountNano += c.amountNano;
      sum.requests += c.requests ?? 1;
      byAccount.set(c.ownerId, sum);
    }
    const results: AppliedCharge[] = [];
    // Locks in account-id order, so two batches touching the same accounts cannot deadlock.
    for (const accountId of [...byAccount.keys()].sort()) {
      const charge = byAccount.get(accountId)!;
      if (!(await lockAccount(tx, accountId))) {
        results.push({ scopeId: accountId, requestedNano: charge.amountNano, appliedNano: 0n, shortfallNano: charge.amountNano });
        continue;
      }
      const lots = await loadSpendableLots(tx, accountId, at);
      const plan = planFifoDeduction(lots, charge.amountNano, now);
      if (plan.deductions.length > 0) {
        const values = plan.deductions.map((_, i) => `($${2 * i + 1}::uuid, $${2 * i + 2}::bigint)`).join(', ');
        await tx.query(
          `update "credit_lot" as l set "remaining_nano" = l."remaining_nano" - v.d
           from (values ${values}) as v(id, d) where l."id" = v.id`,
          plan.deductions.flatMap((d) => [d.id, d.amountNano.toString()]),
        );
        await tx.query(
          `insert into "credit_transaction"
             ("id", "account_id", "kind", "amount_nano", "usage_day", "request_count", "created_at", "updated_at")
           values ($1, $2, 'usage', $3::bigint, $4, $5, $6, $6)
           on conflict ("account_id", "usage_day") do update set
             "amount_nano" = "credit_transaction"."amount_nano" + excluded."amount_nano",
             "request_count" = "credit_transaction"."request_count" + excluded."request_count",
             "updated_at" = excluded."updated_at"`,
          [randomUUID(), accountId, (-plan.appliedNano).toString(), day, charge.requests, at],
        );
      }
      await tx.query(
        `update "credit_grant" set "amount_nano" = "amount_nano" - $1::bigint, "updated_at" = $2 where "account_id" = $3 and "instance_id" = $4`,
        [charge.amountNano.toString(), at, accountId, instanceId],
      );
      results.push({ scopeId: accountId, requestedNano: charge.amountNano, appliedNano: plan.appliedNano, shortfallNano: plan.shortfallNano });
    }
    return results;
  }

  afterCommit(tx: ChargeTx, fn: () => void): void {
    chargeTxAfterCommit(tx, fn);
  }

  inTransaction<T>(tx: ChargeTx, fn: (tx: ChargeTx) => Promise<T>): Promise<T> {
    return chargeTxInTransaction(tx, fn);
  }

  async sweepExpired(now: number, maxAccounts: number): Promise<number> {
    const at = new Date(now);
    const { rows: due } = await this.pool.query<{ account_id: string }>(
      `select distinct "account_id" from "credit_lot" where "remaining_nano" > 0 and "expires_at" <= $1 limit $2`,
      [at, maxAccounts],
    );
    let swept = 0;
    for (const { account_id } of due) {
      swept += await inTransaction(this.pool, async (client) => {
        const tx = sqlOf(client);
        return (await lockAccount(tx, account_id)) ? sweepExpiredLots(tx, account_id, at) : 0;
      });
    }
    await this.pool.query(`delete from "credit_grant" where "lease_expires_at" < $1`, [new Date(now - DAY_MS)]);
    return swept;
  }
}
