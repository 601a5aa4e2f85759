import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { framePayloads, parseSseText, postV1, readUsageEvents, usageEventFor, fundAccount } from '../support/v1-client.js';

const PROMPT = 'Say hello to the gateway please';
/** The fake upstream reports ceil(prompt chars / 4) input tokens and one output token per word. */
const REPORTED_INPUT = Math.ceil(PROMPT.length / 4);

describe('/v1 routes through the official SDKs', () => {
  let f: GatewayFixture;
  let token: string;
  let accessKeyId: string;
  let openaiKeyId: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    // The managed OpenAI key makes `openai` a gateway-credential provider for the second account below.
    f = await startGatewayFixture({ MANAGED_OPENAI_API_KEY: 'sk-managed-openai' });
    await fundAccount(f.baseUrl, f.account.token);
    openaiKeyId = await createProviderKey(f, 'openai', 'sk-user-openai');
    await createProviderKey(f, 'anthropic', 'sk-ant-user');
    await createProviderKey(f, 'openrouter', 'sk-or-user');
    const key = await createAccessKey(f);
    token = key.token;
    accessKeyId = key.id;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('chat.completions non-stream: answers, sets gateway headers, uses the account key', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Hello from fake gpt-4o-mini');
    expect(data.usage?.prompt_tokens).toBe(REPORTED_INPUT);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-gateway-attempts')).toBe('1');
    expect(response.headers.get('x-gateway-rejected-models')).toBe('');
    expect(f.upstream.requests).toHaveLength(1);
    const up = f.upstream.requests[0];
    expect(up.path).toBe('/openai/v1/chat/completions');
    expect(up.credential).toBe('sk-user-openai');
    // The access key never leaves the gateway.
    expect(JSON.stringify(up.headers)).not.toContain(token);

    const ev = await usageEventFor(f, response.headers.get('x-request-id'));
    expect(ev).toMatchObject({
      accessKeyId,
      endpoint: '/v1/chat/completions',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 200,
      streamed: false,
      inputTokens: REPORTED_INPUT,
      outputTokens: 4,
      tokensEstimated: false,
      keySource: 'user',
      providerKeyId: openaiKeyId,
      errorCode: null,
    });
    expect(ev.attempts).toEqual([
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: openaiKeyId, keySource: 'user', status: 200, error: null }),
    ]);
    expect(ev.latencyMs).toBeGreaterThanOrEqual(0);
    // Bodies are never stored.
    expect(ev.raw).not.toContain(PROMPT);
    expect(ev.raw).not.toContain('Hello from fake');

    // The GraphQL view of the same event.
    const listed = await gqlOk<{ usageEvents: { nodes: Record<string, unknown>[] } }>(
      f.baseUrl,
      `query { usageEvents(first: 100) { nodes { requestId accessKeyId endpoint provider model status streamed inputTokens outputTokens
        tokensEstimated latencyMs keySource providerKeyId errorCode attempts { provider model providerKeyId keySource status error latencyMs } } } }`,
      {},
      f.account.token,
    );
    const node = listed.usageEvents.nodes.find((n) => n.requestId === ev.requestId);
    expect(node).toMatchObject({
      accessKeyId,
      endpoint: '/v1/chat/completions',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 200,
      streamed: false,
      inputTokens: REPORTED_INPUT,
      outputTokens: 4,
      tokensEstimated: false,
      latencyMs: ev.latencyMs,
      keySource: 'user',
      providerKeyId: openaiKeyId,
      errorCode: null,
      attempts: [{ provider: 'openai', model: 'gpt-4o-mini', providerKeyId: openaiKeyId, keySource: 'user', status: 200, error: null, latencyMs: ev.attempts[0].latencyMs }],
    });
  });

  it('chat.completions stream: text arrives in pieces and ends cleanly', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
    });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta?.content) pieces.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(pieces.join('')).toBe('Hello from fake gpt-4o-mini');
    expect(pieces.length).toBeGreaterThan(1);
    expect(finish).toBe('stop');
  });

  it('responses non-stream and stream', async () => {
    const res = await openai.responses.create({ model: 'gpt-4o-mini', input: PROMPT });
    expect(res.output_text).toBe('Hello from fake gpt-4o-mini');
    expect(f.upstream.requests.at(-1)?.path).toBe('/openai/v1/responses');

    const stream = await openai.responses.create({ model: 'gpt-4o-mini', input: PROMPT, stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    expect(text).toBe('Hello from fake gpt-4o-mini');
    expect(completed).toBe(true);
    expect(f.upstream.requests).toHaveLength(2);
  });

  it('messages non-stream via @anthropic-ai/sdk (x-api-key), anthropic-version forwarded', async () => {
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-sonnet-4-5' });
    expect(data.usage.input_tokens).toBe(REPORTED_INPUT);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    const up = f.upstream.requests[0];
    expect(up.path).toBe('/anthropic/v1/messages');
    expect(up.headers['x-api-key']).toBe('sk-ant-user');
    // The SDK's own anthropic-version reaches the provider (it overrides the catalog default).
    expect(up.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(up.headers.authorization).toBeUndefined();
  });

  it('messages stream via @anthropic-ai/sdk', async () => {
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: PROMPT }],
    });
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello from fake claude-sonnet-4-5');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(4);
  });

  it('models.list(): the models this key may call, as provider:model', async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toContain('openai:gpt-4o-mini');
    expect(ids).toContain('anthropic:claude-sonnet-4-5');
    expect(ids).toContain('openrouter:openai/gpt-4o-mini');
    // No key and no gateway credentials for these.
    expect(ids.some((id) => id.startsWith('google:'))).toBe(false);
    expect(ids.some((id) => id.startsWith('groq:'))).toBe(false);
    // Only the providers' own model lists are asked (for models the catalog lacks), never a model.
    expect(f.upstream.requests.every((r) => r.method === 'GET' && r.path.endsWith('/models'))).toBe(true);
  });

  it('Anthropic SDK models.list() and retrieve(): the same list, with display names (Claude Code labels its /model picker with them)', async () => {
    const models: Anthropic.ModelInfo[] = [];
    for await (const m of anthropic.models.list()) models.push(m);
    const openaiIds: string[] = [];
    for await (const m of openai.models.list()) openaiIds.push(m.id);
    expect(models.map((m) => m.id)).toEqual(openaiIds);
    expect(models.find((m) => m.id === 'anthropic:claude-sonnet-4-5')).toMatchObject({ type: 'model', display_name: 'Claude Sonnet 4.5' });
    expect(models.find((m) => m.id === 'openai:gpt-4o-mini')).toMatchObject({ type: 'model', display_name: 'GPT-4o mini' });
    expect(new Date(models[0].created_at).getTime()).toBeGreaterThan(0);
    // Without paging parameters one page holds everything (OpenAI's list takes none). With
    // Anthropic's, pages as Anthropic's API does: the SDK walks them to the same list.
    const page = await anthropic.models.list({ limit: 5 });
    expect(page.data.map((m) => m.id)).toEqual(openaiIds.slice(0, 5));
    expect(page.has_more).toBe(true);
    expect(page.last_id).toBe(openaiIds[4]);
    const walked: string[] = [];
    for await (const m of anthropic.models.list({ limit: 7 })) walked.push(m.id);
    expect(walked).toEqual(openaiIds);
    const back = await anthropic.models.list({ limit: 3, before_id: openaiIds[4] });
    expect(back.data.map((m) => m.id)).toEqual(openaiIds.slice(1, 4));
    expect(back.has_more).toBe(true);
    const last = await anthropic.models.list({ limit: 1000, after_id: openaiIds.at(-2) });
    expect(last.data.map((m) => m.id)).toEqual([openaiIds.at(-1)]);
    expect(last.has_more).toBe(false);
    await expect(anthropic.models.list({ limit: 0 })).rejects.toMatchObject({ status: 400 });
    expect(await anthropic.models.retrieve('claude-sonnet-4-5')).toMatchObject({ id: 'anthropic:claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' });
    // Errors in Anthropic's shape for the Anthropic SDK (it sends anthropic-version), so it reads the message and type.
    const unknown = (await anthropic.models.retrieve('claude-sonnet-9').catch((e: unknown) => e)) as InstanceType<typeof Anthropic.NotFoundError>;
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown.error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('model_unknown') } });
    expect(unknown.requestID).toBeTruthy();
  });

  it('models.retrieve(): one entry of the list, by provider:model or bare id; unknown ids are model_unknown', async () => {
    const listed: Record<string, unknown> = {};
    for await (const m of openai.models.list()) listed[m.id] = m;
    expect(await openai.models.retrieve('anthropic:claude-sonnet-4-5')).toEqual(listed['anthropic:claude-sonnet-4-5']);
    // OpenRouter ids hold a slash; a bare id names its default provider's entry.
    expect((await openai.models.retrieve('openrouter:openai/gpt-4o-mini')).id).toBe('openrouter:openai/gpt-4o-mini');
    expect((await openai.models.retrieve('GPT-4o-mini')).id).toBe('openai:gpt-4o-mini');

    const err = await openai.models.retrieve('gpt-4o-mnii').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.code).toBe('model_unknown');
    expect(e.message).toContain('gpt-4o-mini');
    expect(e.headers?.get('x-should-retry')).toBe('false');
    // Listed for nobody here: no key, no gateway credentials. The message says so, with no
    // suggestion (the closest catalog id would be the model itself).
    for (const id of ['google:gemini-2.5-flash', 'gemini-2.5-flash']) {
      const missing = (await openai.models.retrieve(id).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
      expect(missing).toMatchObject({ status: 404, code: 'model_unknown' });
      expect(missing.message).toContain('is not available to this access key: no provider key is configured for provider "google"');
      expect(missing.message).not.toContain('Did you mean');
    }
    // A dated snapshot of a listed catalog model, which inference serves under that id, reads as
    // its base model's entry under the asked id (Claude Code users set such ids).
    const dated = await openai.models.retrieve('claude-sonnet-4-5-20250929');
    expect(dated).toEqual({ ...(listed['anthropic:claude-sonnet-4-5'] as object), id: 'anthropic:claude-sonnet-4-5-20250929' });
    expect((await openai.models.retrieve('openai:gpt-4o-mini-2024-07-18')).id).toBe('openai:gpt-4o-mini-2024-07-18');
    await expect(openai.models.retrieve('google:gemini-2.5-flash-20250101')).rejects.toMatchObject({ status: 404, code: 'model_unknown' });
    const anonymous = await fetch(`${f.baseUrl}/v1/models/gpt-4o-mini`);
    expect(anonymous.status).toBe(401);
    // The id in the path is held to a body `model`'s rules, and a refused one is not echoed back.
    for (const [id, problem] of [
      ['%00', 'control characters'],
      ['m'.repeat(300), 'at most 256 characters'],
      ['%20%20', 'non-empty'],
    ]) {
      const res = await fetch(`${f.baseUrl}/v1/models/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_request' } });
      expect(text).toContain(problem);
      expect(text).not.toContain('m'.repeat(300));
    }
    expect(f.upstream.requests).toHaveLength(0);
  });

  it('streams through the Vercel ai SDK (streamText + createOpenAI().chat)', async () => {
    const provider = createOpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
    const result = streamText({ model: provider.chat('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
    const parts: string[] = [];
    for await (const t of result.textStream) parts.push(t);
    expect(parts.join('')).toBe('Hello from fake gpt-4o-mini');
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(REPORTED_INPUT);
    expect(usage.outputTokens).toBe(4);
  });

  it('accepts the access key from x-api-key on an OpenAI route and Bearer on /v1/messages', async () => {
    const a = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { token, viaApiKeyHeader: true });
    expect(a.status).toBe(200);
    const b = await postV1(
      f,
      '/v1/messages',
      { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { token, headers: { 'anthropic-version': '2024-02-29', 'anthropic-beta': 'tools-2024' } },
    );
    expect(b.status).toBe(200);
    expect(f.upstream.requests[1].headers).toMatchObject({ 'anthropic-version': '2024-02-29', 'anthropic-beta': 'tools-2024', 'x-api-key': 'sk-ant-user' });
    expect(f.upstream.requests[1].headers.authorization).toBeUndefined();
    expect((b.json as { content: { text: string }[] }).content[0].text).toBe('Hello from fake claude-haiku-4-5');
    // A header of one API's family reaches only providers speaking that API (translated requests included).
    const family = { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024', 'openai-beta': 'assistants=v2' };
    const toOpenai = await postV1(f, '/v1/messages', { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { token, headers: family });
    expect(toOpenai.status).toBe(200);
    const toAnthropic = await postV1(f, '/v1/chat/completions', { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }, { token, headers: family });
    expect(toAnthropic.status).toBe(200);
    const [openaiUp, anthropicUp] = f.upstream.requests.slice(2);
    expect(openaiUp.path).toBe('/openai/v1/chat/completions');
    expect(openaiUp.headers).toMatchObject({ 'openai-beta': 'assistants=v2' });
    expect(Object.keys(openaiUp.headers).filter((h) => h.startsWith('anthropic-'))).toEqual([]);
    expect(anthropicUp.path).toBe('/anthropic/v1/messages');
    expect(anthropicUp.headers).toMatchObject({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024' });
    expect(anthropicUp.headers['openai-beta']).toBeUndefined();
  });

  it('provider:model forces the provider; catalog ids are case-insensitive', async () => {
    const forced = await openai.chat.completions.create({
      model: 'openrouter:openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(forced.choices[0].message.content).toBe('Hello from fake openai/gpt-4o-mini');
    expect(f.upstream.requests[0]).toMatchObject({ path: '/openrouter/v1/chat/completions', credential: 'sk-or-user' });
    expect((f.upstream.requests[0].body as { model: string }).model).toBe('openai/gpt-4o-mini');

    const upper = await openai.chat.completions.create({ model: 'GPT-4o-Mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(upper.choices[0].message.content).toBe('Hello from fake gpt-4o-mini');
    expect((f.upstream.requests[1].body as { model: string }).model).toBe('gpt-4o-mini');
    // `models` is the gateway's own field and never goes upstream.
    await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', models: ['claude-haiku-4-5'], messages: [{ role: 'user', content: 'hi' }] }, { token });
    expect(f.upstream.requests[2].body).not.toHaveProperty('models');
  });

  it('dated model ids reach their catalog model provider unchanged; typos stay model_unknown', async () => {
    const msg = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 16, messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    expect(msg.response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(msg.response.headers.get('x-gateway-model')).toBe('claude-sonnet-4-5-20250929');
    const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini-2024-07-18', messages: [{ role: 'user', content: PROMPT }] });
    expect(chat.choices[0].message.content).toBe('Hello from fake gpt-4o-mini-2024-07-18');
    expect(f.upstream.requests.map((r) => [r.path, (r.body as { model: string }).model])).toEqual([
      ['/anthropic/v1/messages', 'claude-sonnet-4-5-20250929'],
      ['/openai/v1/chat/completions', 'gpt-4o-mini-2024-07-18'],
    ]);
    // Priced as the catalog model (a pass-through would have no provider cost).
    const ev = await usageEventFor(f, msg.response.headers.get('x-request-id'));
    expect(Number((JSON.parse(ev.raw) as { provider_cost_nano: string }).provider_cost_nano)).toBeGreaterThan(0);

    const err = await openai.chat.completions.create({ model: 'gpt-4o-mnii', messages: [{ role: 'user', content: PROMPT }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'model_unknown' });
    expect((err as Error).message).toContain('gpt-4o-mini');
    // No inference for a typo: only the providers' model lists were asked (it is in none of them).
    expect(f.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(f.upstream.requests.filter((r) => r.method !== 'POST').every((r) => r.method === 'GET' && r.path.endsWith('/models'))).toBe(true);
  });

  it('pass-through of an uncatalogued model works with the account own key', async () => {
    const res = await openai.chat.completions.create({
      model: 'openai:ft:gpt-4o-mini:acme:custom',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0].message.content).toBe('Hello from fake ft:gpt-4o-mini:acme:custom');
    expect(f.upstream.requests[0].credential).toBe('sk-user-openai');
    expect((f.upstream.requests[0].body as { model: string }).model).toBe('ft:gpt-4o-mini:acme:custom');
  });

  it('pass-through without an own key is refused even when gateway credentials exist', async () => {
    const other = await signUpAccount(f.baseUrl);
    const g = { ...f, account: other };
    await fundAccount(f.baseUrl, other.token);
    const key = await createAccessKey(g);
    // Catalogued models are served with the gateway credential…
    const ok = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { token: key.token });
    expect(ok.status).toBe(200);
    expect(f.upstream.requests[0].credential).toBe('sk-managed-openai');
    const ev = await usageEventFor(f, ok.headers.get('x-request-id'));
    expect(ev).toMatchObject({ keySource: 'gateway', providerKeyId: null, accountId: other.accountId });
    // …but an uncatalogued one needs the account's own key.
    const refused = await postV1(f, '/v1/chat/completions', { model: 'openai:my-private-finetune', messages: [{ role: 'user', content: 'hi' }] }, { token: key.token });
    expect(refused.status).toBe(404);
    expect(refused.json).toMatchObject({ error: { code: 'model_unknown', type: 'invalid_request_error' } });
    expect((refused.json as { error: { message: string } }).error.message).toMatch(/own openai provider key/);
    // Without gateway credentials for the provider it is a credentials problem.
    const groq = await postV1(f, '/v1/chat/completions', { model: 'groq:some-new-model', messages: [{ role: 'user', content: 'hi' }] }, { token: key.token });
    expect(groq.status).toBe(424);
    expect(groq.json).toMatchObject({ error: { code: 'provider_credentials_missing' } });
    expect(f.upstream.requests).toHaveLength(1);
  });

  it('stores no bodies and logs no secrets across every request above', async () => {
    const rows = await readUsageEvents(f);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.raw).not.toContain(PROMPT);
      expect(row.raw).not.toContain('Hello from fake');
      expect(row.requestId).toMatch(/\S/);
    }
    const logs = f.server.logs.join('\n');
    for (const secret of ['sk-user-openai', 'sk-ant-user', 'sk-or-user', 'sk-managed-openai', token]) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(PROMPT);
  });

  describe('stream_options.include_usage', () => {
    it('hides the injected usage chunk from a client that did not ask, but records reported tokens', async () => {
      const res = await postV1(
        f,
        '/v1/chat/completions',
        { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: PROMPT }] },
        { token },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      // The gateway asked upstream for usage on the client's behalf…
      expect((f.upstream.requests[0].body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
      const frames = parseSseText(res.text);
      expect(frames.at(-1)?.data).toBe('[DONE]');
      const payloads = framePayloads(frames);
      // …and the client never sees it.
      expect(payloads.some((p) => p.usage !== undefined && p.usage !== null)).toBe(false);
      expect(payloads.every((p) => Array.isArray(p.choices) && (p.choices as unknown[]).length > 0)).toBe(true);
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev).toMatchObject({ streamed: true, inputTokens: REPORTED_INPUT, outputTokens: 4, tokensEstimated: false, status: 200 });
    });

    it('passes the usage chunk to a client that asked for it', async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: PROMPT }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      expect(usage).toMatchObject({ prompt_tokens: REPORTED_INPUT, completion_tokens: 4 });
    });

    it('estimates tokens (tokensEstimated) when the provider reports none', async () => {
      f.upstream.script({ kind: 'ok', usage: false });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }, { token });
      expect(res.status).toBe(200);
      expect(res.json).not.toHaveProperty('usage');
      const ev = await usageEventFor(f, res.headers.get('x-request-id'));
      expect(ev.tokensEstimated).toBe(true);
      expect(ev.inputTokens).toBeGreaterThan(0);
      expect(ev.outputTokens).toBeGreaterThan(0);

      f.upstream.script({ kind: 'ok', usage: false });
      const s = await postV1(f, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: PROMPT }] }, { token });
      expect(s.status).toBe(200);
      const sev = await usageEventFor(f, s.headers.get('x-request-id'));
      expect(sev).toMatchObject({ streamed: true, tokensEstimated: true, endpoint: '/v1/messages', provider: 'anthropic' });
      expect(sev.outputTokens).toBeGreaterThan(0);
    });
  });
});
