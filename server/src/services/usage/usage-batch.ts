import { randomUUID } from 'node:crypto';
import type { UsageTx } from './usage-db.js';
import { chargeOf, dayOf, hourOf, isCharged, spendNano, storableJsonText, storableText, type UsageRecord } from './usage-record.js';

/**
 * One usage_event row as JSON, keyed by column name (text cut to the column widths). The batch
 * travels as a single JSON parameter expanded by `json_populate_recordset` into the table's own
 * row type: one JSON.stringify per batch instead of 25 bound parameters per event (each one
 * prepared, measured and copied by pg) and a statement text with thousands of placeholders.
 */
function eventRow(r: UsageRecord): Record<string, unknown> {
  return {
    id: randomUUID(),
    request_id: r.requestId,
    account_id: r.accountId,
    access_key_id: r.accessKeyId,
    endpoint: storableText(r.endpoint, 64),
    provider: storableText(r.provider, 64),
    model: storableText(r.model, 256),
    status: r.status,
    streamed: r.streamed,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    tokens_estimated: r.tokensEstimated,
    latency_ms: r.latencyMs,
    key_source: storableText(r.keySource, 16),
    provider_key_id: r.providerKeyId,
    fee_nano: r.feeNano.toString(),
    upstream_cost_nano: r.upstreamCostNano.toString(),
    total_cost_nano: r.totalCostNano.toString(),
    provider_cost_nano: r.providerCostNano === null || r.providerCostNano === undefined ? null : r.providerCostNano.toString(),
    cache_hit: r.cacheHit ?? false,
    virtual_model: storableText(r.virtualModel ?? null, 128),
    firewall: r.firewall ?? [],
    error_code: storableText(r.errorCode, 64),
    attempts: r.attempts,
    created_at: r.createdAt,
  };
}

const EVENT_COLUMNS = [
  'id', 'request_id', 'account_id', 'access_key_id', 'endpoint', 'provider', 'model', 'status', 'streamed', 'input_tokens',
  'output_tokens', 'tokens_estimated', 'latency_ms', 'key_source', 'provider_key_id', 'fee_nano', 'upstream_cost_nano',
  'total_cost_nano', 'provider_cost_nano', 'cache_hit', 'virtual_model', 'firewall', 'error_code', 'attempts', 'created_at',
].map((c) => `"${c}"`).join(', ');

const INSERT_EVENTS = `insert into "usage_event" (${EVENT_COLUMNS})
  select ${EVENT_COLUMNS} from json_populate_recordset(null::"usage_event", $1::json)
  on conflict ("request_id", "created_at") do nothing returning "request_id"`;

/** `($1, $2, …), ($n+1, …)` for `rows` rows of `width` parameters. */
function valuesList(rows: number, width: number, casts: readonly string[] = []): string {
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const row: string[] = [];
    for (let j = 0; j < width; j++) row.push(`$${i * width + j + 1}${casts[j] ?? ''}`);
    out.push(`(${row.join(', ')})`);
  }
  return out.join(', ');
}

/**
 * One batch in the caller's transaction: inserts the events (a record already stored, same
 * request id and time, is skipped, so a retried batch writes nothing twice), adds the fresh ones to the hourly and daily rollups,
 * applies their charges and touches the keys' last use.
 */
export async function writeUsageBatch(tx: UsageTx, batch: readonly UsageRecord[]): Promise<number> {
  const inserted = await tx.query<{ request_id: string }>(INSERT_EVENTS, [storableJsonText(JSON.stringify(batch.map(eventRow)))]);
  const freshIds = new Set(inserted.map((row) => row.request_id));
  const fresh = freshIds.size === batch.length ? batch : batch.filter((r) => freshIds.has(r.requestId));
  if (fresh.length === 0) return 0;
  await upsertRollups(tx, fresh);
  const charges = fresh.filter(isCharged).map(chargeOf);
  if (charges.length > 0) await tx.applyCharges(charges);
  await touchLastUsed(tx, fresh);
  await tx.afterWrite?.(fresh);
  return fresh.length;
}

interface RollupRow {
  accountId: string;
  /** Start of the hour or day the events fell in. */
  bucket: Date;
  accessKeyId: string;
  provider: string;
  model: string;
  status: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  feeNano: bigint;
  providerCostNano: bigint;
  spendNano: bigint;
  costNano: bigint;
  cacheHits: number;
}

/** Sums the events per rollup key (one upsert row per key: PostgreSQL refuses a key twice in one statement). */
function rollupRows(records: readonly UsageRecord[], bucketOf: (at: Date) => Date): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const r of records) {
    const bucket = bucketOf(r.createdAt);
    const provider = storableText(r.provider ?? '', 64);
    const model = storableText(r.model ?? '', 256);
    const key = `${r.accountId}|${bucket.getTime()}|${r.accessKeyId}|${provider}|${model}|${r.status}`;
    let row = rows.get(key);
    if (!row) {
      row = { accountId: r.accountId, bucket, accessKeyId: r.accessKeyId, provider, model, status: r.status, requests: 0, inputTokens: 0,
        outputTokens: 0, feeNano: 0n, providerCostNano: 0n, spendNano: 0n, costNano: 0n, cacheHits: 0 };
      rows.set(key, row);
    }
    row.requests += 1;
    row.inputTokens += r.inputTokens;
    row.outputTokens += r.outputTokens;
    row.feeNano += r.feeNano;
    row.providerCostNano += r.providerCostNano ?? 0n;
    row.spendNano += spendNano(r);
    row.costNano += r.totalCostNano;
    if (r.cacheHit) row.cacheHits += 1;
  }
  // A fixed order, so two writers upserting overlapping keys lock them in the same order.
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

const ROLLUP_SUMS = ['requests', 'input_tokens', 'output_tokens', 'fee_nano', 'provider_cost_nano', 'spend_nano', 'cost_nano', 'cache_hits'];

/** Both granularities, hourly first (a fixed order of locks across writers). */
const ROLLUP_TABLES = [
  { table: 'usage_rollup', bucketColumn: 'hour', bucketOf: hourOf },
  { table: 'usage_rollup_daily', bucketColumn: 'day', bucketOf: dayOf },
] as const;

const ROLLUP_VALUES: readonly [string, (r: RollupRow) => unknown][] = [
  ['uuid', (r) => r.accountId],
  ['timestamptz', (r) => r.bucket],
  ['uuid', (r) => r.accessKeyId],
  ['text', (r) => r.provider],
  ['text', (r) => r.model],
  ['int4', (r) => r.status],
  ['int8', (r) => r.requests],
  ['int8', (r) => r.inputTokens],
  ['int8', (r) => r.outputTokens],
  ['int8', (r) => r.feeNano.toString()],
  ['int8', (r) => r.providerCostNano.toString()],
  ['int8', (r) => r.spendNano.toString()],
  ['int8', (r) => r.costNano.toString()],
  ['int8', (r) => r.cacheHits],
];

async function upsertRollups(tx: UsageTx, records: readonly UsageRecord[]): Promise<void> {
  for (const { table, bucketColumn, bucketOf } of ROLLUP_TABLES) {
    const rows = rollupRows(records, bucketOf);
    const keyColumns = ['account_id', bucketColumn, 'access_key_id', 'provider', 'model', 'status'].map((c) => `"${c}"`).join(', ');
    await tx.query(
      `insert into "${table}" (${keyColumns}, ${ROLLUP_SUMS.map((c) => `"${c}"`).join(', ')})
       select * from unnest(${ROLLUP_VALUES.map(([type], i) => `$${i + 1}::${type}[]`).join(', ')})
       on conflict (${keyColumns}) do update set
       ${ROLLUP_SUMS.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ')}`,
      ROLLUP_VALUES.map(([, value]) => rows.map(value)),
    );
  }
}

/** last_used_at for access and provider keys, one statement each per batch. */
async function touchLastUsed(tx: UsageTx, batch: readonly UsageRecord[]): Promise<void> {
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
    await tx.query(
      `update "${table}" t set "last_used_at" = v.at from (values ${valuesList(map.size, 2, ['::uuid', '::timestamptz'])}) as v(id, at)
       where t."id" = v.id and (t."last_used_at" is null or t."last_used_at" < v.at)`,
      [...map].flat(),
    );
  }
}
