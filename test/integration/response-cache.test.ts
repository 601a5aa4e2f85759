import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { createAccessKey, createConfiguration, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount, postV1, usageEventFor } from '../support/v1-client.js';

const cached = { enabled: true, ttlSeconds: 60 };

describe('response cache (in-process store)', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let uncachedToken: string;
  let n = 0;
  /** A prompt no earlier test used, so each test starts with a miss. */
  const fresh = () => `question ${++n} at ${Date.now()}`;

  beforeAll(async () => {
    // Gateway credentials, so a miss costs the provider's price and a hit visibly does not.
    f = await startGatewayFixture({ MANAGED_OPENAI_API_KEY: 'sk-managed', MANAGED_ANTHROPIC_API_KEY: 'sk-ant-managed' });
    await fundAccount(f.baseUrl, f.account.token);
    token = (await createAccessKey(f, await createConfiguration(f, { name: 'cached', cache: cached }))).token;
    uncachedToken = (await createAccessKey(f, null, 'uncached')).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('chat.completions: a repeat is answered from the cache, byte for byte, without an upstream call', async () => {
    const content = fresh();
    const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data).toEqual(first.data);
    expect(second.response.headers.get('x-gateway-provider')).toBe('openai');
    expect(second.response.headers.get('x-gateway-model')).toBe('gpt-4o-mini');
    expect(second.response.headers.get('x-gateway-attempts')).toBe('0');
    expect(f.upstream.requests).toHaveLength(1);
  });

  it('chat.completions stream: replayed as the same SSE stream the SDK reads', async () => {
    const content = fresh();
    const read = async () => {
      const { data: stream, response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let usage: unknown;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, usage, cache: response.headers.get('x-gateway-cache'), type: response.headers.get('content-type') };
    };
    const miss = await read();
    const hit = await read();
    expect(miss).toMatchObject({ cache: 'miss', text: 'Hello from fake gpt-4o-mini' });
    expect(hit).toEqual({ ...miss, cache: 'hit' });
    expect(hit.type).toContain('text/event-stream');
    expect(f.upstream.requests).toHaveLength(1);
  });

  it('a streaming and a non-streaming request never share an entry', async () => {
    const content = fresh();
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    const { response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true }).withResponse();
    expect(response.headers.get('x-gateway-cache')).toBe('miss');
  });

  it('responses, stream and not', async () => {
    const input = fresh();
    const a = await openai.responses.create({ model: 'gpt-4o-mini', input }).withResponse();
    const b = await openai.responses.create({ model: 'gpt-4o-mini', input }).withResponse();
    expect([a.response.headers.get('x-gateway-cache'), b.response.headers.get('x-gateway-cache')]).toEqual(['miss', 'hit']);
    expect(b.data.output_text).toBe(a.data.output_text);
    const readStream = async () => {
      const { data: stream, response } = await openai.responses.create({ model: 'gpt-4o-mini', input, stream: true }).withResponse();
      let text = '';
      let completed = false;
      for await (const ev of stream) {
        if (ev.type === 'response.output_text.delta') text += ev.delta;
        if (ev.type === 'response.completed') completed = true;
      }
      return { text, completed, cache: response.headers.get('x-gateway-cache') };
    };
    expect(await readStream()).toEqual({ text: 'Hello from fake gpt-4o-mini', completed: true, cache: 'miss' });
    expect(await readStream()).toEqual({ text: 'Hello from fake gpt-4o-mini', completed: true, cache: 'hit' });
    expect(f.upstream.requests).toHaveLength(2);
  });

  it('messages (Anthropic SDK), stream and not, including a cross-format answer', async () => {
    const content = fresh();
    const ask = () => anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content }] }).withResponse();
    const a = await ask();
    const b = await ask();
    expect([a.response.headers.get('x-gateway-cache'), b.response.headers.get('x-gateway-cache')]).toEqual(['miss', 'hit']);
    expect(b.data).toEqual(a.data);
    // Served by an OpenAI-format model: the stored stream is the translated one, in the caller's format.
    const streamed = async () => {
      const { data: stream, response } = await anthropic.messages
        .create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content }], stream: true })
        .withResponse();
      let text = '';
      const types: string[] = [];
      for await (const ev of stream) {
        types.push(ev.type);
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      }
      return { text, types, cache: response.headers.get('x-gateway-cache') };
    };
    const miss = await streamed();
    const hit = await streamed();
    expect(miss.cache).toBe('miss');
    expect(hit).toEqual({ ...miss, cache: 'hit' });
    expect(hit.types.at(-1)).toBe('message_stop');
    expect(f.upstream.requests).toHaveLength(2);
  });

  it('keys on the canonical body: key order does not matter, any other field does', async () => {
    const content = fresh();
    const messages = [{ role: 'user', content }];
    await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', temperature: 0, messages }, { token });
    const reordered = await postV1(f, '/v1/chat/completions', { messages, temperature: 0, model: 'gpt-4o-mini' }, { token });
    expect(reordered.headers.get('x-gateway-cache')).toBe('hit');
    const changed = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', temperature: 0.5, messages }, { token });
    expect(changed.headers.get('x-gateway-cache')).toBe('miss');
    const otherRoute = await postV1(f, '/v1/messages', { model: 'gpt-4o-mini', max_tokens: 64, messages }, { token });
    expect(otherRoute.headers.get('x-gateway-cache')).toBe('miss');
  });

  it('cache-control: no-cache bypasses the cache and refreshes the entry', async () => {
    const content = fresh();
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] };
    await postV1(f, '/v1/chat/completions', body, { token });
    const bypass = await postV1(f, '/v1/chat/completions', body, { token, headers: { 'cache-control': 'no-cache' } });
    expect(bypass.headers.get('x-gateway-cache')).toBe('bypass');
    expect(f.upstream.requests).toHaveLength(2);
    expect((await postV1(f, '/v1/chat/completions', body, { token })).headers.get('x-gateway-cache')).toBe('hit');
  });

  it('never stores errors or incomplete streams', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: fresh() }] };
    f.upstream.script({ kind: 'status', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } });
    expect((await postV1(f, '/v1/chat/completions', body, { token })).status).toBe(400);
    const after = await postV1(f, '/v1/chat/completions', body, { token });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-gateway-cache')).toBe('miss');

    const streamBody = { ...body, messages: [{ role: 'user', content: fresh() }], stream: true };
    f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 2 });
    const cut = await postV1(f, '/v1/chat/completions', streamBody, { token });
    expect(cut.text).not.toContain('[DONE]');
    const again = await postV1(f, '/v1/chat/completions', streamBody, { token });
    expect(again.headers.get('x-gateway-cache')).toBe('miss');
    expect(again.text).toContain('[DONE]');
  });

  it('bills a hit the processing fee only and records cacheHit', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: fresh() }] };
    const miss = await postV1(f, '/v1/chat/completions', body, { token });
    const hit = await postV1(f, '/v1/chat/completions', body, { token });
    const missEvent = JSON.parse((await usageEventFor(f, miss.headers.get('x-request-id'))).raw) as Record<string, unknown>;
    const hitEvent = JSON.parse((await usageEventFor(f, hit.headers.get('x-request-id'))).raw) as Record<string, unknown>;
    expect(missEvent).toMatchObject({ cache_hit: false, key_source: 'gateway' });
    expect(BigInt(String(missEvent.upstream_cost_nano))).toBeGreaterThan(0n);
    const tokens = BigInt(Number(hitEvent.input_tokens) + Number(hitEvent.output_tokens));
    expect(hitEvent).toMatchObject({ cache_hit: true, status: 200, provider: 'openai', model: 'gpt-4o-mini', key_source: null, provider_key_id: null });
    expect(hitEvent.input_tokens).toBe(missEvent.input_tokens);
    expect(BigInt(String(hitEvent.fee_nano))).toBe(50n * tokens);
    expect(BigInt(String(hitEvent.upstream_cost_nano))).toBe(0n);
    expect(BigInt(String(hitEvent.total_cost_nano))).toBe(50n * tokens);
    const listed = await gqlOk<{ usageEvents: { nodes: { requestId: string; cacheHit: boolean; totalCostUsd: string }[] } }>(
      f.baseUrl,
      'query { usageEvents(first: 100) { nodes { requestId cacheHit totalCostUsd } } }',
      {},
      f.account.token,
    );
    expect(listed.usageEvents.nodes.find((e) => e.requestId === hit.headers.get('x-request-id'))?.cacheHit).toBe(true);

    // Summaries count hits too: from the rollups for the account, from the event for one request.
    const summary = async (filter: Record<string, unknown> | null) =>
      (
        await gqlOk<{ usageSummary: { requests: number; cacheHits: number }[] }>(
          f.baseUrl,
          'query($from: DateTime!, $filter: UsageFilter) { usageSummary(from: $from, groupBy: DAY, filter: $filter) { requests cacheHits } }',
          { from: new Date(Date.now() - 3_600_000).toISOString(), filter },
          f.account.token,
        )
      ).usageSummary.reduce((n, b) => n + b.cacheHits, 0);
    expect(await summary(null)).toBe(listed.usageEvents.nodes.filter((e) => e.cacheHit).length);
    expect(await summary({ requestId: hit.headers.get('x-request-id') })).toBe(1);
    expect(await summary({ requestId: miss.headers.get('x-request-id') })).toBe(0);
  });

  it('is off unless the configuration enables it, and never shared across accounts', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: fresh() }] };
    await postV1(f, '/v1/chat/completions', body, { token });
    const plain = await postV1(f, '/v1/chat/completions', body, { token: uncachedToken });
    expect(plain.headers.get('x-gateway-cache')).toBeNull();

    const other = await signUpAccount(f.baseUrl);
    await fundAccount(f.baseUrl, other.token);
    const { createAccessKeyConfiguration } = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      f.baseUrl,
      'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
      { input: { name: 'cached', cache: cached } },
      other.token,
    );
    const { createAccessKey } = await gqlOk<{ createAccessKey: { token: string } }>(
      f.baseUrl,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }',
      { input: { name: 'k', configurationId: createAccessKeyConfiguration.id } },
      other.token,
    );
    const theirs = await postV1(f, '/v1/chat/completions', body, { token: createAccessKey.token });
    expect(theirs.headers.get('x-gateway-cache')).toBe('miss');
  });

  it('expires entries after the TTL and refuses a TTL out of range', async () => {
    const short = (await createAccessKey(f, await createConfiguration(f, { name: 'short ttl', cache: { enabled: true, ttlSeconds: 1 } }), 'short')).token;
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: fresh() }] };
    await postV1(f, '/v1/chat/completions', body, { token: short });
    expect((await postV1(f, '/v1/chat/completions', body, { token: short })).headers.get('x-gateway-cache')).toBe('hit');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await postV1(f, '/v1/chat/completions', body, { token: short })).headers.get('x-gateway-cache')).toBe('miss');

    const err = await gqlErr(
      f.baseUrl,
      'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
      { input: { name: 'bad', cache: { enabled: true, ttlSeconds: 0 } } },
      f.account.token,
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toContain('cache.ttlSeconds');
  });

  it('turning the cache off reaches /v1 at once', async () => {
    const configurationId = await createConfiguration(f, { name: 'toggle', cache: cached });
    const key = (await createAccessKey(f, configurationId, 'toggle')).token;
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: fresh() }] };
    await postV1(f, '/v1/chat/completions', body, { token: key });
    await gqlOk(
      f.baseUrl,
      'mutation($id: ID!, $input: AccessKeyConfigurationInput!) { updateAccessKeyConfiguration(id: $id, input: $input) { id } }',
      { id: configurationId, input: { name: 'toggle' } },
      f.account.token,
    );
    const after = await postV1(f, '/v1/chat/completions', body, { token: key });
    expect(after.headers.get('x-gateway-cache')).toBeNull();
    expect(f.upstream.requests).toHaveLength(2);
  });

  it('is bypassed when a firewall policy redacts the request and restores the answer', async () => {
    const policy = await gqlOk<{ createFirewallPolicy: { id: string } }>(
      f.baseUrl,
      `mutation { createFirewallPolicy(input: { name: "pii", mode: ENFORCE, onError: BLOCK,
        rules: [{ kind: REDACT_PII, piiTypes: [EMAIL], restoreInResponse: true }] }) { id } }`,
      {},
      f.account.token,
    );
    const key = (
      await createAccessKey(f, await createConfiguration(f, { name: 'pii cached', cache: cached, firewallPolicyIds: [policy.createFirewallPolicy.id] }), 'pii')
    ).token;
    // Both redact to the same placeholder body: sharing an entry would hand one the other's restored answer.
    for (const email of ['ada@example.com', 'grace@example.com']) {
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${email}` }] }, { token: key });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-cache')).toBe('bypass');
    }
    expect(f.upstream.requests).toHaveLength(2);
  });
});
