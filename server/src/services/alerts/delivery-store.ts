import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/pool.js';
import { alertBody, type AlertEventType } from './alert-events.js';

/**
 * SQL of the alert_delivery queue, on whatever connection it is given (inside a transaction:
 * that transaction's). Parameters use `$n`.
 */

export interface NewAlert {
  accountId: string;
  type: AlertEventType;
  data: object;
  /** Unique per alert (null: no dedupe): a second insert with the same key is skipped. */
  dedupeKey: string | null;
}

/** Inserts the alerts as pending deliveries due at `now`; returns how many were new. */
export async function enqueueAlerts(sql: Sql, alerts: readonly NewAlert[], now: number): Promise<string[]> {
  if (alerts.length === 0) return [];
  const params: unknown[] = [];
  const rows = alerts.map((a) => {
    const id = randomUUID();
    const body = alertBody({ id, type: a.type, createdMs: now, accountId: a.accountId, data: a.data });
    params.push(id, a.accountId, a.type, a.dedupeKey, body, new Date(now));
    const n = params.length;
    return `($${n - 5}::uuid, $${n - 4}::uuid, $${n - 3}, $${n - 2}, $${n - 1}, 'pending', 0, $${n}::timestamptz, $${n}::timestamptz)`;
  });
  const inserted = await sql.query<{ id: string }>(
    `insert into "alert_delivery" ("id", "account_id", "event_type", "dedupe_key", "body", "status", "attempts", "next_attempt_at", "created_at")
     values ${rows.join(', ')} on conflict ("dedupe_key") do nothing returning "id"`,
    params,
  );
  return inserted.map((r) => r.id);
}

export interface ClaimedDelivery {
  id: string;
  accountId: string;
  eventType: string;
  body: string;
  /** This attempt's number (1-based). */
  attempt: number;
}

/**
 * Claims up to `limit` due deliveries for one attempt each: `FOR UPDATE SKIP LOCKED`, so two
 * instances never claim the same row, and the due time moves to `leaseUntil`, so a claim lost
 * with its instance is retried after the lease instead of never.
 */
export async function claimDueDeliveries(sql: Sql, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]> {
  const rows = await sql.query<{ id: string; account_id: string; event_type: string; body: string; attempts: number }>(
    `update "alert_delivery" d set "attempts" = d."attempts" + 1, "next_attempt_at" = $2, "last_attempt_at" = $1
     where d."id" in (
       select "id" from "alert_delivery" where "status" = 'pending' and "next_attempt_at" <= $1
       order by "next_attempt_at" limit $3 for update skip locked)
     returning d."id", d."account_id", d."event_type", d."body", d."attempts"`,
    [new Date(now), new Date(leaseUntil), limit],
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, eventType: r.event_type, body: r.body, attempt: r.attempts }));
}

export interface AttemptOutcome {
  responseStatus: number | null;
  error: string | null;
  /** succeeded, failed for good, or pending again at `nextAttemptAt`. */
  status: 'succeeded' | 'failed' | 'pending';
  nextAttemptAt: number | null;
}

/** Records one attempt's outcome, only while the claim is still this attempt's (a lease taken over later wins). */
export async function recordAttempt(sql: Sql, claim: ClaimedDelivery, outcome: AttemptOutcome, now: number): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(
    `update "alert_delivery" set "status" = $3::varchar, "response_status" = $4, "last_error" = $5, "next_attempt_at" = $6,
       "delivered_at" = case when $3::varchar = 'succeeded' then $7::timestamptz else "delivered_at" end
     where "id" = $1 and "attempts" = $2 and "status" = 'pending' returning "id"`,
    [
      claim.id,
      claim.attempt,
      outcome.status,
      outcome.responseStatus,
      outcome.error === null ? null : outcome.error.slice(0, 500),
      outcome.nextAttemptAt === null ? null : new Date(outcome.nextAttemptAt),
      new Date(now),
    ],
  );
  return rows.length > 0;
}

/** Drops settled deliveries created before `before` (the log keeps the recent past; pending ones are never dropped). */
export async function pruneSettledDeliveries(sql: Sql, before: number): Promise<number> {
  const rows = await sql.query<{ id: string }>(
    `delete from "alert_delivery" where "status" <> 'pending' and "created_at" < $1 returning "id"`,
    [new Date(before)],
  );
  return rows.length;
}
