import type { UsageAttemptRecord } from '../../entities/usage-event.entity.js';
import type { Charge } from '../credits/credit-service.js';
import { spendNano, storableJsonText, type UsageRecord } from './usage-record.js';

/**
 * A usage event between the request that made it and the batch that writes it. Under load an
 * event waits 100–400 ms for its batch, longer than a young-generation GC cycle, so whatever it
 * holds is copied and promoted to the old generation: kept as an object graph (the record, its
 * attempt list, a Date, four BigInts, then a row object per batch) it was most of the ~3.7 KB
 * promoted per /v1 request. So the row is serialised once, when the request settles, into one
 * flat string, and only what the batch's charges, key touches, partitions and alerts read stays
 * as fields.
 */
export interface PendingUsage {
  /** The usage_event row as a JSON object keyed by column, read by json_populate_recordset. */
  row: string;
  /** What the event costs (credits and spend); also names its request, account, access key and admission time. */
  charge: Required<Charge>;
  providerKeyId: string | null;
  errorCode: string | null;
}

export function pendingUsageOf(r: UsageRecord): PendingUsage {
  return {
    row: usageEventRow(r),
    charge: { accountId: r.accountId, requestId: r.requestId, amountNano: r.totalCostNano, accessKeyId: r.accessKeyId, spendNano: spendNano(r), at: r.createdAt },
    providerKeyId: r.providerKeyId,
    errorCode: r.errorCode,
  };
}

/** Anything to charge: credits or spend. */
export function isCharged(p: PendingUsage): boolean {
  return p.charge.amountNano > 0n || p.charge.spendNano > 0n;
}

/** Text JSON needs no escapes for (ids, paths, most model names): quoted as is, skipping JSON.stringify. */
const PLAIN = /^[\w.:/@+-]*$/;

/** A JSON string, cut to its column's width (null stays null). */
function text(s: string | null | undefined, max = Number.POSITIVE_INFINITY): string {
  if (s === null || s === undefined) return 'null';
  const cut = s.length > max ? s.slice(0, max) : s;
  return PLAIN.test(cut) ? `"${cut}"` : JSON.stringify(cut);
}

/** A JSON number or null; anything else is null, which the NOT NULL column refuses (the writer then parks the event). */
function int(n: number | null): string {
  return n !== null && Number.isFinite(n) ? String(n) : 'null';
}

/** The attempt list as JSON (the jsonb column), written like the row. */
function attemptsJson(attempts: readonly UsageAttemptRecord[]): string {
  let out = '[';
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i];
    out +=
      `${i === 0 ? '' : ','}{"provider":${text(a.provider)},"model":${text(a.model)},"providerKeyId":${text(a.providerKeyId)},` +
      `"keySource":${text(a.keySource)},"status":${int(a.status)},"error":${text(a.error)},"latencyMs":${int(a.latencyMs)}}`;
  }
  return `${out}]`;
}

/**
 * `Date#toJSON` as a JSON string, with the text up to the seconds kept for the second it names:
 * every event of one second shares it, and toISOString is one of the dearest steps of a row.
 */
let isoSecond = Number.NaN;
let isoPrefix = '';
function timestamp(d: Date): string {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return 'null';
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    isoSecond = second;
  }
  const frac = ms - second * 1000;
  return `"${isoPrefix}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z"`;
}

/**
 * The row written as text in one template rather than an object passed to JSON.stringify: one
 * string per event instead of a row object, and no escaping pass over text that needs none.
 * Strings are cut to the column widths; U+0000, which PostgreSQL's json refuses, is replaced in
 * the finished text. The id is left to the database (gen_random_uuid()).
 */
function usageEventRow(r: UsageRecord): string {
  const providerCost = r.providerCostNano === null || r.providerCostNano === undefined ? 'null' : String(r.providerCostNano);
  const firewall = r.firewall === undefined || r.firewall.length === 0 ? '[]' : JSON.stringify(r.firewall);
  return storableJsonText(
    `{"request_id":${text(r.requestId, 64)},"account_id":${text(r.accountId, 64)},"access_key_id":${text(r.accessKeyId, 64)},` +
      `"endpoint":${text(r.endpoint, 64)},"provider":${text(r.provider, 64)},"model":${text(r.model, 256)},"status":${int(r.status)},` +
      `"streamed":${r.streamed === true},"input_tokens":${int(r.inputTokens)},"output_tokens":${int(r.outputTokens)},` +
      `"tokens_estimated":${r.tokensEstimated === true},"latency_ms":${int(r.latencyMs)},"key_source":${text(r.keySource, 16)},` +
      `"provider_key_id":${text(r.providerKeyId, 64)},"fee_nano":${r.feeNano},"upstream_cost_nano":${r.upstreamCostNano},` +
      `"total_cost_nano":${r.totalCostNano},"provider_cost_nano":${providerCost},"cache_hit":${r.cacheHit === true},` +
      `"virtual_model":${text(r.virtualModel, 128)},"firewall":${firewall},"error_code":${text(r.errorCode, 64)},` +
      `"attempts":${attemptsJson(r.attempts)},"created_at":${timestamp(r.createdAt)}}`,
  );
}
