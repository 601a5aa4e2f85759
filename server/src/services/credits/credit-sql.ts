/**
 * Hand-written SQL shared by the credit store (plain pg, db/pool.ts) and the ledger (MikroORM).
 * Every statement runs on the connection it is given (inside a transaction: that transaction's,
 * never another connection). Parameters use `$n`; nano-USD goes in and out as integer strings.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sql } from '../../db/pool.js';
import type { LotRemaining } from './ledger-math.js';

/** The same SQL on a MikroORM EntityManager (its transaction's connection), whose driver wants `?`. */
export function sqlOfEm(em: EntityManager): Sql {
  return {
    query: <R>(text: string, params: readonly unknown[] = []) => {
      const ordered: unknown[] = [];
      const converted = text.replace(/\$(\d+)/g, (_, n: string) => {
        ordered.push(params[Number(n) - 1]);
        return '?';
      });
      return em.execute<R[]>(converted, ordered);
    },
  };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Credit expires this long after its purchase completes. */
export const LOT_LIFETIME_MS = 365 * DAY_MS;

/** A timestamptz from raw SQL (the driver returns text such as "2026-05-01 12:34:56.789+00") → epoch ms. */
export function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  const iso = String(v)
    .replace(' ', 'T')
    .replace(/([+-]\d{2})$/, '$1:00');
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) throw new Error(`unreadable timestamp from the database: ${String(v)}`);
  return ms;
}

/**
 * Serialises every credit movement of one account: `FOR NO KEY UPDATE` on its account row
 * (does not block inserts referencing the account). Returns false when the account is gone.
 */
export async function lockAccount(tx: Sql, accountId: string): Promise<boolean> {
  const rows = await tx.query<{ id: string }>('select "id" from "account" where "id" = $1 for no key update', [accountId]);
  return rows.length > 0;
}

/**
 * Turns what is left of the account's lots that expired by `now` into `expiry` transactions
 * (dated when the lot expired). Call with the account locked. Returns how many lots expired.
 */
export async function sweepExpiredLots(tx: Sql, accountId: string, now: Date): Promise<number> {
  const rows = await tx.query<{ id: string }>(
    `with expired as (
       update "credit_lot" set "expired_nano" = "remaining_nano", "remaining_nano" = 0
       where "account_id" = $1 and "expires_at" <= $2 and "remaining_nano" > 0
       returning "id", "account_id", "expired_nano", "expires_at"
     )
     insert into "credit_transaction"
       ("id", "account_id", "kind", "amount_nano", "usage_day", "request_count", "purchase_id", "lot_id", "created_at", "updated_at", "expires_at")
     select gen_random_uuid(), e."account_id", 'expiry', -e."expired_nano", null, 0, null, e."id", e."expires_at", $2, e."expires_at"
     from expired e
     returning "id"`,
    [accountId, now],
  );
  return rows.length;
}

/**
 * The account's lots still holding credit, expired ones swept first (so call with the account
 * locked). Ordered for spending: earliest expiry first.
 */
export async function loadSpendableLots(tx: Sql, accountId: string, now: Date): Promise<LotRemaining[]> {
  const rows = await tx.query<{ id: string; remaining_nano: string; expires_at: Date | string }>(
    `select "id", "remaining_nano"::text as "remaining_nano", "expires_at" from "credit_lot"
     where "account_id" = $1 and "remaining_nano" > 0 order by "expires_at", "id"`,
    [accountId],
  );
  const lots = rows.map((r) => ({ id: r.id, remainingNano: BigInt(r.remaining_nano), expiresAt: toMs(r.expires_at) }));
  const t = now.getTime();
  if (lots.some((l) => l.expiresAt <= t)) await sweepExpiredLots(tx, accountId, now);
  return lots.filter((l) => l.expiresAt > t);
}

/** Unexpired credit of the account (what it can still spend, grants included). */
export async function unexpiredBalance(sql: Sql, accountId: string, now: Date): Promise<bigint> {
  const rows = await sql.query<{ balance: string }>(
    `select coalesce(sum("remaining_nano"), 0)::text as "balance" from "credit_lot"
     where "account_id" = $1 and "expires_at" > $2 and "remaining_nano" > 0`,
    [accountId, now],
  );
  return BigInt(rows[0]?.balance ?? '0');
}

/** What is left of the lots that expire at one moment (several lots only when they expire at the same instant). */
export interface CreditExpiry {
  amountNano: bigint;
  expiresAt: Date;
}

/**
 * The unexpired credit that expires next: the remaining amount of the lot(s) with the earliest
 * expiry after `now`, or null when no credit is left. Read without sweeping (no lock needed):
 * a lot past its expiry is skipped whether or not it has been swept yet, as in unexpiredBalance.
 */
export async function nextCreditExpiry(sql: Sql, accountId: string, now: Date): Promise<CreditExpiry | null> {
  const rows = await sql.query<{ amount_nano: string; expires_at: Date | string }>(
    `select sum("remaining_nano")::text as "amount_nano", "expires_at" from "credit_lot"
     where "account_id" = $1 and "expires_at" > $2 and "remaining_nano" > 0
     group by "expires_at" order by "expires_at" limit 1`,
    [accountId, now],
  );
  const row = rows[0];
  return row ? { amountNano: BigInt(row.amount_nano), expiresAt: new Date(toMs(row.expires_at)) } : null;
}

/** Unexpired credit of the account that expires after `now` and no later than `until`. */
export async function creditExpiringBy(sql: Sql, accountId: string, now: Date, until: Date): Promise<bigint> {
  const rows = await sql.query<{ amount_nano: string }>(
    `select coalesce(sum("remaining_nano"), 0)::text as "amount_nano" from "credit_lot"
     where "account_id" = $1 and "expires_at" > $2 and "expires_at" <= $3 and "remaining_nano" > 0`,
    [accountId, now, until],
  );
  return BigInt(rows[0]?.amount_nano ?? '0');
}

/** 'YYYY-MM-DD' of the UTC day `now` falls in: the key of the day's usage transaction. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

