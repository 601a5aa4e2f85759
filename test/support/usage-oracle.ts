import { formatUsd } from '../../server/src/services/credits/money.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { gqlOk } from './graphql.js';

/** usageSummary checked against an oracle computed in JS from the records themselves. */

export const HOUR = 3_600_000;

export interface Bucket {
  key: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  spendUsd: string;
}

export const SUMMARY = `query($from: DateTime!, $to: DateTime, $g: UsageGroupBy!, $filter: UsageFilter) {
  usageSummary(from: $from, to: $to, groupBy: $g, filter: $filter) { key requests errors inputTokens outputTokens costUsd spendUsd }
}`;

export type Filter = { accessKeyId?: string; provider?: string; model?: string; status?: number; errorsOnly?: boolean; requestId?: string };

/** The oracle: buckets computed in JS from the records themselves. */
export function expected(records: UsageRecord[], g: string, from: number, to: number, f: Filter = {}): Bucket[] {
  const keyOf = (r: UsageRecord): string => {
    const iso = new Date(Math.floor(r.createdAt.getTime() / HOUR) * HOUR).toISOString();
    if (g === 'HOUR') return `${iso.slice(0, 13)}:00:00Z`;
    if (g === 'DAY') return iso.slice(0, 10);
    if (g === 'PROVIDER') return r.provider ?? '(none)';
    // U+0000 is stored as U+FFFD (PostgreSQL text cannot hold it).
    const model = r.model?.replaceAll('\u0000', '\uFFFD') ?? null;
    if (g === 'MODEL') return model === null ? '(none)' : r.provider ? `${r.provider}:${model}` : model;
    return r.accessKeyId;
  };
  const sums = new Map<string, { b: Bucket; cost: bigint; spend: bigint }>();
  for (const r of records) {
    const t = r.createdAt.getTime();
    if (t < from || t >= to) continue;
    if ((f.accessKeyId && r.accessKeyId !== f.accessKeyId) || (f.provider && r.provider !== f.provider) || (f.model && r.model !== f.model)) continue;
    if ((f.status !== undefined && r.status !== f.status) || (f.errorsOnly && r.status < 400) || (f.requestId && r.requestId !== f.requestId)) continue;
    const key = keyOf(r);
    const s = sums.get(key) ?? { b: { key, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: '', spendUsd: '' }, cost: 0n, spend: 0n };
    s.b.requests++;
    if (r.status >= 400) s.b.errors++;
    s.b.inputTokens += r.inputTokens;
    s.b.outputTokens += r.outputTokens;
    s.cost += r.totalCostNano;
    s.spend += r.feeNano + (r.providerCostNano ?? 0n);
    sums.set(key, s);
  }
  return [...sums.values()]
    .map(({ b, cost, spend }) => ({ ...b, costUsd: formatUsd(cost), spendUsd: formatUsd(spend) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** usageSummary over [from, to), grouped by `g`, buckets in key order. */
export async function summary(baseUrl: string, token: string, g: string, from: number, to: number, filter?: Filter): Promise<Bucket[]> {
  const data = await gqlOk<{ usageSummary: Bucket[] }>(baseUrl, SUMMARY, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), g, filter }, token);
  return [...data.usageSummary].sort((a, b) => (a.key < b.key ? -1 : 1));
}
