import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { UsageAttemptRecord } from '../entities/usage-event.entity.js';
import type { Metrics } from '../metrics.js';
import type { Charge } from '../services/credits/credit-service.js';

export interface UsageRecord {
  requestId: string;
  accountId: string;
  accessKeyId: string;
  endpoint: string;
  provider: string | null;
  model: string | null;
  status: number;
  streamed: boolean;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  latencyMs: number;
  keySource: string | null;
  providerKeyId: string | null;
  feeNano: bigint;
  upstreamCostNano: bigint;
  /** Provider cost at catalog prices whoever's credentials served it; null when unpriced. Spend = fee + this. */
  providerCostNano: bigint | null;
  totalCostNano: bigint;
  errorCode: string | null;
  attempts: UsageAttemptRecord[];
  createdAt: Date;
}

/** Applies charges inside the transaction that inserts their usage events. */
export type ChargeApplier = (em: EntityManager, charges: Charge[]) => Promise<void>;

const COLUMNS = [
  'id',
  'request_id',
  'account_id',
  'access_key_id',
  'endpoint',
  'provider',
  'model',
  'status',
  'streamed',
  'input_tokens',
  'output_tokens',
  'tokens_estimated',
  'latency_ms',
  'key_source',
  'provider_key_id',
  'fee_nano',
  'upstream_cost_nano',
  'total_cost_nano',
  'error_code',
  'attempts',
  'created_at',
];
const ROW_PLACEHOLDER = `(${COLUMNS.map(() => '?').join(', ')})`;

/**
 * Usage events leave the request path through this queue and are written in batches. Each batch
 * inserts its events and applies their charges in one transaction, with ON CONFLICT on request_id,
 * so a retried batch can neither duplicate an event nor charge it twice.
 */
export class UsageRecorder {
  private queue: UsageRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly deps: {
      orm: MikroORM;
      logger: Logger;
      metrics: Metrics;
      applyCharges: ChargeApplier;
      batchSize?: number;
      intervalMs?: number;
    },
  ) {}

  start(): void {
    const interval = this.deps.intervalMs ?? 200;
    this.timer = setInterval(() => void this.flush().catch(() => undefined), interval);
    this.timer.unref();
  }

  record(event: UsageRecord): void {
    this.queue.push(event);
    if (this.queue.length >= (this.deps.batchSize ?? 500)) void this.flush().catch(() => undefined);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far (one batch at a time). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.flushBatches().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Flushes until empty; retries a failing database a few times before giving up (logged). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (let i = 0; i < 20 && this.queue.length > 0; i++) {
      try {
        await this.flush();
      } catch {
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    if (this.queue.length > 0) {
      this.deps.logger.error({ lost: this.queue.length }, 'usage events could not be written before shutdown');
    }
  }

  private async flushBatches(): Promise<void> {
    const size = this.deps.batchSize ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, size);
      try {
        await this.write(batch);
        this.queue.splice(0, batch.length);
        this.failures = 0;
        this.deps.metrics.usageEventsWritten.inc(batch.length);
      } catch (err) {
        this.failures++;
        this.deps.metrics.usageEventsDropped.inc();
        if (this.failures === 1 || this.failures % 50 === 0) {
          this.deps.logger.error({ err, pending: this.queue.length }, 'writing usage events failed; will retry');
        }
        throw err;
      }
    }
  }

  private async write(batch: UsageRecord[]): Promise<void> {
    const em = this.deps.orm.em.fork();
    await em.transactional(async (tx) => {
      const params: unknown[] = [];
      for (const e of batch) {
        params.push(
          randomUUID(),
          e.requestId,
          e.accountId,
          e.accessKeyId,
          e.endpoint,
          e.provider,
          e.model,
          e.status,
          e.streamed,
          e.inputTokens,
          e.outputTokens,
          e.tokensEstimated,
          e.latencyMs,
          e.keySource,
          e.providerKeyId,
          e.feeNano.toString(),
          e.upstreamCostNano.toString(),
          e.totalCostNano.toString(),
          e.errorCode,
          JSON.stringify(e.attempts),
          e.createdAt,
        );
      }
      const sql =
        `insert into "usage_event" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values ` +
        batch.map(() => ROW_PLACEHOLDER).join(', ') +
        ' on conflict ("request_id") do nothing returning "request_id"';
      const inserted = (await tx.execute(sql, params)) as { request_id: string }[];
      const fresh = new Set(inserted.map((r) => r.request_id));
      const charges: Charge[] = [];
      for (const e of batch) {
        const spendNano = e.feeNano + (e.providerCostNano ?? 0n);
        if (fresh.has(e.requestId) && (e.totalCostNano > 0n || spendNano > 0n)) {
          charges.push({ accountId: e.accountId, requestId: e.requestId, amountNano: e.totalCostNano, accessKeyId: e.accessKeyId, spendNano, at: e.createdAt });
        }
      }
      if (charges.length > 0) await this.deps.applyCharges(tx, charges);
      await this.touchLastUsed(tx, batch);
    });
  }

  /** last_used_at for access and provider keys, one statement each per batch. */
  private async touchLastUsed(tx: EntityManager, batch: UsageRecord[]): Promise<void> {
    const accessKeys = new Map<string, Date>();
    const providerKeys = new Map<string, Date>();
    for (const e of batch) {
      accessKeys.set(e.accessKeyId, e.createdAt);
      if (e.providerKeyId) providerKeys.set(e.providerKeyId, e.createdAt);
    }
    for (const [table, map] of [
      ['access_key', accessKeys],
      ['provider_key', providerKeys],
    ] as const) {
      if (map.size === 0) continue;
      const values = [...map].map(() => '(?::uuid, ?::timestamptz)').join(', ');
      const params = [...map].flatMap(([id, at]) => [id, at]);
      await tx.execute(
        `update "${table}" t set "last_used_at" = v.at from (values ${values}) as v(id, at) ` +
          `where t."id" = v.id and (t."last_used_at" is null or t."last_used_at" < v.at)`,
        params,
      );
    }
  }
}
