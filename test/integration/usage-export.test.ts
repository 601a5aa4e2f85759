import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { createAccessKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';

const HOUR = 3_600_000;

describe('GET /api/usage/export', () => {
  let f: GatewayFixture;
  let apiKey: string;
  let other: { token: string; accountId: string };
  const mine: UsageRecord[] = [];
  const from = new Date(Date.now() - 3 * 24 * HOUR).toISOString();

  const record = (accountId: string, accessKeyId: string, i: number): UsageRecord => ({
    requestId: randomUUID(), accountId, accessKeyId, endpoint: '/v1/chat/completions', provider: 'openai',
    model: i === 7 ? '=cmd,"x"' : 'gpt-4o-mini', status: i % 10 === 0 ? 502 : 200, streamed: false, inputTokens: i, outputTokens: 1,
    tokensEstimated: false, latencyMs: 3, keySource: 'user', providerKeyId: null, feeNano: 1000n, upstreamCostNano: 0n, totalCostNano: 0n,
    providerCostNano: 50n, errorCode: null, attempts: [], createdAt: new Date(Date.now() - 2 * 24 * HOUR + i * 60_000),
  });

  const download = (query: string, token?: string) =>
    fetch(`${f.baseUrl}/api/usage/export?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    f = await startGatewayFixture();
    const key = await createAccessKey(f);
    const created = await gqlOk<{ createApiKey: { token: string } }>(f.baseUrl, 'mutation { createApiKey(input: { name: "ci" }) { token } }', {}, f.account.token);
    apiKey = created.createApiKey.token;
    other = await signUpAccount(f.baseUrl);
    const otherKey = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
      f.baseUrl, 'mutation { createAccessKey(input: { name: "o", description: null, configurationId: null }) { accessKey { id } } }', {}, other.token,
    );
    // More than one page (1000 rows), recorded newest first so the order must come from the export.
    for (let i = 2300; i >= 0; i--) mine.push(record(f.account.accountId, key.id, i));
    for (const r of mine) f.server.services.usage.record(r);
    for (let i = 0; i < 5; i++) f.server.services.usage.record(record(other.accountId, otherKey.createAccessKey.accessKey.id, i));
    await f.server.services.usage.flush();
  });
  afterAll(async () => f?.stop());

  it('streams every event of the caller, oldest first, with a session or an API key', async () => {
    for (const token of [f.account.token, apiKey]) {
      const res = await download(`from=${encodeURIComponent(from)}`, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="usage-.*\.csv"$/);
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      const lines = (await res.text()).split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toMatch(/^created_at,request_id,access_key_id,endpoint,provider,model,/);
      const rows = lines.slice(1);
      expect(rows).toHaveLength(mine.length);
      const oldestFirst = [...mine].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      expect(rows.map((l) => l.split(',')[1])).toEqual(oldestFirst.map((r) => r.requestId));
      // Quoted, and never a live spreadsheet formula.
      expect(rows.find((l) => l.includes(mine.find((r) => r.model?.startsWith('='))!.requestId))).toContain(`,"'=cmd,""x""",`);
    }
  });

  it('is scoped to the caller and honours the filters', async () => {
    const theirs = (await (await download(`from=${encodeURIComponent(from)}`, other.token)).text()).trim().split('\r\n');
    expect(theirs).toHaveLength(6);
    expect(theirs.slice(1).every((l) => l.split(',')[1] && !mine.some((r) => r.requestId === l.split(',')[1]))).toBe(true);
    const errors = (await (await download(`from=${encodeURIComponent(from)}&errorsOnly=true`, f.account.token)).text()).trim().split('\r\n');
    expect(errors.length - 1).toBe(mine.filter((r) => r.status >= 400).length);
    const to = mine[mine.length - 1 - 100].createdAt.toISOString();
    const early = (await (await download(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, f.account.token)).text()).trim();
    expect(early.split('\r\n')).toHaveLength(1 + 100);
  });

  it('refuses a missing token and a bad range in JSON', async () => {
    const anon = await download(`from=${encodeURIComponent(from)}`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    const bad = await download('from=yesterday', f.account.token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
    expect((await download('', f.account.token)).status).toBe(400);
  });
});
