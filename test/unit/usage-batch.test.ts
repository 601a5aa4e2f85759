import { describe, expect, it } from 'vitest';
import { pendingUsageOf, type PendingUsage } from '../../server/src/services/usage/pending-usage.js';
import { RowArena, rowText } from '../../server/src/services/usage/row-arena.js';
import { prepareUsageBatch } from '../../server/src/services/usage/usage-batch.js';

const arena = new RowArena();
const event = (requestId: string, model: string): PendingUsage =>
  pendingUsageOf(
    {
      requestId,
      accountId: '00000000-0000-4000-8000-000000000001',
      accessKeyId: '00000000-0000-4000-8000-000000000002',
      endpoint: '/v1/chat/completions',
      provider: 'openai',
      model,
      status: 200,
      streamed: false,
      inputTokens: 3,
      outputTokens: 4,
      tokensEstimated: false,
      latencyMs: 5,
      keySource: 'user',
      providerKeyId: null,
      feeNano: 350n,
      upstreamCostNano: 0n,
      totalCostNano: 350n,
      errorCode: null,
      attempts: [{ provider: 'openai', model, providerKeyId: null, keySource: 'user', status: 200, error: null, latencyMs: 5 }],
      createdAt: new Date('2026-11-28T12:00:00.123Z'),
    },
    arena,
  );

describe('prepareUsageBatch', () => {
  it.each([0, 1, 2, 5])('writes %i rows as one JSON array in jsonb binary format, each row as queued', (n) => {
    const events = Array.from({ length: n }, (_, i) => event(`r${i}`, i === 1 ? 'modèle·😀' : 'gpt-4o-mini'));
    const queued = events.map((e) => rowText(e.row));
    const { json, events: carried } = prepareUsageBatch(events);
    expect(carried).toBe(events);
    // jsonb's binary input: version byte 1, then the text.
    expect(json[0]).toBe(1);
    const text = json.toString('utf8', 1);
    expect(text).toBe(`[${queued.join(',')}]`);
    expect(JSON.parse(text)).toEqual(queued.map((row) => JSON.parse(row)));
    // The queued rows themselves are left as they were (a batch retried or split is prepared again).
    expect(events.map((e) => rowText(e.row))).toEqual(queued);
  });
});
