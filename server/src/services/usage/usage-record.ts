import type { UsageAttemptRecord, UsageFirewallDecision } from '../../entities/usage-event.entity.js';

/** What the data plane hands the usage writer for one /v1 request. */
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
  /** What credits pay (contract): the processing fee, plus the upstream cost with gateway credentials. */
  feeNano: bigint;
  upstreamCostNano: bigint;
  totalCostNano: bigint;
  /** Upstream cost at catalog prices whoever's key served it; null when the model is unpriced. */
  providerCostNano?: bigint | null;
  cacheHit?: boolean;
  /** The virtual model name the client asked for, when one resolved the request. */
  virtualModel?: string | null;
  firewall?: UsageFirewallDecision[];
  errorCode: string | null;
  attempts: UsageAttemptRecord[];
  createdAt: Date;
}

/** Spend (budgets, summaries) = fee + provider cost at catalog prices; the fee alone when unpriced. */
export function spendNano(r: UsageRecord): bigint {
  return r.feeNano + (r.providerCostNano ?? 0n);
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000 (the whole statement fails), so it is replaced; text
 * longer than its column is cut. Client-chosen text is refused at the /v1 edge; this is the
 * writer's own guard so such a value can never poison a batch.
 */
export function storableText(s: string, max: number): string {
  const clean = s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
  return clean.length > max ? clean.slice(0, max) : clean;
}

/** `\u0000` escapes preceded by an even number of backslashes, i.e. real U+0000 characters, not escaped text. */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON.stringify output with every U+0000 in its strings replaced by U+FFFD (PostgreSQL's json
 * and jsonb refuse it). JSON.stringify writes that character only as the escape `\u0000`, so
 * the text is scanned once instead of calling a replacer for every value.
 */
export function storableJsonText(json: string): string {
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}
