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
  /** Of inputTokens: read from / written to the provider's prompt cache. */
  promptCacheReadTokens?: number;
  promptCacheWriteTokens?: number;
  /** Hosted web searches the provider ran (billed per call). */
  webSearchCalls?: number;
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

/**
 * Escapes of characters PostgreSQL's json and jsonb refuse, preceded by an even number of
 * backslashes (real characters, not escaped text): `\u0000`, and lone surrogates, which
 * JSON.stringify writes as `\udXXX` escapes (a pair it writes as the character itself).
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * JSON.stringify output with every U+0000 and lone surrogate in its strings replaced by U+FFFD.
 * JSON.stringify writes those only as escapes, so the text is searched (natively) for them instead
 * of calling a replacer for every value. The /v1 edge refuses such text in what clients send; an
 * upstream's error message is cleaned where it is read (failover.ts); this is the writer's own
 * guard: one such row used to be refused, and the batch around it bisected, over and over.
 */
export function storableJsonText(json: string): string {
  return json.includes('\\u0000') || json.includes('\\ud') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}
