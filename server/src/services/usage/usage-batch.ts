import type { UsageTx } from './usage-db.js';
import { isCharged, USAGE_ROW_COLUMNS, type PendingUsage } from './pending-usage.js';
import { jsonbArrayOf } from './row-arena.js';

/** The columns a batch's rows fill, and each one read from its element of the row's JSON array. */
const ROW_COLUMNS = USAGE_ROW_COLUMNS.map(([c]) => `"${c}"`).join(', ');
const ROW_VALUES = USAGE_ROW_COLUMNS.map(([, type], i) => (type === 'jsonb' ? `"r" -> ${i}` : `("r" ->> ${i})::${type}`)).join(', ');

/** Rollup sums, the same for both granularities. */
export const ROLLUP_SUMS = ['requests', 'input_tokens', 'output_tokens', 'fee_nano', 'provider_cost_nano', 'spend_nano', 'cost_nano', 'cache_hits'] as const;
const SUM_COLUMNS = ROLLUP_SUMS.map((c) => `"${c}"`).join(', ');
const rollupKeys = (bucketColumn: 'hour' | 'day') => ['account_id', bucketColumn, 'access_key_id', 'provider', 'model', 'status'].map((c) => `"${c}"`).join(', ');

/**
 * Upserts `rows` (rollup key, then the sums, in key order) into one rollup table. Rows come in
 * key order, so two writers upserting overlapping keys lock them in the same order.
 */
function rollupUpsert(table: string, bucketColumn: 'hour' | 'day', rows: string): string {
  const keys = rollupKeys(bucketColumn);
  return `insert into "${table}" (${keys}, ${SUM_COLUMNS})
    ${rows}
    on conflict (${keys}) do update set
    ${ROLLUP_SUMS.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ')}`;
}

/**
 * The CTEs adding the rows of a preceding CTE "hours" (account_id, hour, access_key_id, provider,
 * model, status, then ROLLUP_SUMS) to the hourly rollups, and their sums by UTC day to the daily ones.
 */
export const ROLLUP_UPSERTS = `"hourly" as (${rollupUpsert('usage_rollup', 'hour', `select * from "hours" order by 1, 2, 3, 4, 5, 6`)}),
  "daily" as (${rollupUpsert(
    'usage_rollup_daily',
    'day',
    `select "account_id", date_trunc('day', "hour", 'UTC'), "access_key_id", "provider", "model", "status", ${ROLLUP_SUMS.map((c) => `sum("${c}")`).join(', ')}
    from "hours" group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
  )})`;

/**
 * Events and rollups in one statement (one round trip, no per-event work in JS after the JSON).
 * The batch travels as a single JSON parameter, an array of rows, each an array of values
 * (pending-usage.ts), parsed once as jsonb: not 24 bound parameters per event (each prepared,
 * measured and copied by pg) in a statement of thousands of placeholders. It inserts the events
 * (skipping any already stored when `skipStored`: a retried batch, see isStoredAlready), and adds
 * the rows actually inserted to the hourly and daily rollups. Returns how many were inserted, and
 * which only when some were skipped ($2 = the batch's length).
 *
 * The fresh events are summed once, by hour ("hours": sums as spendNano() and the JS rollups did:
 * spend = fee + provider cost (0 when unpriced), text keys '' for null; UTC buckets whatever the
 * session's TimeZone), and the days are summed from those hours (a few dozen rows, exact: the
 * sums are numeric). Grouping every event for each rollup (two sorts of the whole batch) was
 * about a tenth of the statement on the embedded database.
 */
const writeBatchSql = (skipStored: boolean) => `with "fresh" as (
    insert into "usage_event" (${ROW_COLUMNS})
    select ${ROW_VALUES} from jsonb_array_elements($1::jsonb) as "e"("r")
    ${skipStored ? 'on conflict ("request_id", "created_at") do nothing' : ''}
    returning "request_id", "account_id", "access_key_id", "provider", "model", "status", "input_tokens", "output_tokens",
      "fee_nano", "provider_cost_nano", "total_cost_nano", "cache_hit", "created_at"
  ),
  "hours" as (
    select "account_id", date_trunc('hour', "created_at", 'UTC') as "hour", "access_key_id", coalesce("provider", '') as "provider",
      coalesce("model", '') as "model", "status", count(*) as "requests", sum("input_tokens") as "input_tokens",
      sum("output_tokens") as "output_tokens", sum("fee_nano") as "fee_nano", sum(coalesce("provider_cost_nano", 0)) as "provider_cost_nano",
      sum("fee_nano" + coalesce("provider_cost_nano", 0)) as "spend_nano", sum("total_cost_nano") as "cost_nano",
      count(*) filter (where "cache_hit") as "cache_hits"
    from "fresh" group by 1, 2, 3, 4, 5, 6
  ),
  ${ROLLUP_UPSERTS}
  select count(*)::int as "inserted", case when count(*) < $2 then array_agg("request_id") end as "fresh" from "fresh"`;

/**
 * A batch is first written without `on conflict`: the speculative insertion behind it cost
 * PostgreSQL ~8 µs per row of this statement (bench/RESULTS.md, session 8), for the rare batch
 * retried after its commit went unanswered. Such a batch fails on a key of the records it stored
 * (isStoredAlready) and is written again by the statement that skips them.
 */
const WRITE_BATCH = writeBatchSql(false);
const WRITE_BATCH_SKIPPING_STORED = writeBatchSql(true);

/**
 * The batch holds a record stored already (same request id and time): retry it skipping those. A
 * batch sent again after its commit went unanswered carries the same event ids too (made with the
 * rows), so its first write fails on whichever key the insert checks first (the primary key,
 * (id, created_at), in the tests). The retry skips by the request key, so an event that only shares
 * an id with a stored one (another request) is still refused, and parked.
 */
export function isStoredAlready(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; detail?: unknown } | undefined;
  if (e?.code !== '23505') return false;
  // The partitions' own copies of the keys are named after them; the key's columns say which it is.
  const { detail } = e;
  if (typeof detail === 'string') return STORED_KEYS.some((key) => detail.startsWith(key));
  const constraint = String(e.constraint);
  return constraint.includes('request_id') || constraint.endsWith('_pkey');
}

const STORED_KEYS = ['Key (request_id, created_at)=', 'Key (id, created_at)='];

/** A batch and its rows as one JSON array (jsonb's binary format), built before the transaction (so no connection waits on it). */
export interface PreparedBatch {
  events: readonly PendingUsage[];
  json: Buffer;
}

/** The rows are serialised already (pendingUsageOf): a batch's JSON is their bytes copied once, no per-event work. */
export function prepareUsageBatch(events: readonly PendingUsage[]): PreparedBatch {
  return { events, json: jsonbArrayOf(events.map((e) => e.row)) };
}

/**
 * One batch in the caller's transaction: inserts the events (with `skipStored`, a record already
 * stored is skipped, so a retried batch writes nothing twice; without it such a batch fails, see
 * isStoredAlready), adds the fresh ones to the hourly and daily rollups, applies their charges and
 * touches the keys' last use. Lock order: rollup rows (key order), the charges' accounts and access
 * keys (id order), then the touches, so two writers never wait on each other in a cycle (touching
 * keys before the charges did deadlock).
 */
export async function writeUsageBatch(tx: UsageTx, { events, json }: PreparedBatch, skipStored = false): Promise<number> {
  const sql = skipStored ? WRITE_BATCH_SKIPPING_STORED : WRITE_BATCH;
  const [written] = await tx.query<{ inserted: number; fresh: string[] | null }>(sql, [json, events.length]);
  if (!written || written.inserted === 0) return 0;
  const freshIds = written.fresh === null ? null : new Set(written.fresh);
  const fresh = freshIds === null ? events : events.filter((e) => freshIds.has(e.charge.requestId));
  const charges = fresh.filter(isCharged).map((e) => e.charge);
  if (charges.length > 0) await tx.applyCharges(charges);
  await touchLastUsed(tx, lastUses(fresh));
  await tx.afterWrite?.(fresh);
  return fresh.length;
}

/** When each access key and provider key was last used (a request's admission time). */
export interface LastUses {
  accessKeys: Map<string, Date>;
  providerKeys: Map<string, Date>;
}

function lastUses(events: readonly PendingUsage[]): LastUses {
  const uses: LastUses = { accessKeys: new Map(), providerKeys: new Map() };
  for (const { charge, providerKeyId } of events) {
    usedAt(uses.accessKeys, charge.accessKeyId, charge.at);
    if (providerKeyId) usedAt(uses.providerKeys, providerKeyId, charge.at);
  }
  return uses;
}

/** Records a use of `id` at `at`, keeping the latest: requests settle out of admission order. */
export function usedAt(uses: Map<string, Date>, id: string, at: Date): void {
  const last = uses.get(id);
  if (last === undefined || last.getTime() < at.getTime()) uses.set(id, at);
}

/** last_used_at of the access and provider keys the records used (never moved backwards), one statement. */
const TOUCH_LAST_USED = `with "access_keys" as (
    update "access_key" t set "last_used_at" = v."at" from unnest($1::uuid[], $2::timestamptz[]) as v("id", "at")
    where t."id" = v."id" and (t."last_used_at" is null or t."last_used_at" < v."at"))
  update "provider_key" t set "last_used_at" = v."at" from unnest($3::uuid[], $4::timestamptz[]) as v("id", "at")
  where t."id" = v."id" and (t."last_used_at" is null or t."last_used_at" < v."at")`;

export async function touchLastUsed(tx: UsageTx, { accessKeys, providerKeys }: LastUses): Promise<void> {
  await tx.query(TOUCH_LAST_USED, [[...accessKeys.keys()], [...accessKeys.values()], [...providerKeys.keys()], [...providerKeys.values()]]);
}
