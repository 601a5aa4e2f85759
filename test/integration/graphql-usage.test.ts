import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';
import { msOfUuidV7, UUID_V7 } from '../support/uuid.js';

interface EventsData {
  usageEvents: {
    nodes: {
      id: string;
      requestId: string;
      createdAt: string;
      endpoint: string;
      provider: string | null;
      model: string | null;
      status: number;
      streamed: boolean;
      inputTokens: number;
      outputTokens: number;
      accessKeyId: string;
      attempts: { provider: string; status: number | null }[];
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const EVENTS = `query($filter: UsageFilter, $first: Int, $after: String) {
  usageEvents(filter: $filter, first: $first, after: $after) {
    nodes { id requestId createdAt endpoint provider model status streamed inputTokens outputTokens accessKeyId attempts { provider status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('usage GraphQL', () => {
  let f: GatewayFixture;
  let keyA: { id: string; token: string };
  let keyB: { id: string; token: string };
  const requestIds: string[] = [];

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-usage-test');
    keyA = await createAccessKey(f, null, 'app-a');
    keyB = await createAccessKey(f, null, 'app-b');
    for (const [key, n] of [
      [keyA, 3],
      [keyB, 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${f.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count me' }] }),
        });
        expect(res.status).toBe(200);
        requestIds.push(res.headers.get('x-request-id') ?? '');
      }
    }
    // One failing request: unknown model.
    const bad = await new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: keyA.token, maxRetries: 0 }).chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.APIError);
    await f.server.services.usage.flush();
  });
  afterAll(async () => f?.stop());

  it('lists events newest first with the request id of each response', async () => {
    const data = await gqlOk<EventsData>(f.baseUrl, EVENTS, { first: 100 }, f.account.token);
    expect(data.usageEvents.nodes).toHaveLength(6);
    const ids = data.usageEvents.nodes.map((n) => n.requestId);
    for (const id of requestIds) expect(ids).toContain(id);
    const ok = data.usageEvents.nodes.find((n) => n.requestId === requestIds[0]);
    expect(ok).toMatchObject({ endpoint: '/v1/chat/completions', provider: 'openai', model: 'gpt-4o-mini', status: 200, streamed: false });
    expect(ok?.inputTokens).toBeGreaterThan(0);
    expect(ok?.attempts).toEqual([{ provider: 'openai', status: 200 }]);
  });

  it('gives requests and events time-ordered ids (UUID v7: the usage indexes append instead of splitting random pages)', async () => {
    const data = await gqlOk<EventsData>(f.baseUrl, EVENTS, { first: 100 }, f.account.token);
    for (const event of data.usageEvents.nodes) {
      expect(event.requestId).toMatch(UUID_V7);
      expect(event.id).toMatch(UUID_V7);
      // The event's id carries its admission time; the request id, its arrival just before.
      expect(msOfUuidV7(event.id)).toBe(Date.parse(event.createdAt));
      expect(msOfUuidV7(event.requestId)).toBeLessThanOrEqual(msOfUuidV7(event.id));
      expect(Date.parse(event.createdAt) - msOfUuidV7(event.requestId)).toBeLessThan(5_000);
    }
  });

  it('filters by access key and status, and paginates', async () => {
    const byKey = await gqlOk<EventsData>(f.baseUrl, EVENTS, { filter: { accessKeyId: keyB.id } }, f.account.token);
    expect(byKey.usageEvents.nodes).toHaveLength(2);
    expect(byKey.usageEvents.nodes.every((n) => n.accessKeyId === keyB.id)).toBe(true);
    const errors = await gqlOk<EventsData>(f.baseUrl, EVENTS, { filter: { status: 404 } }, f.account.token);
    expect(errors.usageEvents.nodes).toHaveLength(1);

    const page1 = await gqlOk<EventsData>(f.baseUrl, EVENTS, { first: 4 }, f.account.token);
    expect(page1.usageEvents.pageInfo.hasNextPage).toBe(true);
    const page2 = await gqlOk<EventsData>(f.baseUrl, EVENTS, { first: 4, after: page1.usageEvents.pageInfo.endCursor }, f.account.token);
    expect(page2.usageEvents.nodes).toHaveLength(2);
    expect(page2.usageEvents.pageInfo.hasNextPage).toBe(false);
    const all = [...page1.usageEvents.nodes, ...page2.usageEvents.nodes].map((n) => n.requestId);
    expect(new Set(all).size).toBe(6);
  });

  it('summarizes by day, provider, model and access key', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const q = `query($from: DateTime!, $g: UsageGroupBy!) { usageSummary(from: $from, groupBy: $g) { key label requests errors inputTokens outputTokens costUsd } }`;
    type S = { usageSummary: { key: string; label: string | null; requests: number; errors: number; inputTokens: number }[] };
    const day = await gqlOk<S>(f.baseUrl, q, { from, g: 'DAY' }, f.account.token);
    expect(day.usageSummary.reduce((s, b) => s + b.requests, 0)).toBe(6);
    expect(day.usageSummary.reduce((s, b) => s + b.errors, 0)).toBe(1);
    expect(day.usageSummary[0].key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const byModel = await gqlOk<S>(f.baseUrl, q, { from, g: 'MODEL' }, f.account.token);
    expect(byModel.usageSummary.find((b) => b.key === 'openai:gpt-4o-mini')?.requests).toBe(5);
    const byKey = await gqlOk<S>(f.baseUrl, q, { from, g: 'ACCESS_KEY' }, f.account.token);
    expect(byKey.usageSummary.find((b) => b.key === keyA.id)).toMatchObject({ label: 'app-a', requests: 4 });
    const byProvider = await gqlOk<S>(f.baseUrl, q, { from, g: 'PROVIDER' }, f.account.token);
    expect(byProvider.usageSummary.find((b) => b.key === 'openai')?.requests).toBe(5);
  });

  it('rejects an inverted range', async () => {
    const r = await gql(
      f.baseUrl,
      `query { usageSummary(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z", groupBy: DAY) { key } }`,
      {},
      f.account.token,
    );
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows another account nothing', async () => {
    const other = await signUpAccount(f.baseUrl);
    const data = await gqlOk<EventsData>(f.baseUrl, EVENTS, { filter: { accessKeyId: keyA.id } }, other.token);
    expect(data.usageEvents.nodes).toHaveLength(0);
  });
});
