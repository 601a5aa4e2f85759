import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import {
  createAccessKey,
  createConfiguration,
  createProviderKey,
  startGatewayFixture,
  type GatewayFixture,
} from '../support/gateway-fixture.js';
import { fundAccount, postV1, usageEventFor } from '../support/v1-client.js';

const CREATE = `mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id name description strategy targets { model weight } } }`;
const UPDATE = `mutation($id: ID!, $input: VirtualModelInput!) { updateVirtualModel(id: $id, input: $input) { id name strategy targets { model weight } } }`;
const DELETE = `mutation($id: ID!) { deleteVirtualModel(id: $id) }`;
const LIST = `query { virtualModels(first: 100) { nodes { id name strategy targets { model weight } } pageInfo { hasNextPage endCursor } } }`;

interface Vm {
  id: string;
  name: string;
  strategy: string;
  targets: { model: string; weight: number }[];
}

describe('virtual models', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  const create = async (input: Record<string, unknown>, session = f.account.token): Promise<Vm> =>
    (await gqlOk<{ createVirtualModel: Vm }>(f.baseUrl, CREATE, { input }, session)).createVirtualModel;

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-user-openai');
    await createProviderKey(f, 'anthropic', 'sk-ant-user');
    token = (await createAccessKey(f)).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
    await create({ name: 'smart', description: 'Claude first', targets: [{ model: 'anthropic:claude-sonnet-4-5' }, { model: 'gpt-4o-mini' }] });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('GraphQL', () => {
    it('creates, lists, replaces the targets of and deletes a virtual model', async () => {
      const vm = await create({ name: 'crud.test_1', strategy: 'WEIGHTED', targets: [{ model: 'gpt-4o', weight: 3 }, { model: 'openai:gpt-4o-mini' }] });
      expect(vm).toMatchObject({ name: 'crud.test_1', strategy: 'WEIGHTED', targets: [{ model: 'gpt-4o', weight: 3 }, { model: 'openai:gpt-4o-mini', weight: 1 }] });
      const listed = (await gqlOk<{ virtualModels: { nodes: Vm[] } }>(f.baseUrl, LIST, {}, f.account.token)).virtualModels.nodes;
      expect(listed.map((v) => v.name)).toContain('crud.test_1');

      const updated = (
        await gqlOk<{ updateVirtualModel: Vm }>(f.baseUrl, UPDATE, { id: vm.id, input: { name: 'crud.test_1', targets: [{ model: 'claude-sonnet-4-5' }] } }, f.account.token)
      ).updateVirtualModel;
      expect(updated).toMatchObject({ strategy: 'ORDERED', targets: [{ model: 'claude-sonnet-4-5', weight: 1 }] });

      expect((await gqlOk<{ deleteVirtualModel: boolean }>(f.baseUrl, DELETE, { id: vm.id }, f.account.token)).deleteVirtualModel).toBe(true);
      expect((await gqlErr(f.baseUrl, DELETE, { id: vm.id }, f.account.token)).code).toBe('NOT_FOUND');
    });

    it.each([
      ['Upper', 'lower-case'],
      ['has:colon', '":"'],
      ['-leading', 'lower-case'],
      ['gpt-4o', 'catalog model id'],
      ['GPT-4O', 'lower-case'],
      ['gpt-4o-mini-2024-07-18', 'catalog model id'],
      ['claude-sonnet-4-5-20250929', 'catalog model id'],
      ['x'.repeat(65), 'at most 64'],
    ])('refuses the name %j (BAD_USER_INPUT)', async (name, message) => {
      const err = await gqlErr(f.baseUrl, CREATE, { input: { name, targets: [{ model: 'gpt-4o' }] } }, f.account.token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toContain(message);
    });

    it('refuses a taken name with CONFLICT, on create and on rename', async () => {
      expect((await gqlErr(f.baseUrl, CREATE, { input: { name: 'smart', targets: [{ model: 'gpt-4o' }] } }, f.account.token)).code).toBe('CONFLICT');
      const other = await create({ name: 'rename-me', targets: [{ model: 'gpt-4o' }] });
      const err = await gqlErr(f.baseUrl, UPDATE, { id: other.id, input: { name: 'smart', targets: [{ model: 'gpt-4o' }] } }, f.account.token);
      expect(err.code).toBe('CONFLICT');
    });

    it('refuses unknown, nested, duplicate and zero-weight-only targets with a message naming each', async () => {
      const err = await gqlErr(
        f.baseUrl,
        CREATE,
        { input: { name: 'bad-targets', targets: [{ model: 'nope:model' }, { model: 'smart' }, { model: 'gpt-4o' }, { model: 'GPT-4o' }] } },
        f.account.token,
      );
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toContain('targets[0].model: unknown provider "nope"');
      expect(err.message).toContain('targets[1].model: "smart" is not a catalog model id');
      expect(err.message).toContain('targets[3].model: duplicate target');
      const zero = await gqlErr(f.baseUrl, CREATE, { input: { name: 'zero', strategy: 'WEIGHTED', targets: [{ model: 'gpt-4o', weight: 0 }] } }, f.account.token);
      expect(zero.message).toContain('WEIGHTED needs at least one target with a weight above 0');
      const empty = await gqlErr(f.baseUrl, CREATE, { input: { name: 'empty', targets: [] } }, f.account.token);
      expect(empty.message).toContain('at least one target');
    });

    it('keeps accounts apart: another account sees none and cannot touch one by id; names are per account', async () => {
      const other = await signUpAccount(f.baseUrl);
      const mine = (await gqlOk<{ virtualModels: { nodes: Vm[] } }>(f.baseUrl, LIST, {}, f.account.token)).virtualModels.nodes;
      expect((await gqlOk<{ virtualModels: { nodes: Vm[] } }>(f.baseUrl, LIST, {}, other.token)).virtualModels.nodes).toEqual([]);
      const input = { name: 'smart', targets: [{ model: 'gpt-4o' }] };
      expect((await gqlErr(f.baseUrl, UPDATE, { id: mine[0].id, input }, other.token)).code).toBe('NOT_FOUND');
      expect((await gqlErr(f.baseUrl, DELETE, { id: mine[0].id }, other.token)).code).toBe('NOT_FOUND');
      // The same name in another account is fine.
      expect((await gqlOk<{ createVirtualModel: Vm }>(f.baseUrl, CREATE, { input }, other.token)).createVirtualModel.name).toBe('smart');
    });
  });

  describe('/v1', () => {
    it('chat.completions: a virtual model as `model` is served by its first target, named in x-gateway-virtual-model and the usage event', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(data.choices[0].message.content).toBe('Hello from fake claude-sonnet-4-5');
      expect(response.headers.get('x-gateway-virtual-model')).toBe('smart');
      expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', status: 200 });
      expect(JSON.parse(ev.raw)).toMatchObject({ virtual_model: 'smart', cache_hit: false });
      const listed = await gqlOk<{ usageEvents: { nodes: { requestId: string; virtualModel: string | null }[] } }>(
        f.baseUrl,
        'query { usageEvents(first: 100) { nodes { requestId virtualModel } } }',
        {},
        f.account.token,
      );
      expect(listed.usageEvents.nodes.find((n) => n.requestId === ev.requestId)?.virtualModel).toBe('smart');
    });

    it('falls back through the targets in order', async () => {
      f.upstream.script({ kind: 'status', status: 503 });
      const stream = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Hello from fake gpt-4o-mini');
      expect(f.upstream.requests.map((r) => r.path)).toEqual(['/anthropic/v1/messages', '/openai/v1/chat/completions']);
    });

    it('responses (stream and not) and messages (stream and not) accept a virtual model too', async () => {
      await create({ name: 'mini', targets: [{ model: 'openai:gpt-4o-mini' }] });
      const r = await openai.responses.create({ model: 'mini', input: 'hi' }).withResponse();
      expect(r.data.output_text).toBe('Hello from fake gpt-4o-mini');
      expect(r.response.headers.get('x-gateway-virtual-model')).toBe('mini');
      const rs = await openai.responses.create({ model: 'mini', input: 'hi', stream: true });
      let rText = '';
      for await (const ev of rs) if (ev.type === 'response.output_text.delta') rText += ev.delta;
      expect(rText).toBe('Hello from fake gpt-4o-mini');

      const m = await anthropic.messages.create({ model: 'smart', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      expect(m.data.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-sonnet-4-5' });
      expect(m.response.headers.get('x-gateway-virtual-model')).toBe('smart');
      const ms = anthropic.messages.stream({ model: 'smart', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
      const final = await ms.finalMessage();
      expect(final.content[0]).toMatchObject({ text: 'Hello from fake claude-sonnet-4-5' });
    });

    it('a virtual model in `models` is a fallback after the primary model', async () => {
      f.upstream.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o', models: ['smart'], messages: [{ role: 'user', content: 'hi' }] }, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-virtual-model')).toBe('smart');
      // gpt-4o failed, then smart's first target (claude) failed, then its second served.
      expect(f.upstream.requests.map((r) => (r.body as { model: string }).model)).toEqual(['gpt-4o', 'claude-sonnet-4-5', 'gpt-4o-mini']);
    });

    it('skips targets the key may not use and names them in x-gateway-rejected-models', async () => {
      const configurationId = await createConfiguration(f, { name: 'openai only', allowedProviders: ['openai'] });
      const limited = (await createAccessKey(f, configurationId, 'limited')).token;
      const res = await postV1(f, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: 'hi' }] }, { token: limited });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-rejected-models')).toBe(encodeURIComponent('anthropic:claude-sonnet-4-5'));
      expect(res.headers.get('x-gateway-provider')).toBe('openai');
      expect(f.upstream.requests).toHaveLength(1);

      const none = await createConfiguration(f, { name: 'google only', allowedProviders: ['google'] });
      const blocked = await postV1(f, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: 'hi' }] }, { token: (await createAccessKey(f, none, 'g')).token });
      expect(blocked.status).toBe(403);
      expect((blocked.json as { error: { code: string } }).error.code).toBe('provider_not_allowed');
    });

    it('an edit reaches /v1 at once; a deleted virtual model is an unknown model', async () => {
      const vm = await create({ name: 'editable', targets: [{ model: 'gpt-4o-mini' }] });
      const ask = () => postV1(f, '/v1/chat/completions', { model: 'editable', messages: [{ role: 'user', content: 'hi' }] }, { token });
      expect((await ask()).headers.get('x-gateway-model')).toBe('gpt-4o-mini');
      await gqlOk(f.baseUrl, UPDATE, { id: vm.id, input: { name: 'editable', targets: [{ model: 'gpt-4o' }] } }, f.account.token);
      expect((await ask()).headers.get('x-gateway-model')).toBe('gpt-4o');
      await gqlOk(f.baseUrl, DELETE, { id: vm.id }, f.account.token);
      const gone = await ask();
      expect(gone.status).toBe(404);
      expect((gone.json as { error: { code: string } }).error.code).toBe('model_unknown');
    });

    it('WEIGHTED spreads first picks by weight (3:1 over 40 requests) and still falls back to the others', async () => {
      await create({ name: 'spread', strategy: 'WEIGHTED', targets: [{ model: 'gpt-4o', weight: 3 }, { model: 'gpt-4o-mini', weight: 1 }] });
      const served: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await postV1(f, '/v1/chat/completions', { model: 'spread', messages: [{ role: 'user', content: `n${i}` }] }, { token });
        served.push(res.headers.get('x-gateway-model') ?? '');
      }
      // Smooth weighted round-robin is exact in every window of sum(weights) picks: 30 of 40.
      expect(served.filter((m) => m === 'gpt-4o')).toHaveLength(30);
      expect(served.filter((m) => m === 'gpt-4o-mini')).toHaveLength(10);
      f.upstream.reset();
      f.upstream.script({ kind: 'status', status: 503 });
      const res = await postV1(f, '/v1/chat/completions', { model: 'spread', messages: [{ role: 'user', content: 'x' }] }, { token });
      expect(res.status).toBe(200);
      expect(f.upstream.requests).toHaveLength(2);
      expect(new Set(f.upstream.requests.map((r) => (r.body as { model: string }).model))).toEqual(new Set(['gpt-4o', 'gpt-4o-mini']));
    });

    it('WEIGHTED routing spreads requests across one provider\'s keys by weight', async () => {
      const k1 = await createProviderKey(f, 'groq', 'gsk-one');
      const k2 = await createProviderKey(f, 'groq', 'gsk-two');
      const configurationId = await createConfiguration(f, {
        name: 'spread keys',
        routing: [{ provider: 'groq', providerKeyIds: [k1, k2], strategy: 'WEIGHTED', weights: [1, 2] }],
      });
      const key = (await createAccessKey(f, configurationId, 'weighted keys')).token;
      for (let i = 0; i < 30; i++) {
        await postV1(f, '/v1/chat/completions', { model: 'groq:llama-3.3-70b-versatile', messages: [{ role: 'user', content: `n${i}` }] }, { token: key });
      }
      const two = f.upstream.requests.filter((r) => r.credential === 'gsk-two').length;
      expect(two).toBe(20);
      expect(f.upstream.requests.filter((r) => r.credential === 'gsk-one')).toHaveLength(10);
      const listed = await gqlOk<{ accessKeyConfigurations: { nodes: { routing: { strategy: string; weights: number[] }[] }[] } }>(
        f.baseUrl,
        'query { accessKeyConfigurations(first: 100) { nodes { routing { strategy weights } } } }',
        {},
        f.account.token,
      );
      expect(listed.accessKeyConfigurations.nodes.flatMap((n) => n.routing)).toContainEqual({ strategy: 'WEIGHTED', weights: [1, 2] });
    });

    it('refuses routing weights that do not match the keys', async () => {
      const k1 = await createProviderKey(f, 'deepseek', 'ds-1');
      const err = await gqlErr(
        f.baseUrl,
        'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
        { input: { name: 'bad weights', routing: [{ provider: 'deepseek', providerKeyIds: [k1], strategy: 'WEIGHTED', weights: [1, 2] }] } },
        f.account.token,
      );
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toContain('one weight per provider key');
    });
  });
});
