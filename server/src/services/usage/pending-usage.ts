import { timeOrderedUuid } from '../../db/time-ordered-uuid.js';
import type { Charge } from '../credits/credit-service.js';
import type { ArenaRow, RowArena } from './row-arena.js';
import { spendNano, storableJsonText, type UsageRecord } from './usage-record.js';

/**
 * A usage event between the request that made it and the batch that writes it: its row
 * serialised once, when the request settles, plus only what the batch's charges, key touches,
 * partitions and alerts read. Before, the whole record waited in the queue (an object graph: the
 * record, its attempt list, a Date, four BigInts) and each batch built a row object per event,
 * stringified it and drew a random event id: 3.9 KB allocated per /v1 request for usage, now
 * 1.7 KB, and the writer's own CPU per event fell by about a sixth (`npm run bench:usage-cost`).
 */
export interface PendingUsage extends ChargedUsage {
  /** The usage_event row as a JSON array, its values in USAGE_ROW_COLUMNS order, in the writer's arena. */
  row: ArenaRow;
  providerKeyId: string | null;
}

/** A charge as the usage writer applies it: `requests` only when it sums several (usage-sums.ts). */
export type UsageCharge = Required<Omit<Charge, 'requests'>> & Pick<Charge, 'requests'>;

/**
 * What a batch's charges and alert detection read of a request, or of requests summed without
 * events: its charge (credits and spend; also its request, account, access key and admission
 * time) and its error code.
 */
export interface ChargedUsage {
  charge: UsageCharge;
  errorCode: string | null;
}

/**
 * The usage_event columns a row carries, in order, with the type its element is read as (the id
 * is made with the row, time-ordered: timeOrderedUuid; a batch sent again carries the same ids).
 * A row is an array rather than an object keyed by column: half the text to build, send and
 * parse, and no key names in every event.
 */
export const USAGE_ROW_COLUMNS = [
  ['id', 'uuid'], ['request_id', 'text'], ['account_id', 'uuid'], ['access_key_id', 'uuid'], ['endpoint', 'text'], ['provider', 'text'],
  ['model', 'text'], ['status', 'int'], ['streamed', 'boolean'], ['input_tokens', 'int'], ['output_tokens', 'int'],
  ['prompt_cache_read_tokens', 'int'], ['prompt_cache_write_tokens', 'int'], ['web_search_calls', 'int'], ['tokens_estimated', 'boolean'], ['latency_ms', 'int'], ['key_source', 'text'], ['provider_key_id', 'uuid'],
  ['fee_nano', 'bigint'], ['upstream_cost_nano', 'bigint'], ['total_cost_nano', 'bigint'], ['provider_cost_nano', 'bigint'],
  ['cache_hit', 'boolean'], ['virtual_model', 'text'], ['firewall', 'jsonb'], ['error_code', 'text'], ['attempts', 'jsonb'],
  ['created_at', 'timestamptz'],
] as const;

/** The record's row goes into `rows` (the writer's arena) until its batch is written. */
export function pendingUsageOf(r: UsageRecord, rows: RowArena): PendingUsage {
  return {
    row: rows.append(usageEventRow(r)),
    charge: { accountId: r.accountId, requestId: r.requestId, amountNano: r.totalCostNano, accessKeyId: r.accessKeyId, spendNano: spendNano(r), at: r.createdAt },
    providerKeyId: r.providerKeyId,
    errorCode: r.errorCode,
  };
}

/** Anything to charge: credits or spend. */
export function isCharged(p: ChargedUsage): boolean {
  return p.charge.amountNano > 0n || p.charge.spendNano > 0n;
}

/** Text cut to its column's width (the database would refuse it whole). */
function cut(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) return null;
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * `Date#toJSON`, with the text up to the seconds kept for the second it names: every event of
 * one second shares it, and toISOString was one of the dearest steps of a row (about 1 µs).
 */
let isoSecond = Number.NaN;
let isoPrefix = '';
function timestamp(d: Date): string | null {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return null;
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    // Years outside 0000–9999 are written with a sign and six digits: not cached.
    if (iso.length !== 24) return d.toISOString();
    isoPrefix = iso.slice(0, 19);
    isoSecond = second;
  }
  const frac = ms - second * 1000;
  return `${isoPrefix}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/**
 * The row in USAGE_ROW_COLUMNS order. Amounts travel as decimal strings (exact beyond 2^53);
 * a number that is not finite becomes null, which its NOT NULL column refuses (the writer then
 * parks the event). U+0000, which PostgreSQL's json refuses, is replaced in the finished text.
 */
function usageEventRow(r: UsageRecord): string {
  return storableJsonText(
    JSON.stringify([
      timeOrderedUuid(r.createdAt.getTime()),
      cut(r.requestId, 64),
      r.accountId,
      r.accessKeyId,
      cut(r.endpoint, 64),
      cut(r.provider, 64),
      cut(r.model, 256),
      r.status,
      r.streamed === true,
      r.inputTokens,
      r.outputTokens,
      r.promptCacheReadTokens ?? 0,
      r.promptCacheWriteTokens ?? 0,
      r.webSearchCalls ?? 0,
      r.tokensEstimated === true,
      r.latencyMs,
      cut(r.keySource, 16),
      r.providerKeyId,
      r.feeNano.toString(),
      r.upstreamCostNano.toString(),
      r.totalCostNano.toString(),
      r.providerCostNano === null || r.providerCostNano === undefined ? null : r.providerCostNano.toString(),
      r.cacheHit === true,
      cut(r.virtualModel, 128),
      r.firewall ?? [],
      cut(r.errorCode, 64),
      r.attempts,
      timestamp(r.createdAt),
    ]),
  );
}
