import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccount, usageCost } from '../support/credits.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { gqlOk } from '../support/graphql.js';
import { postV1 } from '../support/v1-client.js';

/**
 * Issue 12 item 4: a bare id the catalog lacks resolves when a provider the key may use lists it
 * in its own `GET /models`, fetched with the credential the request would use and cached; typos
 * stay `model_unknown` with a suggestion, and a failing list call is `model_unknown`, not a 500.
 */

const user = (content: string) => [{ role: 'user' as const, content }];
const isListing = (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith('/models');

describe('bare ids from the providers’ own model lists', () => {
  let f: GatewayFixture;

  beforeAll(async () => {
    f = await startGatewayFixture();
  });
  afterAll(async () => {
    await f?.stop();
  });
  beforeEach(() => {
    f.upstream.reset();
    f.upstream.models = ['fake-model', 'gpt-brand-new', 'claude-brand-new'];
  });

  const listings = () => f.upstream.requests.filter(isListing);
  const account = (providerKeys: Record<string, string>) => createAccount(f, { purchaseUsd: '10.00', providerKeys });
  /** A new access key of the session's account under a new configuration (`input`): its token. */
  const limitedKey = async (session: string, input: { name: string; allowedProviders?: string[]; allowedModels?: string[] }) => {
    const config = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      f.baseUrl,
      'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
      { input },
      session,
    );
    const key = await gqlOk<{ createAccessKey: { token: string } }>(
      f.baseUrl,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }',
      { input: { name: 'limited', description: null, configurationId: config.createAccessKeyConfiguration.id } },
      session,
    );
    return key.createAccessKey.token;
  };

  it('serves a listed model through the OpenAI SDK, listed with the request’s own key, billed the fee only', async () => {
    const a = await account({ openai: 'sk-list-openai-1' });
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
    const { data, response } = await openai.chat.completions.create({ model: 'GPT-Brand-New', messages: user('hi') }).withResponse();
    expect(data.choices[0].message.content).toBe('Hello from fake gpt-brand-new');
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-model')).toBe('gpt-brand-new');

    // One list call, on the openai base URL, with the account's own openai key.
    expect(listings().map((r) => [r.path, r.credential])).toEqual([['/openai/v1/models', 'sk-list-openai-1']]);
    const inference = f.upstream.requests.find((r) => r.method === 'POST');
    expect(inference).toMatchObject({ path: '/openai/v1/chat/completions', credential: 'sk-list-openai-1', body: { model: 'gpt-brand-new' } });

    // Unpriced: the processing fee only, no provider cost.
    const cost = await usageCost(f, response.headers.get('x-request-id'));
    expect(cost).toMatchObject({ status: 200, keySource: 'user', upstreamCostNano: 0n });
    expect(cost.totalCostNano).toBe(cost.feeNano);
    const [row] = await f.server.services.orm.em
      .fork()
      .execute<{ provider_cost_nano: string | null }[]>('select provider_cost_nano::text from usage_event where request_id = ?', [response.headers.get('x-request-id')]);
    expect(row.provider_cost_nano).toBeNull();
  });

  it('caches the listing: later requests (streaming, Responses) make no list call', async () => {
    const a = await account({ openai: 'sk-list-openai-2' });
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'gpt-brand-new', messages: user('hi') });
    expect(listings()).toHaveLength(1);
    let text = '';
    for await (const c of await openai.chat.completions.create({ model: 'gpt-brand-new', messages: user('hi'), stream: true })) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello from fake gpt-brand-new');
    const res = await openai.responses.create({ model: 'gpt-brand-new', input: 'hi' });
    expect(res.output_text).toBe('Hello from fake gpt-brand-new');
    expect(listings()).toHaveLength(1);
  });

  it('fetches once for concurrent cold requests (single flight)', async () => {
    const a = await account({ openai: 'sk-list-openai-3' });
    f.upstream.scriptFor(isListing, { kind: 'delay', ms: 150 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token: a.accessToken })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(listings()).toHaveLength(1);
  });

  it('keeps typos unknown with a suggestion (in the client’s format), with one list call and none after', async () => {
    const a = await account({ openai: 'sk-list-openai-4' });
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
    for (let i = 0; i < 2; i++) {
      const err = await openai.chat.completions.create({ model: 'gpt-4o-mnii', messages: user('hi') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_unknown');
      expect((err as Error).message).toContain('Did you mean "gpt-4o-mini"?');
    }
    expect(listings()).toHaveLength(1);
    expect(f.upstream.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('degrades a failing list call to model_unknown (not a 500) and does not retry it on every request', async () => {
    const a = await account({ openai: 'sk-list-openai-5' });
    f.upstream.scriptFor(isListing, { kind: 'status', status: 500 });
    for (let i = 0; i < 2; i++) {
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token: a.accessToken });
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ error: { code: 'model_unknown' } });
    }
    expect(listings()).toHaveLength(1);

    // A broken body and a refused key are the same: unknown, never an error of the gateway.
    const b = await account({ openai: 'sk-list-openai-6' });
    f.upstream.scriptFor(isListing, { kind: 'malformedJson' });
    expect((await postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token: b.accessToken })).status).toBe(404);
    const c = await account({ openai: 'sk-list-openai-7' });
    f.upstream.scriptFor(isListing, { kind: 'status', status: 401 });
    expect((await postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token: c.accessToken })).status).toBe(404);
  });

  it('lists Anthropic-format providers with x-api-key and serves the model through the Anthropic SDK', async () => {
    const a = await account({ anthropic: 'sk-ant-list-1' });
    const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: a.accessToken, maxRetries: 0 });
    const msg = await anthropic.messages.create({ model: 'claude-brand-new', max_tokens: 50, messages: user('hi') });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-brand-new' });
    const [listing] = listings();
    expect(listing).toMatchObject({ path: '/anthropic/v1/models', credential: 'sk-ant-list-1' });
    expect(listing.headers['x-api-key']).toBe('sk-ant-list-1');
    expect(listing.headers['anthropic-version']).toBe('2023-06-01');
    expect(listing.query).toContain('limit=1000');
  });

  it('asks only providers the key may use', async () => {
    const a = await account({ openai: 'sk-list-openai-8', anthropic: 'sk-ant-list-2' });
    // Only anthropic allowed: the openai listing is never fetched and the id resolves there.
    const token = await limitedKey(a.token, { name: 'anthropic only', allowedProviders: ['anthropic'] });
    const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(listings().map((r) => r.credential)).toEqual(['sk-ant-list-2']);
  });

  it('needs an own provider key: without one nothing is listed and the id stays unknown', async () => {
    const a = await account({});
    const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-brand-new', messages: user('hi') }, { token: a.accessToken });
    expect(res.status).toBe(404);
    expect(listings()).toEqual([]);
  });

  describe('GET /v1/models', () => {
    const ids = (list: { data: { id: string }[] }) => list.data.map((m) => m.id);

    it('lists what the providers list for the key’s own credentials, once each, after the catalog', async () => {
      f.upstream.models = ['gpt-brand-new', 'gpt-4o-mini', 'GPT-4o-2024-08-06'];
      const a = await account({ openai: 'sk-list-openai-9' });
      const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
      const first = await openai.models.list();
      expect(ids(first)).toContain('openai:gpt-brand-new');
      expect(first.data.find((m) => m.id === 'openai:gpt-brand-new')).toMatchObject({ object: 'model', owned_by: 'openai' });
      // A catalog model, or a dated snapshot of one, appears once: as the catalog's entry.
      expect(ids(first).filter((id) => id.toLowerCase().startsWith('openai:gpt-4o-mini'))).toEqual(['openai:gpt-4o-mini']);
      expect(ids(first).some((id) => id.toLowerCase() === 'openai:gpt-4o-2024-08-06')).toBe(false);
      expect(ids(first).indexOf('openai:gpt-brand-new')).toBeGreaterThan(ids(first).indexOf('openai:gpt-4o-mini'));
      // Without an own anthropic key nothing is asked of anthropic.
      expect(listings().map((r) => [r.path, r.credential])).toEqual([['/openai/v1/models', 'sk-list-openai-9']]);

      // Cached: the second list, one model by id (bare or prefixed) and a request make no list call.
      expect(ids(await openai.models.list())).toEqual(ids(first));
      expect(await openai.models.retrieve('gpt-brand-new')).toMatchObject({ id: 'openai:gpt-brand-new', owned_by: 'openai' });
      expect(await openai.models.retrieve('openai:gpt-brand-new')).toMatchObject({ id: 'openai:gpt-brand-new' });
      await openai.chat.completions.create({ model: 'gpt-brand-new', messages: user('hi') });
      expect(listings()).toHaveLength(1);
    });

    it('lists only the models the key’s configuration allows', async () => {
      const a = await account({ openai: 'sk-list-openai-10' });
      const token = await limitedKey(a.token, { name: 'one listed model', allowedModels: ['openai:gpt-brand-new', 'openai:gpt-4o-mini'] });
      const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
      expect(ids(await openai.models.list()).sort()).toEqual(['openai:gpt-4o-mini', 'openai:gpt-brand-new']);
      const hidden = await openai.models.retrieve('fake-model').catch((e: unknown) => e);
      expect(hidden).toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('still lists the catalog when a provider fails to list', async () => {
      const a = await account({ openai: 'sk-list-openai-11' });
      f.upstream.scriptFor(isListing, { kind: 'status', status: 500 });
      const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
      const list = ids(await openai.models.list());
      expect(list).toContain('openai:gpt-4o-mini');
      expect(list).not.toContain('openai:gpt-brand-new');
      expect(listings()).toHaveLength(1);
    });
  });
});
