import { describe, expect, it } from 'vitest';
import { isCharged, pendingUsageOf as pendingUsageIn, USAGE_ROW_COLUMNS, type PendingUsage } from '../../server/src/services/usage/pending-usage.js';
import { RowArena, rowText } from '../../server/src/services/usage/row-arena.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';

const arena = new RowArena();
const pendingUsageOf = (r: UsageRecord): PendingUsage => pendingUsageIn(r, arena);

/** The row's values by column name. */
function columns(p: PendingUsage): Record<string, unknown> {
  const values = JSON.parse(rowText(p.row)) as unknown[];
  expect(values).toHaveLength(USAGE_ROW_COLUMNS.length);
  return Object.fromEntries(USAGE_ROW_COLUMNS.map(([c], i) => [c, values[i]]));
}

const record = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  requestId: 'req-1',
  accountId: '00000000-0000-4000-8000-000000000001',
  accessKeyId: '00000000-0000-4000-8000-000000000002',
  endpoint: '/v1/chat/completions',
  provider: 'openai',
  model: 'gpt-4o-mini',
  status: 200,
  streamed: true,
  inputTokens: 12,
  outputTokens: 7,
  promptCacheReadTokens: 5,
  promptCacheWriteTokens: 3,
  webSearchCalls: 2,
  tokensEstimated: false,
  latencyMs: 33,
  keySource: 'gateway',
  providerKeyId: '00000000-0000-4000-8000-000000000003',
  feeNano: 950n,
  upstreamCostNano: 2_000_000_000_000_000_001n,
  totalCostNano: 2_000_000_000_000_000_951n,
  providerCostNano: 2_000_000_000_000_000_001n,
  cacheHit: false,
  virtualModel: 'smart',
  firewall: [{ policyId: 'p1', rule: 'REDACT_PII', action: 'redacted', count: 2 }],
  errorCode: null,
  attempts: [{ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: null, keySource: 'gateway', status: 200, error: null, latencyMs: 30 }],
  createdAt: new Date('2026-11-27T10:11:12.345Z'),
  ...over,
});

describe('pendingUsageOf', () => {
  it('serialises the usage_event row in column order, with exact nano amounts', () => {
    const r = record();
    const p = pendingUsageOf(r);
    const row = columns(p);
    // The event's id is time-ordered by its admission time (timeOrderedUuid): 2026-11-27T10:11:12.345Z.
    expect(row.id).toMatch(/^01a21c7c-d359-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row).toEqual({
      id: row.id,
      request_id: 'req-1',
      account_id: r.accountId,
      access_key_id: r.accessKeyId,
      endpoint: '/v1/chat/completions',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 200,
      streamed: true,
      input_tokens: 12,
      output_tokens: 7,
      prompt_cache_read_tokens: 5,
      prompt_cache_write_tokens: 3,
      web_search_calls: 2,
      tokens_estimated: false,
      latency_ms: 33,
      key_source: 'gateway',
      provider_key_id: r.providerKeyId,
      // Amounts beyond 2^53 travel as exact decimal text (read into bigint by the database).
      fee_nano: '950',
      upstream_cost_nano: '2000000000000000001',
      total_cost_nano: '2000000000000000951',
      provider_cost_nano: '2000000000000000001',
      cache_hit: false,
      virtual_model: 'smart',
      firewall: r.firewall,
      error_code: null,
      attempts: r.attempts,
      created_at: '2026-11-27T10:11:12.345Z',
    });
    expect(p.charge).toEqual({
      accountId: r.accountId,
      requestId: 'req-1',
      amountNano: 2_000_000_000_000_000_951n,
      accessKeyId: r.accessKeyId,
      // Spend = fee + provider cost at catalog prices.
      spendNano: 2_000_000_000_000_000_951n,
      at: r.createdAt,
    });
    expect(p.providerKeyId).toBe(r.providerKeyId);
  });

  it('writes nulls and defaults for what a failed or unpriced request lacks', () => {
    const row = columns(
      pendingUsageOf(record({ provider: null, model: null, keySource: null, providerKeyId: null, providerCostNano: null, cacheHit: undefined, virtualModel: undefined, firewall: undefined, errorCode: 'all_attempts_failed' })),
    );
    expect(row).toMatchObject({ provider: null, model: null, key_source: null, provider_key_id: null, provider_cost_nano: null, cache_hit: false, virtual_model: null, firewall: [], error_code: 'all_attempts_failed' });
  });

  it('replaces U+0000, cuts text to the column widths and escapes JSON', () => {
    const row = columns(pendingUsageOf(record({ model: `a\u0000"b\\${'m'.repeat(300)}`, provider: 'p'.repeat(70) }))) as { model: string; provider: string };
    expect(row.model).toHaveLength(256);
    expect(row.model.startsWith('a\uFFFD"b\\m')).toBe(true);
    expect(row.provider).toBe('p'.repeat(64));
  });

  it('writes the time as Date#toJSON does, also for the same second again', () => {
    for (const at of ['2026-11-27T10:11:12.005Z', '2026-11-27T10:11:12.045Z', '2026-11-27T10:11:12.999Z', '2026-11-27T10:11:13.000Z', '1969-12-31T23:59:59.500Z', '+010000-01-01T00:00:00.007Z']) {
      expect(columns(pendingUsageOf(record({ createdAt: new Date(at) }))).created_at).toBe(at);
    }
  });

  it('leaves values the database must refuse as null rather than invalid JSON', () => {
    const row = columns(pendingUsageOf(record({ inputTokens: Number.NaN, createdAt: new Date(Number.NaN) })));
    expect(row.input_tokens).toBeNull();
    expect(row.created_at).toBeNull();
  });

  it('charges credits or spend, and nothing for a free request', () => {
    expect(isCharged(pendingUsageOf(record()))).toBe(true);
    expect(isCharged(pendingUsageOf(record({ feeNano: 0n, upstreamCostNano: 0n, totalCostNano: 0n, providerCostNano: 5n })))).toBe(true);
    expect(isCharged(pendingUsageOf(record({ feeNano: 0n, upstreamCostNano: 0n, totalCostNano: 0n, providerCostNano: null })))).toBe(false);
  });
});
