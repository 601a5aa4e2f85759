import { inTransaction, type SqlClient, type SqlPool } from '../../db/pool.js';
import type { Charge } from '../credits/credit-service.js';
import type { ChargedUsage } from './pending-usage.js';

/** One transaction of the usage writer: `$n`-parameterised SQL plus the credits' charge hook. */
export interface UsageTx {
  query<R = Record<string, unknown>>(text: string, values: readonly unknown[]): Promise<R[]>;
  /** Deducts the charges from credits inside this transaction. */
  applyCharges(charges: Charge[]): Promise<void>;
  /** Last step of a batch, same transaction: what else follows from the fresh records (alert detection). */
  afterWrite?(events: readonly ChargedUsage[]): Promise<void>;
}

export interface UsageDb {
  transaction<T>(work: (tx: UsageTx) => Promise<T>): Promise<T>;
  /** Resolves when the database answers: tells a poison row apart from an outage. */
  probe(): Promise<void>;
}

/** Charges applied on the writer's own pg client (credits on `services.sql`). */
export type SqlChargeApplier = (client: SqlClient, charges: Charge[]) => Promise<unknown>;

/** The production path: plain pg on `services.sql`. */
export function pgUsageDb(
  pool: SqlPool,
  applyCharges: SqlChargeApplier,
  afterWrite?: (client: SqlClient, events: readonly ChargedUsage[]) => Promise<void>,
): UsageDb {
  return {
    transaction: (work) =>
      inTransaction(pool, (client) =>
        work({
          query: async <R>(text: string, values: readonly unknown[]) => (await client.query(text, values as unknown[])).rows as R[],
          applyCharges: async (charges) => void (await applyCharges(client, charges)),
          afterWrite: afterWrite && ((events) => afterWrite(client, events)),
        }),
      ),
    probe: async () => void (await pool.query('select 1')),
  };
}
