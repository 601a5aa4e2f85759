import { gqlOk } from './graphql.js';

/** Reads back, over the admin API, what the gateway recorded and charged (lifecycle and soak checks). */

export interface RecordedUsage {
  requestId: string;
  status: number;
  streamed: boolean;
  errorCode: string | null;
  totalCostNano: bigint;
}

/** Exact decimal USD string → nano-USD (no float on the way). */
export function usdToNano(usd: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(usd.trim());
  if (!m) throw new Error(`not a USD amount: ${usd}`);
  const nano = BigInt(m[2]) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -nano : nano;
}

export function nanoToUsd(nano: bigint): string {
  const sign = nano < 0n ? '-' : '';
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** Every usage event of the caller's account (all pages). */
export async function listUsageEvents(baseUrl: string, token: string): Promise<RecordedUsage[]> {
  const out: RecordedUsage[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      usageEvents: {
        nodes: { requestId: string; status: number; streamed: boolean; errorCode: string | null; totalCostUsd: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await gqlOk(
      baseUrl,
      `query($after: String) { usageEvents(first: 100, after: $after) {
        nodes { requestId status streamed errorCode totalCostUsd } pageInfo { hasNextPage endCursor } } }`,
      { after },
      token,
    );
    for (const n of data.usageEvents.nodes) out.push({ ...n, totalCostNano: usdToNano(n.totalCostUsd) });
    if (!data.usageEvents.pageInfo.hasNextPage) return out;
    after = data.usageEvents.pageInfo.endCursor;
  }
}

export async function balanceNano(baseUrl: string, token: string): Promise<bigint> {
  const data = await gqlOk<{ me: { creditBalanceUsd: string } }>(baseUrl, '{ me { creditBalanceUsd } }', {}, token);
  return usdToNano(data.me.creditBalanceUsd);
}

/** Request ids seen more than once. */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}
