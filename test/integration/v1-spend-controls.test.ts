/**
 * Spend controls through /v1 with the real SDKs: key budgets exact under concurrency and across
 * a period boundary (controlled clock), expiry, account token caps in all three formats.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlOk } from '../support/graphql.js';
import { fundAccount, postV1, readUsageEvents } from '../support/v1-client.js';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('/v1 spend controls', () => {
  let f: GatewayFixture;
  let clock = Date.parse('2026-09-30T23:50:00Z');

  beforeAll(async () => {
    f = await startGatewayFixture({}, { credits: { now: () => clock } });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-own');
    await createProviderKey(f, 'anthropic', 'sk-ant-own');
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  const keyInfo = async (id: string) =>
    (
      await gqlOk<{ accessKeys: { nodes: { id: string; spentUsd: string; periodResetsAt: string | null }[] } }>(
        f.baseUrl,
        '{ accessKeys(first: 100) { nodes { id spentUsd periodResetsAt } } }',
        {},
        f.account.token,
      )
    ).accessKeys.nodes.find((k) => k.id === id)!;

  /** Spend (fee + provider cost at catalog prices) of the key's usage events, as exact decimals. */
  const usageSpend = async (accessKeyId: string) => {
    await f.server.services.usage.flush();
    const { rows } = await f.server.services.sql.query<{ spend: string; n: string; charged: string }>(
      `select coalesce(sum(fee_nano + coalesce(provider_cost_nano, 0)), 0)::text as spend, count(*)::text as n,
              count(*) filter (where status = 200)::text as charged
       from usage_event where access_key_id = $1`,
      [accessKeyId],
    );
    return { spendNano: BigInt(rows[0].spend), events: Number(rows[0].n), served: Number(rows[0].charged) };
  };

  it('a budget is never exceeded by 60 concurrent requests; every served request is charged once; spentUsd = Σ usage spend', async () => {
    const budgetUsd = '0.0001'; // ~3 worst cases at once; actual spend is ~1/10 of a worst case
    const key = await createAccessKey(f, null, 'budgeted', { budgetUsd, budgetPeriod: 'TOTAL' });
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hello there'), max_tokens: 40 })),
    );
    const served = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as InstanceType<typeof OpenAI.APIError>] : []));
    expect(served).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const err of refused) {
      expect(err.status).toBe(402);
      expect((err.error as { code?: string }).code).toBe('budget_exceeded');
    }
    expect(f.upstream.requests).toHaveLength(served); // nothing went upstream for a refusal

    const usage = await usageSpend(key.id);
    expect(usage.served).toBe(served);
    expect(usage.spendNano).toBeGreaterThan(0n);
    expect(usage.spendNano <= 100_000n).toBe(true); // $0.0001
    const spent = (await keyInfo(key.id)).spentUsd;
    expect(BigInt(Math.round(Number(spent) * 1e9))).toBe(usage.spendNano);
    // Credits paid only the fee (own key); spend also counts the provider cost at catalog prices.
    const { rows } = await f.server.services.sql.query<{ fee: string; total: string; provider: string }>(
      'select sum(fee_nano)::text as fee, sum(total_cost_nano)::text as total, sum(provider_cost_nano)::text as provider from usage_event where access_key_id = $1',
      [key.id],
    );
    expect(rows[0].total).toBe(rows[0].fee);
    expect(BigInt(rows[0].provider)).toBeGreaterThan(0n);
  });

  it('an image by URL is held at its model’s image ceiling: a budget its real cost would overshoot refuses it before it goes upstream', async () => {
    // gpt-4o-mini bills a 6-tile image at 2,833 + 6 × 5,667 tokens: $0.0055 at $0.15 per million,
    // while the request body is a hundred bytes. The hold (48,169 tokens for the image) covers it.
    const imageTokens = 2_833 + 6 * 5_667;
    const answer = {
      id: 'chatcmpl-image',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'a cat' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: imageTokens + 10, completion_tokens: 3 },
    };
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] },
    ];
    const small = await createAccessKey(f, null, 'image budget small', { budgetUsd: '0.005', budgetPeriod: 'TOTAL' });
    const refusedClient = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: small.token, maxRetries: 0 });
    f.upstream.script({ kind: 'status', status: 200, body: answer });
    const refusal = await refusedClient.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 10 }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(((refusal as InstanceType<typeof OpenAI.APIError>).error as { code?: string }).code).toBe('budget_exceeded');
    expect(f.upstream.requests).toHaveLength(0);
    expect((await keyInfo(small.id)).spentUsd).toBe('0.00');

    f.upstream.reset();
    const enough = await createAccessKey(f, null, 'image budget enough', { budgetUsd: '0.02', budgetPeriod: 'TOTAL' });
    const servedClient = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: enough.token, maxRetries: 0 });
    f.upstream.script({ kind: 'status', status: 200, body: answer });
    const served = await servedClient.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 10 });
    expect(served.usage?.prompt_tokens).toBe(imageTokens + 10);
    const usage = await usageSpend(enough.id);
    // (36,845 × $0.15 + 3 × $0.60) per million, plus the fee on 36,848 tokens.
    expect(usage.spendNano).toBe(36_845n * 150n + 3n * 600n + 36_848n * 50n);
    expect(BigInt(Math.round(Number((await keyInfo(enough.id)).spentUsd) * 1e9))).toBe(usage.spendNano);
  });

  it('a computer-use screenshot by URL (Responses computer_call_output) is held as an image too', async () => {
    // The screenshot is an object, not a list of parts: a walk of lists only held it at its
    // ~30 bytes of text, so a nearly spent budget let any number of them through.
    const small = await createAccessKey(f, null, 'screenshot budget small', { budgetUsd: '0.005', budgetPeriod: 'TOTAL' });
    const client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: small.token, maxRetries: 0 });
    const refusal = await client.responses
      .create({
        model: 'gpt-4o-mini',
        max_output_tokens: 16,
        input: [
          { type: 'computer_call', id: 'cu_1', call_id: 'call_1', action: { type: 'screenshot' }, pending_safety_checks: [], status: 'completed' },
          { type: 'computer_call_output', call_id: 'call_1', output: { type: 'computer_screenshot', image_url: 'https://example.com/screen.png' } },
        ],
      })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(((refusal as InstanceType<typeof OpenAI.APIError>).error as { code?: string }).code).toBe('budget_exceeded');
    expect(f.upstream.requests).toHaveLength(0);
  });

  it('a chat request for n answers is held at n answers’ output: n: 128 cannot overdraw a budget one answer fits', async () => {
    // One answer's worst case (40 tokens out) is ~$0.00003, within the $0.0001 budget; 128 of them
    // are ~$0.0033, which OpenAI bills in full (completion_tokens counts every choice).
    const key = await createAccessKey(f, null, 'many choices', { budgetUsd: '0.0001', budgetPeriod: 'TOTAL' });
    const client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 });
    const refusal = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 40, n: 128 }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect((refusal as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(((refusal as InstanceType<typeof OpenAI.APIError>).error as { code?: string }).code).toBe('budget_exceeded');
    expect(f.upstream.requests).toHaveLength(0);
    // One answer still fits.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 40 });
    expect(f.upstream.requests).toHaveLength(1);
  });

  it('a DAY budget refuses within the day and starts over at midnight UTC; a request counts in the day it was admitted', async () => {
    clock = Date.parse('2026-09-30T23:59:00Z');
    // One request's worst case fits, two do not.
    const key = await createAccessKey(f, null, 'daily', { budgetUsd: '0.0001', budgetPeriod: 'DAY' });
    const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: key.token, maxRetries: 0 });
    const ask = () => anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: user('hi') });
    await ask();
    let refusedToday = 0;
    for (let i = 0; i < 6; i++) await ask().catch((err: InstanceType<typeof Anthropic.APIError>) => {
      expect(err.status).toBe(402);
      expect(err.message).toContain('budget_exceeded');
      refusedToday++;
    });
    expect(refusedToday).toBeGreaterThan(0);
    const before = await keyInfo(key.id);
    expect(before.periodResetsAt).toBe('2026-10-01T00:00:00.000Z');
    clock = Date.parse('2026-10-01T00:00:01Z');
    await f.server.services.usage.flush();
    expect((await keyInfo(key.id)).spentUsd).toBe('0.00'); // a new day
    await ask(); // allowed again
    await f.server.services.usage.flush();
    const after = await keyInfo(key.id);
    expect(Number(after.spentUsd)).toBeGreaterThan(0);
    expect(after.periodResetsAt).toBe('2026-10-02T00:00:00.000Z');
    const days = await f.server.services.sql.query<{ day: string }>(
      `select to_char(day, 'YYYY-MM-DD') as day from access_key_spend where access_key_id = $1 order by day`,
      [key.id],
    );
    expect(days.rows.map((r) => r.day)).toEqual(['2026-09-30', '2026-10-01']);
  });

  it('an expired key answers invalid_api_key saying it expired, on every route', async () => {
    const key = await createAccessKey(f, null, 'expiring', { expiresAt: new Date(clock + 3_600_000).toISOString() });
    expect((await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: key.token })).status).toBe(200);
    clock += 2 * 3_600_000;
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }],
      ['/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 5, messages: user('hi') }],
    ] as const) {
      const res = await postV1(f, path, body, { token: key.token });
      expect(res.status).toBe(401);
      expect(res.text).toContain('invalid_api_key');
      expect(res.text).toContain('expired');
    }
    const models = await fetch(`${f.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key.token}` } });
    expect(models.status).toBe(401);
  });

  describe('account token caps', () => {
    const setCaps = (input: { maxInputTokens?: number | null; maxOutputTokens?: number | null }) =>
      gqlOk(f.baseUrl, 'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id } }', { input }, f.account.token);
    let token: string;
    beforeAll(async () => {
      await setCaps({ maxOutputTokens: 50, maxInputTokens: 40 });
      token = (await createAccessKey(f, null, 'capped')).token;
    });
    afterAll(() => setCaps({ maxOutputTokens: null, maxInputTokens: null }));

    it('sends requests asking for more output, or not saying, with the cap — chat, responses, messages', async () => {
      const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
      const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), max_tokens: 500 });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), max_completion_tokens: 10 });
      await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
      await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', max_output_tokens: 9000 });
      await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 4096, messages: user('hi') });
      await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, messages: user('hi') });
      const sent = f.upstream.requests.map((r) => r.body as Record<string, unknown>);
      expect(sent.map((b) => b.max_completion_tokens ?? b.max_tokens ?? b.max_output_tokens)).toEqual([50, 50, 10, 50, 50, 50, 20]);
      expect(sent[0]).toHaveProperty('max_completion_tokens', 50);
      expect(sent[1]).toHaveProperty('max_tokens', 50);
      expect(sent[3]).toHaveProperty('max_output_tokens', 50);
      expect(sent[5]).toHaveProperty('max_tokens', 50);
    });

    it('keeps a thinking budget under the capped max_tokens (Anthropic refuses one that is not below it): lowered, or removed and named', async () => {
      const thinkingAt = (budget: number) => ({ model: 'claude-haiku-4-5', max_tokens: 20_000, thinking: { type: 'enabled', budget_tokens: budget }, messages: user('hi') });
      // Cap 50: no budget fits (Anthropic's minimum is 1,024).
      const removed = await postV1(f, '/v1/messages', thinkingAt(2000), { token });
      expect(removed.status).toBe(200);
      expect(removed.headers.get('x-gateway-removed-params')).toBe('thinking');
      expect(f.upstream.requests[0].body).toMatchObject({ max_tokens: 50 });
      expect(f.upstream.requests[0].body).not.toHaveProperty('thinking');

      await setCaps({ maxOutputTokens: 3000 });
      try {
        f.upstream.reset();
        for (const budget of [16_000, 2000]) expect((await postV1(f, '/v1/messages', thinkingAt(budget), { token })).status).toBe(200);
        // Too large: lowered to leave room for an answer; already under the cap: as sent.
        expect(f.upstream.requests.map((r) => r.body)).toMatchObject([
          { max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1976 } },
          { max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 2000 } },
        ]);
        // An OpenAI client's reasoning served by Anthropic stays under the cap too.
        f.upstream.reset();
        const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
        await openai.chat.completions.create({ model: 'anthropic:claude-haiku-4-5', messages: user('hi'), reasoning_effort: 'high' });
        expect(f.upstream.requests[0].body).toMatchObject({ max_tokens: 3000, thinking: { budget_tokens: 1976 } });
      } finally {
        await setCaps({ maxOutputTokens: 50 });
      }
    });

    it('refuses estimated input above maxInputTokens with request_too_large in each format, nothing upstream', async () => {
      const long = 'lorem ipsum dolor sit amet '.repeat(40);
      for (const [path, body] of [
        ['/v1/chat/completions', { model: 'gpt-4o-mini', messages: user(long) }],
        ['/v1/responses', { model: 'gpt-4o-mini', input: long }],
        ['/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 5, messages: user(long) }],
      ] as const) {
        const res = await postV1(f, path, body, { token });
        expect(res.status, path).toBe(413);
        expect(res.text).toContain('request_too_large');
        expect(res.text).toContain('maxInputTokens');
      }
      expect(f.upstream.requests).toHaveLength(0);
      const events = (await readUsageEvents(f)).filter((e) => e.errorCode === 'request_too_large');
      expect(events.length).toBeGreaterThanOrEqual(3);
    });
  });
});
