import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics.js';
import { parkDeadLetter, parkSummedUsage } from './dead-letter.js';
import { isMissingPartition, type UsagePartitions } from './partitions.js';
import { isStoredAlready, prepareUsageBatch, writeUsageBatch } from './usage-batch.js';
import type { UsageDb } from './usage-db.js';
import { pendingUsageOf, type PendingUsage } from './pending-usage.js';
import { RowArena } from './row-arena.js';
import type { UsageRecord } from './usage-record.js';
import { storesEvent, type UsageEventStorage } from './usage-storage.js';
import { UsageSums, writeUsageSums } from './usage-sums.js';

export interface UsageWriterOptions {
  db: UsageDb;
  logger: Logger;
  metrics: Metrics;
  /** A batch is written as soon as this many events are queued (default DEFAULT_BATCHING). */
  batchSize?: number;
  /**
   * Most events per transaction (default 5 × batchSize). While the database is behind the queue
   * grows and a batch takes up to this many: fewer transactions (each with its charges, touches
   * and alert check) per event. Its rows are serialised already (pendingUsageOf), so a large one
   * does not hold the event loop either.
   */
  maxBatchSize?: number;
  intervalMs?: number;
  /** Daily partitions of usage_event: made sure of before each batch. */
  partitions?: Pick<UsagePartitions, 'ensureFor' | 'forget'>;
  /** Which requests get a stored event (default all); the others are summed (usage-storage.ts). */
  storage?: UsageEventStorage;
  now?: () => number;
}

/** Sums on their way to the database, with the id that makes writing them idempotent. */
interface SumsBatch {
  id: string;
  sums: UsageSums;
}

/**
 * 1,000 events or 500 ms, whichever comes first. Every batch is a transaction of about a dozen
 * statements (events and rollups, charges, key touches, alert check, begin and commit) whatever its
 * size: on the embedded database each is a round trip to PGlite's thread (~10 ms of process CPU per
 * batch), and on PostgreSQL larger batches cut the server's own work per event (~40 → ~32 µs in
 * the A/B runs of bench/RESULTS.md, session 9), which on a shared host competes with everything
 * else. Events reach the database (usage summaries, alerts) up to 500 ms after their request;
 * charges count in memory until then (BalanceControl), so credit checks do not lag.
 */
const DEFAULT_BATCHING = { batchSize: 1000, intervalMs: 500 } as const;

/**
 * Usage events leave the request path through this queue and are written in batches, each in one
 * transaction with its rollups and charges. A batch the database refuses is split until the
 * refused record is alone; that one is parked as a dead letter (with its charge) and the rest
 * land, so one bad row never stops anyone's usage or billing. While the database is unreachable
 * nothing is split or parked: the queue waits and retries.
 *
 * Requests whose event is not stored (USAGE_EVENTS) are summed instead (usage-sums.ts) and the
 * sums written by the interval timer, each batch under an id it claims, so one retried after an
 * unanswered commit adds nothing twice.
 */
export class UsageWriter {
  private queue: PendingUsage[] = [];
  /** The queued rows' bytes, off V8's heap; a row is released once it is stored (or parked). */
  private readonly rows = new RowArena();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  /** Requests summed since the last sums batch was cut. */
  private sums = new UsageSums();
  /** Sums batches cut and not written yet, oldest first: retried with their ids. */
  private sumsInFlight: SumsBatch[] = [];
  private readonly storage: UsageEventStorage;
  private readonly batchSize: number;
  private readonly maxBatchSize: number;
  private readonly now: () => number;

  constructor(private readonly options: UsageWriterOptions) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCHING.batchSize;
    this.maxBatchSize = Math.max(this.batchSize, options.maxBatchSize ?? 5 * this.batchSize);
    this.now = options.now ?? Date.now;
    this.storage = options.storage ?? 'all';
  }

  start(): void {
    this.timer = setInterval(() => {
      this.updateLag();
      this.kick();
    }, this.options.intervalMs ?? DEFAULT_BATCHING.intervalMs);
    this.timer.unref();
  }

  record(event: UsageRecord): void {
    // Sums wait for the timer: a batch of them costs the same transaction whatever it sums.
    if (!storesEvent(this.storage, event)) return this.sums.add(event);
    this.queue.push(pendingUsageOf(event, this.rows));
    if (this.queue.length >= this.batchSize) this.kick();
  }

  /**
   * Starts a drain unless one is running. A running drain goes on while whole batches are
   * queued, so it needs no waiter per record: under sustained load it never ends, and a flush()
   * per record() (each an async frame parked on `flushing`) grew the heap by ~600 bytes per event
   * until the process ran out of memory (the usage benchmark at 6.8 M events).
   */
  private kick(): void {
    if (this.flushing || this.pending === 0) return;
    void this.startDrain(false).catch(() => undefined);
  }

  /** Events queued plus requests summed, not written yet. */
  get pending(): number {
    return this.queue.length + this.sums.requests + this.sumsInFlight.reduce((n, b) => n + b.sums.requests, 0);
  }

  /** Writes everything queued so far. Rejects (keeping the queue) while the database is unreachable. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending === 0) return;
    return this.startDrain(true);
  }

  private startDrain(untilEmpty: boolean): Promise<void> {
    this.flushing = this.drain(untilEmpty).finally(() => {
      this.flushing = undefined;
      this.updateLag();
    });
    return this.flushing;
  }

  /** Flushes until empty; retries a failing database a few times before giving up (logged). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (let i = 0; i < 20 && this.pending > 0; i++) {
      try {
        await this.flush();
      } catch {
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    if (this.pending > 0) {
      this.options.logger.error({ lost: this.pending }, 'usage events could not be written before shutdown');
    }
  }

  /**
   * Writes what is queued, then goes on only while a whole batch is waiting (or, for flush(), until
   * the queue is empty). Going on with whatever arrived during the last transaction made batches
   * as small as the transaction was short at light load (200 sequential requests took 43
   * transactions of a dozen statements each); a partial batch now waits for the interval timer,
   * at most `intervalMs`. Under saturating load batches were already large.
   */
  private async drain(untilEmpty: boolean): Promise<void> {
    // Only when there are any: the events' first batch is taken now, not after an await.
    if (this.sums.requests > 0 || this.sumsInFlight.length > 0) await this.logFailures(() => this.writeSums());
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatchSize);
      await this.logFailures(async () => {
        await this.options.partitions?.ensureFor(batch);
        await this.writeIsolating(batch);
      });
      this.queue.splice(0, batch.length);
      this.rows.release(batch.map((e) => e.row));
      this.options.metrics.usageEventsWritten.inc(batch.length);
      if (!untilEmpty && this.queue.length < this.batchSize) return;
      // Bounded slices: other work (the /v1 requests) runs between two batches.
      await yieldToEventLoop();
    }
  }

  /** Runs one write; a failure is counted and logged (the first, then every 50th in a row) and rethrown. */
  private async logFailures(write: () => Promise<void>): Promise<void> {
    try {
      await write();
      this.failures = 0;
    } catch (err) {
      this.failures++;
      this.options.metrics.usageEventsDropped.inc();
      if (this.failures === 1 || this.failures % 50 === 0) {
        this.options.logger.error({ err, pending: this.pending }, 'writing usage events failed; will retry');
      }
      throw err;
    }
  }

  /**
   * Writes the sums batches in flight, after cutting one of what was summed since the last. A
   * batch the database refuses (but answers) is split by account, each part under a new id (the
   * refused transaction added nothing); an account's sums refused on their own are parked.
   */
  private async writeSums(): Promise<void> {
    if (this.sums.requests > 0) {
      this.sumsInFlight.push({ id: randomUUID(), sums: this.sums });
      this.sums = new UsageSums();
    }
    while (this.sumsInFlight.length > 0) {
      const batch = this.sumsInFlight[0];
      try {
        await this.options.db.transaction((tx) => writeUsageSums(tx, batch.sums, batch.id));
        this.options.metrics.usageRequestsSummed.inc(batch.sums.requests);
      } catch (err) {
        if (!isRowRefusal(err)) throw err;
        await this.options.db.probe();
        const parts = batch.sums.byAccount();
        if (parts.length > 1) {
          this.sumsInFlight.splice(0, 1, ...parts.map((sums) => ({ id: randomUUID(), sums })));
          continue;
        }
        await this.parkSums(batch, err);
      }
      this.sumsInFlight.shift();
    }
  }

  private async parkSums({ id, sums }: SumsBatch, error: unknown): Promise<void> {
    const charged = sums.chargedUsage();
    const [accountId = ''] = sums.accounts.keys();
    const charge = { requestId: `sums:${id}`, accountId, amountNano: charged.reduce((n, c) => n + c.charge.amountNano, 0n), at: sums.oldest };
    const payload = JSON.stringify({ batchId: id, requests: sums.requests, rollups: sums.rollupRows(), charges: charged.map((c) => c.charge) }, (_, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    if (await this.options.db.transaction((tx) => parkSummedUsage(tx, charge, payload, error))) {
      this.options.metrics.usageDeadLetters.inc();
      this.options.logger.error({ err: error, batchId: id, requests: sums.requests }, 'summed usage refused by the database; parked as a dead letter');
    }
  }

  /**
   * Writes `batch`, splitting it in halves while the database refuses it but still answers, down
   * to the one record it refuses. Every write is idempotent (request ids), so halves written
   * before an outage are not written twice when the whole batch is retried.
   */
  private async writeIsolating(batch: PendingUsage[], skipStored = false): Promise<void> {
    try {
      const prepared = prepareUsageBatch(batch);
      await this.options.db.transaction((tx) => writeUsageBatch(tx, prepared, skipStored));
      return;
    } catch (err) {
      if (!skipStored && isStoredAlready(err)) return this.writeIsolating(batch, true);
      if (isMissingPartition(err)) {
        // Dropped by another instance's retention run: recreated before the retry.
        this.options.partitions?.forget();
        throw err;
      }
      if (!isRowRefusal(err)) throw err;
      // Rejects when the database is down: then nothing is split or parked.
      await this.options.db.probe();
      if (batch.length > 1) {
        const mid = Math.ceil(batch.length / 2);
        await this.writeIsolating(batch.slice(0, mid), skipStored);
        await this.writeIsolating(batch.slice(mid), skipStored);
        return;
      }
      await this.park(batch[0], err);
    }
  }

  private async park(event: PendingUsage, error: unknown): Promise<void> {
    let parked: boolean;
    try {
      parked = await this.options.db.transaction((tx) => parkDeadLetter(tx, event, error, true));
    } catch (chargeErr) {
      if (!isRowRefusal(chargeErr)) throw chargeErr;
      // The charge itself is refused (e.g. an account id that is not one): park without it.
      parked = await this.options.db.transaction((tx) => parkDeadLetter(tx, event, error, false));
    }
    if (parked) {
      this.options.metrics.usageDeadLetters.inc();
      this.options.logger.error({ err: error, requestId: String(event.charge.requestId) }, 'usage event refused by the database; parked as a dead letter');
    }
  }

  private updateLag(): void {
    const oldest = [this.queue[0]?.charge.at, this.sumsInFlight[0]?.sums.oldest, this.sums.oldest].reduce<number | undefined>(
      (min, at) => (at instanceof Date && (min === undefined || at.getTime() < min) ? at.getTime() : min),
      undefined,
    );
    this.options.metrics.usageWriterPending.set(this.pending);
    this.options.metrics.usageWriterLag.set(oldest === undefined ? 0 : Math.max(0, (this.now() - oldest) / 1000));
  }
}

/** SQLSTATE classes that say "try again later", not "this row is bad". */
const TRANSIENT_SQLSTATE = /^(08[0-9A-OQ-Z]|40|53|55P03|57|58)/;

/**
 * Whether the database refused the statement because of what it holds (bad value, constraint,
 * a protocol error from a NUL byte, or a record the writer could not even encode), as opposed to
 * an outage, a deadlock or a lost connection.
 */
function isRowRefusal(err: unknown): boolean {
  const e = err as { code?: unknown; sqlState?: unknown; cause?: unknown } | undefined;
  const code = typeof e?.sqlState === 'string' ? e.sqlState : typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return !TRANSIENT_SQLSTATE.test(code);
  // Socket errors (ECONNRESET, ECONNREFUSED, …) and "Connection terminated" are outages.
  if (code !== undefined || /connection|terminat|timeout/i.test(String((err as Error)?.message))) return false;
  if (e?.cause && e.cause !== err) return isRowRefusal(e.cause);
  return err instanceof TypeError || err instanceof RangeError;
}
