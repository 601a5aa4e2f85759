import { gqlOk, signUpAccount } from './graphql.js';
import type { GatewayFixture } from './gateway-fixture.js';

/** Helpers for asserting money through the admin API and straight from SQL (nano-USD bigints). */

export const NANO_PER_USD = 1_000_000_000n;

/** "4.9999994" → 4_999_999_400n. Independent of the server's own parser on purpose. */
export function usdToNano(usd: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(usd);
  if (!m) throw new Error(`not a USD decimal string: ${usd}`);
  const nano = BigInt(m[2]) * NANO_PER_USD + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -nano : nano;
}

/** Another account on the same gateway, with its own access key (and optionally credits). */
export interface TestAccount {
  token: string;
  accountId: string;
  accessToken: string;
  accessKeyId: string;
}

export async function createAccount(f: GatewayFixture, opts: { purchaseUsd?: string; providerKeys?: Record<string, string> } = {}): Promise<TestAccount> {
  const { token, accountId } = await signUpAccount(f.baseUrl);
  for (const [provider, key] of Object.entries(opts.providerKeys ?? {})) {
    await gqlOk(f.baseUrl, 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }', { input: { provider, name: provider, key } }, token);
  }
  if (opts.purchaseUsd) await purchase(f, token, opts.purchaseUsd);
  const data = await gqlOk<{ createAccessKey: { token: string; accessKey: { id: string } } }>(
    f.baseUrl,
    'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { id } } }',
    { input: { name: 'app', description: null, configurationId: null } },
    token,
  );
  return { token, accountId, accessToken: data.createAccessKey.token, accessKeyId: data.createAccessKey.accessKey.id };
}

export async function purchase(f: GatewayFixture, token: string, amountUsd: string): Promise<void> {
  await gqlOk(f.baseUrl, 'mutation($a: String!) { purchaseCredits(amountUsd: $a) { id status } }', { a: amountUsd }, token);
}

/** me.creditBalanceUsd after every queued usage event (and so every charge) is written. */
export async function balanceUsd(f: GatewayFixture, token: string): Promise<string> {
  await f.server.services.usage.flush();
  const data = await gqlOk<{ me: { creditBalanceUsd: string } }>(f.baseUrl, '{ me { creditBalanceUsd } }', {}, token);
  return data.me.creditBalanceUsd;
}

export async function balanceNano(f: GatewayFixture, token: string): Promise<bigint> {
  return usdToNano(await balanceUsd(f, token));
}

export interface UsageCost {
  requestId: string;
  status: number;
  streamed: boolean;
  errorCode: string | null;
  keySource: string | null;
  providerKeyId: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  feeNano: bigint;
  upstreamCostNano: bigint;
  totalCostNano: bigint;
}

function toUsageCost(r: Record<string, unknown>): UsageCost {
  return {
    requestId: String(r.request_id),
    status: Number(r.status),
    streamed: Boolean(r.streamed),
    errorCode: (r.error_code as string | null) ?? null,
    keySource: (r.key_source as string | null) ?? null,
    providerKeyId: (r.provider_key_id as string | null) ?? null,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    tokensEstimated: Boolean(r.tokens_estimated),
    feeNano: BigInt(String(r.fee_nano)),
    upstreamCostNano: BigInt(String(r.upstream_cost_nano)),
    totalCostNano: BigInt(String(r.total_cost_nano)),
  };
}

const COST_COLUMNS = `request_id, status, streamed, error_code, key_source, provider_key_id, input_tokens, output_tokens, tokens_estimated,
  fee_nano::text as fee_nano, upstream_cost_nano::text as upstream_cost_nano, total_cost_nano::text as total_cost_nano`;

/** The usage event of one request, money as nano-USD from SQL; waits for the recorder. */
export async function usageCost(f: GatewayFixture, requestId: string | null | undefined, timeoutMs = 3000): Promise<UsageCost> {
  if (!requestId) throw new Error('response carried no x-request-id');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await f.server.services.usage.flush();
    const rows = await f.server.services.orm.em
      .fork()
      .execute<Record<string, unknown>[]>(`select ${COST_COLUMNS} from usage_event where request_id = ?`, [requestId]);
    if (rows[0]) return toUsageCost(rows[0]);
    if (Date.now() > deadline) throw new Error(`no usage event for request ${requestId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function usageCostsOf(f: GatewayFixture, accountId: string): Promise<UsageCost[]> {
  await f.server.services.usage.flush();
  const rows = await f.server.services.orm.em
    .fork()
    .execute<Record<string, unknown>[]>(`select ${COST_COLUMNS} from usage_event where account_id = ? order by created_at`, [accountId]);
  return rows.map(toUsageCost);
}

/** The same event through GraphQL: decimal strings of USD. */
export async function usageCostUsd(
  f: GatewayFixture,
  token: string,
  requestId: string,
): Promise<{ feeUsd: string; upstreamCostUsd: string; totalCostUsd: string; keySource: string | null }> {
  const data = await gqlOk<{ usageEvents: { nodes: { requestId: string; feeUsd: string; upstreamCostUsd: string; totalCostUsd: string; keySource: string | null }[] } }>(
    f.baseUrl,
    '{ usageEvents(first: 100) { nodes { requestId feeUsd upstreamCostUsd totalCostUsd keySource } } }',
    {},
    token,
  );
  const node = data.usageEvents.nodes.find((n) => n.requestId === requestId);
  if (!node) throw new Error(`usageEvents has no event for ${requestId}`);
  return node;
}

/** The account's books straight from SQL (nano-USD). */
export async function books(f: GatewayFixture, accountId: string) {
  await f.server.services.usage.flush();
  const [row] = await f.server.services.orm.em.fork().execute<Record<string, string>[]>(
    `select (select coalesce(sum(remaining_nano), 0) from credit_lot where account_id = ?)::text as lots,
            (select coalesce(min(remaining_nano), 0) from credit_lot where account_id = ?)::text as min_lot,
            (select coalesce(sum(total_cost_nano), 0) from usage_event where account_id = ?)::text as event_cost,
            (select count(*) from usage_event where account_id = ? and total_cost_nano > 0)::text as charged_events,
            (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'usage')::text as usage_tx,
            (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'purchase')::text as purchases,
            (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ?)::text as all_tx`,
    [accountId, accountId, accountId, accountId, accountId, accountId, accountId],
  );
  return {
    lotsNano: BigInt(row.lots),
    minLotNano: BigInt(row.min_lot),
    eventCostNano: BigInt(row.event_cost),
    chargedEvents: Number(row.charged_events),
    usageTxNano: BigInt(row.usage_tx),
    purchasesNano: BigInt(row.purchases),
    allTxNano: BigInt(row.all_tx),
  };
}
