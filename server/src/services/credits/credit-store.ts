import { randomUUID } from 'node:crypto';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { planFifoDeduction } from './ledger-math.js';
import { DAY_MS, loadSpendableLots, lockAccount, sweepExpiredLots, toMs, unexpiredBalance, utcDay } from './credit-sql.js';

/** What an instance sees of an account's credit while holding its lock. */
export interface GrantSnapshot {
  /** Unexpired credit (grants included). */
  balanceNano: bigint;
  /** Live grants (lease not over) of the other instances; negative rows count as 0. */
  othersHeldNano: bigint;
  /** This instance's grant row, 0 when there is none. */
  ownGrantNano: bigint;
  /** Lease end of this instance's row (epoch ms), 0 when there is none. */
  ownLeaseExpiresAt: number;
  /** Earliest expiry among lots still holding credit (epoch ms): grants may not outlive it. */
  nextLotExpiryAt: number | null;
}

export interface GrantWrite {
  grantNano: bigint;
  leaseExpiresAt: number;
}

/** Charges of one account, summed (FIFO makes summing before deducting exact). */
export interface AccountCharge {
  accountId: string;
  amountNano: bigint;
  requests: number;
}

export interface AppliedCharge {
  accountId: string;
  requestedNano: bigint;
  appliedNano: bigint;
  /** Not covered by unexpired credit (should stay 0: reservations cover the worst case). */
  shortfallNano: bigint;
}

/**
 * Persistence behind CreditControl. The SQL implementation serialises per account with a row lock;
 * the property test drives CreditControl against an in-memory one.
 */
export interface CreditStore {
  /**
   * Under the account's lock: reads a snapshot, asks `decide` (synchronous) for this instance's new
   * grant, writes it. Resolves after commit.
   */
  takeGrant(
    accountId: string,
    instanceId: string,
    now: number,
    decide: (snapshot: GrantSnapshot) => GrantWrite | null,
  ): Promise<{ snapshot: GrantSnapshot; written: GrantWrite | null }>;
  /** Lowers this instance's grant by `byNano` (returning credit never needs the account lock). */
  reduceGrant(accountId: string, instanceId: string, byNano: bigint): Promise<void>;
  deleteGrant(accountId: string, instanceId: string): Promise<void>;
  /**
   * Extends this instance's leases that are still live after `stillLiveAt` to `until` (bounded by
   * the account's next lot expiry). Returns the new lease end per account.
   */
  renewLeases(instanceId: string, now: number, stillLiveAt: number, until: number): Promise<Map<string, number>>;
  /** Drops every grant of the instance (shutdown). */
  releaseInstance(instanceId: string): Promise<void>;
  /**
   * Inside `em`'s transaction: deducts the charges from the lots (FIFO by expiry, never below
   * zero), adds them to the day's usage transaction and lowers this instance's grants.
   */
  applyCharges(em: EntityManager, instanceId: string, charges: AccountCharge[], now: number): Promise<AppliedCharge[]>;
  /** Runs `fn` after `em`'s transaction commits (at once when `em` is not in a transaction). */
  afterCommit(em: EntityManager, fn: () => void): void;
  /** `fn` inside a transaction: `em`'s own when it has one, else a new one. */
  inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T>;
  balance(em: EntityManager, accountId: string, now: number): Promise<bigint>;
  /** Records expiries for lots that ran out by `now`; forgets grants dead for a day. */
  sweepExpired(now: number, maxAccounts: number): Promise<number>;
}

export class SqlCreditStore implements CreditStore {
  constructor(private readonly orm: MikroORM) {}

  async takeGrant(
    accountId: string,
    instanceId: string,
    now: number,
    decide: (snapshot: GrantSnapshot) => GrantWrite | null,
  ): Promise<{ snapshot: GrantSnapshot; written: GrantWrite | null }> {
    const at = new Date(now);
    return this.orm.em.fork().transactional(async (tx) => {
      const exists = await lockAccount(tx, accountId);
      const lots = exists ? await loadSpendableLots(tx, accountId, at) : [];
      const grants = await tx.execute<{ instance_id: string; amount_nano: string; lease_expires_at: Date | string }[]>(
        `select "instance_id", "amount_nano"::text as "amount_nano", "lease_expires_at" from "credit_grant" where "account_id" = ?`,
        [accountId],
      );
      let othersHeld = 0n;
      let ownGrant = 0n;
      let ownLease = 0;
      for (const g of grants) {
        const amount = BigInt(g.amount_nano);
        const lease = toMs(g.lease_expires_at);
        if (g.instance_id === instanceId) {
          ownGrant = amount;
          ownLease = lease;
        } else if (lease > now && amount > 0n) {
          othersHeld += amount;
        }
      }
      const snapshot: GrantSnapshot = {
        balanceNano: lots.reduce((s, l) => s + l.remainingNano, 0n),
        othersHeldNano: othersHeld,
        ownGrantNano: ownGrant,
        ownLeaseExpiresAt: ownLease,
        nextLotExpiryAt: lots.length ? Math.min(...lots.map((l) => l.expiresAt)) : null,
      };
      const written = exists ? decide(snapshot) : null;
      if (written) {
        await tx.execute(
          `insert into "credit_grant" ("id", "account_id", "instance_id", "amount_nano", "lease_expires_at", "updated_at")
           values (?, ?, ?, ?, ?, ?)
           on conflict ("account_id", "instance_id") do update set
             "amount_nano" = excluded."amount_nano", "lease_expires_at" = excluded."lease_expires_at", "updated_at" = excluded."updated_at"`,
          [randomUUID(), accountId, instanceId, written.grantNano.toString(), new Date(written.leaseExpiresAt), at],
        );
      }
      return { snapshot, written };
    });
  }

  async reduceGrant(accountId: string, instanceId: string, byNano: bigint): Promise<void> {
    await this.orm.em.fork().execute(
      `update "credit_grant" set "amount_nano" = "amount_nano" - ?::bigint where "account_id" = ? and "instance_id" = ?`,
      [byNano.toString(), accountId, instanceId],
    );
  }

  async deleteGrant(accountId: string, instanceId: string): Promise<void> {
    await this.orm.em.fork().execute(`delete from "credit_grant" where "account_id" = ? and "instance_id" = ?`, [accountId, instanceId]);
  }

  async renewLeases(instanceId: string, now: number, stillLiveAt: number, until: number): Promise<Map<string, number>> {
    const rows = await this.orm.em.fork().execute<{ account_id: string; lease_expires_at: Date | string }[]>(
      `update "credit_grant" g set
         "lease_expires_at" = least(?::timestamptz, coalesce((
           select min(l."expires_at") from "credit_lot" l
           where l."account_id" = g."account_id" and l."remaining_nano" > 0 and l."expires_at" > ?), ?::timestamptz)),
         "updated_at" = ?
       where g."instance_id" = ? and g."lease_expires_at" > ?
       returning g."account_id", g."lease_expires_at"`,
      [new Date(until), new Date(now), new Date(until), new Date(now), instanceId, new Date(stillLiveAt)],
    );
    return new Map(rows.map((r) => [r.account_id, toMs(r.lease_expires_at)]));
  }

  async releaseInstance(instanceId: string): Promise<void> {
    await this.orm.em.fork().execute(`delete from "credit_grant" where "instance_id" = ?`, [instanceId]);
  }

  async applyCharges(em: EntityManager, instanceId: string, charges: AccountCharge[], now: number): Promise<AppliedCharge[]> {
    const at = new Date(now);
    const day = utcDay(at);
    const results: AppliedCharge[] = [];
    // Locks in account-id order, so two batches touching the same accounts cannot deadlock.
    const ordered = [...charges].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
    for (const charge of ordered) {
      if (!(await lockAccount(em, charge.accountId))) {
        results.push({ accountId: charge.accountId, requestedNano: charge.amountNano, appliedNano: 0n, shortfallNano: charge.amountNano });
        continue;
      }
      const lots = await loadSpendableLots(em, charge.accountId, at);
      const plan = planFifoDeduction(lots, charge.amountNano, now);
      if (plan.deductions.length > 0) {
        const values = plan.deductions.map(() => '(?::uuid, ?::bigint)').join(', ');
        await em.execute(
          `update "credit_lot" as l set "remaining_nano" = l."remaining_nano" - v.d
           from (values ${values}) as v(id, d) where l."id" = v.id`,
          plan.deductions.flatMap((d) => [d.id, d.amountNano.toString()]),
        );
        await em.execute(
          `insert into "credit_transaction"
             ("id", "account_id", "kind", "amount_nano", "usage_day", "request_count", "created_at", "updated_at")
           values (?, ?, 'usage', ?::bigint, ?, ?, ?, ?)
           on conflict ("account_id", "usage_day") do update set
             "amount_nano" = "credit_transaction"."amount_nano" + excluded."amount_nano",
             "request_count" = "credit_transaction"."request_count" + excluded."request_count",
             "updated_at" = excluded."updated_at"`,
          [randomUUID(), charge.accountId, (-plan.appliedNano).toString(), day, charge.requests, at, at],
        );
      }
      await em.execute(
        `update "credit_grant" set "amount_nano" = "amount_nano" - ?::bigint, "updated_at" = ? where "account_id" = ? and "instance_id" = ?`,
        [charge.amountNano.toString(), at, charge.accountId, instanceId],
      );
      results.push({
        accountId: charge.accountId,
        requestedNano: charge.amountNano,
        appliedNano: plan.appliedNano,
        shortfallNano: plan.shortfallNano,
      });
    }
    return results;
  }

  afterCommit(em: EntityManager, fn: () => void): void {
    const ctx = em.getTransactionContext();
    if (!ctx) {
      fn();
      return;
    }
    let done = false;
    // The transactional fork has its own (cloned) event manager, so this subscriber lives and dies with it.
    const subscriber: EventSubscriber = {
      afterTransactionCommit: (args: TransactionEventArgs) => {
        if (done || args.transaction !== ctx) return;
        done = true;
        fn();
      },
      afterTransactionRollback: (args: TransactionEventArgs) => {
        if (args.transaction === ctx) done = true;
      },
    };
    em.getEventManager().registerSubscriber(subscriber);
  }

  async inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (em.isInTransaction()) return fn(em);
    return em.transactional((tx) => fn(tx));
  }

  balance(em: EntityManager, accountId: string, now: number): Promise<bigint> {
    return unexpiredBalance(em, accountId, new Date(now));
  }

  async sweepExpired(now: number, maxAccounts: number): Promise<number> {
    const at = new Date(now);
    const em = this.orm.em.fork();
    const due = await em.execute<{ account_id: string }[]>(
      `select distinct "account_id" from "credit_lot" where "remaining_nano" > 0 and "expires_at" <= ? limit ?`,
      [at, maxAccounts],
    );
    let swept = 0;
    for (const { account_id } of due) {
      swept += await em.fork().transactional(async (tx) => ((await lockAccount(tx, account_id)) ? sweepExpiredLots(tx, account_id, at) : 0));
    }
    await em.execute(`delete from "credit_grant" where "lease_expires_at" < ?`, [new Date(now - DAY_MS)]);
    return swept;
  }
}
