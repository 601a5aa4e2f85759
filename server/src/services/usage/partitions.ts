import type { Logger } from 'pino';
import { inTransaction, type SqlClient, type SqlPool } from '../../db/pool.js';
import type { PendingUsage } from './pending-usage.js';
import { SUM_BATCH_RETENTION_DAYS } from './usage-sums.js';

const DAY_MS = 86_400_000;
/** Arbitrary constant: the transaction-scoped advisory lock that serialises partition DDL across instances. */
const PARTITION_LOCK_ID = 7_358_201_145;
/** Partitions created ahead of today, so a day never starts without one. */
const DAYS_AHEAD = 7;
const PARTITION_NAME = /^usage_event_p(\d{4})(\d{2})(\d{2})$/;

/** Start (UTC midnight, epoch ms) of the day `at` falls in. */
function dayStart(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

function partitionName(day: number): string {
  return `usage_event_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

async function createPartitions(client: SqlClient, days: readonly number[]): Promise<void> {
  await client.query('select pg_advisory_xact_lock($1)', [PARTITION_LOCK_ID]);
  for (const day of days) {
    // Names and bounds come from integers (epoch days), never from input.
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    await client.query(`create table if not exists "${partitionName(day)}" partition of "usage_event" for values from ('${from}') to ('${to}')`);
  }
}

/** Days (epoch ms) of the existing partitions. */
async function listPartitionDays(client: SqlClient | SqlPool): Promise<number[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_event'::regclass`,
  );
  return rows.flatMap(({ name }) => {
    const m = PARTITION_NAME.exec(name);
    return m ? [Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))] : [];
  });
}

/**
 * Daily partitions of usage_event: created ahead by a periodic job and on demand for a batch's
 * days; retention drops whole partitions older than `retentionDays` (rollups are kept, so
 * summaries stay exact). DDL runs under an advisory lock, so several instances may run it at once.
 */
export class UsagePartitions {
  /** Days known to have a partition (a cache: a miss costs one idempotent DDL transaction). */
  private readonly known = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: { sql: SqlPool; logger: Logger; retentionDays: number; now?: () => number; intervalMs?: number },
  ) {}

  /** Makes sure every day of `batch` has its partition (the writer calls this before each batch). */
  async ensureFor(batch: readonly PendingUsage[]): Promise<void> {
    const missing = new Set<number>();
    for (const r of batch) {
      const day = dayStart(r.charge.at.getTime());
      // An unusable time is left for the database to refuse (and the writer to park).
      if (Number.isFinite(day) && !this.known.has(day)) missing.add(day);
    }
    if (missing.size === 0) return;
    await inTransaction(this.options.sql, (client) => createPartitions(client, [...missing]));
    for (const day of missing) this.known.add(day);
  }

  /** Another instance may have dropped a partition this one still believed in. */
  forget(): void {
    this.known.clear();
  }

  start(): void {
    const tick = () => void this.maintain().catch((err: unknown) => this.options.logger.error({ err }, 'usage partition maintenance failed'));
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Creates the partitions from yesterday to a week ahead and drops those past retention, and
   * prunes the ids of summed batches (usage-sums.ts) no retry can still carry.
   */
  maintain(now: number = (this.options.now ?? Date.now)()): Promise<void> {
    const run = async () => {
      const today = dayStart(now);
      const ahead = Array.from({ length: DAYS_AHEAD + 2 }, (_, i) => today + (i - 1) * DAY_MS);
      // Partitions whose whole day ended before the retention horizon.
      const horizon = now - this.options.retentionDays * DAY_MS;
      const dropped = await inTransaction(this.options.sql, async (client) => {
        await createPartitions(client, ahead);
        const expired = (await listPartitionDays(client)).filter((day) => day + DAY_MS <= horizon);
        for (const day of expired) await client.query(`drop table if exists "${partitionName(day)}"`);
        await client.query(`delete from "usage_sum_batch" where "written_at" < $1`, [new Date(now - SUM_BATCH_RETENTION_DAYS * DAY_MS)]);
        return expired;
      });
      for (const day of ahead) this.known.add(day);
      for (const day of dropped) this.known.delete(day);
      if (dropped.length > 0) {
        this.options.logger.info({ partitions: dropped.map(partitionName) }, 'usage retention dropped raw event partitions');
      }
    };
    const p = (this.running ?? Promise.resolve()).then(run, run);
    this.running = p;
    return p;
  }
}

/** The insert failed because no partition covers a row's time (another instance dropped it). */
export function isMissingPartition(err: unknown): boolean {
  const e = err as { code?: unknown; sqlState?: unknown; message?: unknown } | undefined;
  return (e?.sqlState ?? e?.code) === '23514' && typeof e?.message === 'string' && e.message.includes('no partition');
}
