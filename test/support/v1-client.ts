import { gqlOk } from './graphql.js';
import type { GatewayFixture } from './gateway-fixture.js';

/** Helpers for driving /v1 over plain HTTP and reading back what the gateway recorded. */

export interface V1Response {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface PostOptions {
  token?: string;
  /** Send the token as x-api-key instead of Authorization: Bearer. */
  viaApiKeyHeader?: boolean;
  headers?: Record<string, string>;
  /** A raw string body (sent as is) instead of JSON. */
  raw?: string;
  signal?: AbortSignal;
}

export async function postV1(f: GatewayFixture, path: string, body: unknown, o: PostOptions = {}): Promise<V1Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  if (o.token !== undefined) {
    if (o.viaApiKeyHeader) headers['x-api-key'] = o.token;
    else headers.authorization = `Bearer ${o.token}`;
  }
  const res = await fetch(`${f.baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: o.raw ?? JSON.stringify(body),
    signal: o.signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** One SSE frame as it went over the wire. */
export interface RawFrame {
  event: string | undefined;
  data: string;
}

export function parseSseText(text: string): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0 || event) frames.push({ event, data: data.join('\n') });
  }
  return frames;
}

/** JSON payloads of the frames, skipping [DONE] and non-JSON data. */
export function framePayloads(frames: RawFrame[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of frames) {
    if (f.data === '[DONE]') continue;
    try {
      out.push(JSON.parse(f.data) as Record<string, unknown>);
    } catch {
      // not JSON
    }
  }
  return out;
}

export interface UsageAttemptRow {
  provider: string;
  model: string;
  providerKeyId: string | null;
  keySource: string;
  status: number | null;
  error: string | null;
  latencyMs: number;
}

export interface UsageRow {
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
  errorCode: string | null;
  attempts: UsageAttemptRow[];
  /** Every column as text, to search for leaked bodies. */
  raw: string;
}

/** Flushes the usage queue and reads every usage event (oldest first). */
export async function readUsageEvents(f: GatewayFixture): Promise<UsageRow[]> {
  await f.server.services.usage.flush();
  const rows = (await f.server.services.orm.em
    .fork()
    .getConnection()
    .execute('select * from usage_event order by created_at asc')) as Record<string, unknown>[];
  return rows.map((r) => ({
    requestId: String(r.request_id),
    accountId: String(r.account_id),
    accessKeyId: String(r.access_key_id),
    endpoint: String(r.endpoint),
    provider: (r.provider as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    status: Number(r.status),
    streamed: Boolean(r.streamed),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    tokensEstimated: Boolean(r.tokens_estimated),
    latencyMs: Number(r.latency_ms),
    keySource: (r.key_source as string | null) ?? null,
    providerKeyId: (r.provider_key_id as string | null) ?? null,
    errorCode: (r.error_code as string | null) ?? null,
    attempts: (typeof r.attempts === 'string' ? JSON.parse(r.attempts) : r.attempts) as UsageAttemptRow[],
    raw: JSON.stringify(r),
  }));
}

/** The usage event of one request; waits for it (the recorder runs after the response). */
export async function usageEventFor(f: GatewayFixture, requestId: string | null, timeoutMs = 3000): Promise<UsageRow> {
  if (!requestId) throw new Error('response carried no x-request-id');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (await readUsageEvents(f)).find((r) => r.requestId === requestId);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no usage event for request ${requestId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function updateSettings(
  f: GatewayFixture,
  input: { totalTimeoutMs?: number; perAttemptTimeoutMs?: number },
  token = f.account.token,
): Promise<void> {
  await gqlOk(
    f.baseUrl,
    'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { settings { totalTimeoutMs perAttemptTimeoutMs } } }',
    { input },
    token,
  );
}

export async function revokeAccessKey(f: GatewayFixture, id: string): Promise<void> {
  await gqlOk(f.baseUrl, 'mutation($id: ID!) { revokeAccessKey(id: $id) }', { id }, f.account.token);
}

export interface CustomProviderSpec {
  providerId: string;
  name?: string;
  baseUrl: string;
  apiFormat: 'OPENAI' | 'ANTHROPIC';
  models: string[];
}

export async function createCustomProvider(f: GatewayFixture, spec: CustomProviderSpec): Promise<void> {
  await gqlOk(
    f.baseUrl,
    'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }',
    { input: { name: spec.name ?? spec.providerId, ...spec } },
    f.account.token,
  );
}

export async function waitFor(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Buys credits (PAYMENTS=manual grants them at once) so /v1 requests pass the credit gate: every
 * request pays the processing fee, whoever's credentials serve it.
 */
export async function fundAccount(baseUrl: string, token: string, amountUsd = '100.00'): Promise<void> {
  await gqlOk(baseUrl, 'mutation($amount: String!) { purchaseCredits(amountUsd: $amount) { id status } }', { amount: amountUsd }, token);
}
