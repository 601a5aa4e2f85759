import { randomUUID } from 'node:crypto';
import type { Charge } from '../credits/credit-service.js';
import type { UsageTx } from './usage-db.js';
import { isCharged, USAGE_ROW_COLUMNS, type PendingUsage } from './pending-usage.js';
import { rowText } from './row-arena.js';
import { storableText } from './usage-record.js';

/**
 * A usage event the database refused on its own (the rest of its batch landed): kept whole in
 * `usage_dead_letter` for an operator, with its charge. The payload is the row as the batch
 * carried it, keyed by column, stored as bytes, so nothing in it can
 * be refused a second time; the request id is unique there, so re-parking a record is a no-op and
 * its charge is applied at most once (`chargeApplied` says whether it was).
 */
export async function parkDeadLetter(tx: UsageTx, event: PendingUsage, error: unknown, applyCharge: boolean): Promise<boolean> {
  const parked = await insertDeadLetter(tx, event.charge, keyedRow(rowText(event.row)), error, applyCharge);
  if (parked && applyCharge && isCharged(event)) await tx.applyCharges([event.charge]);
  return parked;
}

/**
 * Requests summed without events (usage-sums.ts) whose sums the database refused: kept as one
 * dead letter named after their batch (`charge` sums their charges, not applied), so an operator
 * can add them by hand. Parking the same batch again is a no-op.
 */
export function parkSummedUsage(tx: UsageTx, charge: Pick<Charge, 'requestId' | 'accountId' | 'amountNano' | 'at'>, payload: string, error: unknown): Promise<boolean> {
  return insertDeadLetter(tx, charge, payload, error, false);
}

async function insertDeadLetter(
  tx: UsageTx,
  charge: Pick<Charge, 'requestId' | 'accountId' | 'amountNano' | 'at'>,
  payload: string,
  error: unknown,
  chargeApplied: boolean,
): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `insert into "usage_dead_letter" ("id", "request_id", "account_id", "created_at", "charge_nano", "charge_applied", "error", "payload", "parked_at")
     values ($1, $2, $3, $4, $5, $6, $7, $8, now())
     on conflict ("request_id") do nothing returning "id"`,
    [
      randomUUID(),
      storableText(String(charge.requestId), 200),
      storableText(String(charge.accountId), 200),
      charge.at instanceof Date && !Number.isNaN(charge.at.getTime()) ? charge.at : null,
      typeof charge.amountNano === 'bigint' ? charge.amountNano.toString() : '0',
      chargeApplied,
      describe(error),
      Buffer.from(payload, 'utf8'),
    ],
  );
  return rows.length > 0;
}

/** The row keyed by column, for an operator to read (rows travel as bare arrays). */
function keyedRow(row: string): string {
  try {
    const values = JSON.parse(row) as unknown[];
    return JSON.stringify(Object.fromEntries(USAGE_ROW_COLUMNS.map(([column], i) => [column, values[i]])));
  } catch {
    return row;
  }
}

/** The database's message and SQLSTATE: enough to fix the cause, never a row value (pg does not echo parameters). */
function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const text = `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : String(error)}`;
  return storableText(text, 1000);
}
