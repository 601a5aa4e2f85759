import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../server/src/services/change-events.js';
import { gql, gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const CONFIG_FIELDS = `id name allowedProviders allowedModels createdAt updatedAt
  routing { provider providerKeyIds useGatewayCredentials providerKeys { id name provider } }`;
const CREATE = `mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { ${CONFIG_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: AccessKeyConfigurationInput!) {
  updateAccessKeyConfiguration(id: $id, input: $input) { ${CONFIG_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteAccessKeyConfiguration(id: $id) }';
const LIST = `query($first: Int, $after: String) {
  accessKeyConfigurations(first: $first, after: $after) { nodes { ${CONFIG_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const CREATE_PK = 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }';
const CREATE_PROVIDER = 'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }';
const CREATE_KEY = 'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }';
const REVOKE_KEY = 'mutation($id: ID!) { revokeAccessKey(id: $id) }';
const UPDATE_KEY = 'mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }';

interface Routing {
  provider: string;
  providerKeyIds: string[];
  useGatewayCredentials: boolean;
  providerKeys: { id: string; name: string; provider: string }[];
}
interface Config {
  id: string;
  name: string;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  routing: Routing[];
}
interface Listed {
  accessKeyConfigurations: { nodes: Config[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('GraphQL access key configurations', () => {
  let server: TestServer;
  let url: string;
  let token: string;
  let accountId: string;
  const keys: Record<string, string> = {};
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    ({ token, accountId } = await signUpAccount(url));
    server.services.events.subscribe((e) => events.push(e));
    await gqlOk(
      url,
      CREATE_PROVIDER,
      {
        input: {
          providerId: 'vllm',
          name: 'vLLM',
          baseUrl: 'http://10.0.0.5:8000/v1',
          apiFormat: 'OPENAI',
          models: ['Qwen/Qwen3-8B', 'llama3.1:8b'],
        },
      },
      token,
    );
    for (const [name, provider] of [
      ['openai-1', 'openai'],
      ['openai-2', 'openai'],
      ['anthropic-1', 'anthropic'],
      ['vllm-1', 'vllm'],
    ]) {
      const r = await gqlOk<{ createProviderKey: { id: string } }>(
        url,
        CREATE_PK,
        { input: { provider, name, key: `sk-${name}-secret-value` } },
        token,
      );
      keys[name] = r.createProviderKey.id;
    }
  });
  afterAll(async () => server?.stop());

  const create = async (input: Record<string, unknown>) =>
    (await gqlOk<{ createAccessKeyConfiguration: Config }>(url, CREATE, { input }, token)).createAccessKeyConfiguration;

  describe('createAccessKeyConfiguration', () => {
    it('defaults to everything allowed and no routing', async () => {
      events.length = 0;
      const c = await create({ name: 'open' });
      expect(c).toMatchObject({ name: 'open', allowedProviders: null, allowedModels: null, routing: [] });
      expect(events).toEqual([{ kind: 'configuration', accountId }]);
    });

    it('stores allow-lists and routing; providerKeys resolve in routing order; useGatewayCredentials defaults to true', async () => {
      // 'vllm:x' is not a declared model: the whole input is rejected, nothing is stored.
      const rejected = await gqlErr(
        url,
        CREATE,
        { input: { name: 'full', allowedModels: ['openai:gpt-4o', 'vllm:x'] } },
        token,
      );
      expect(rejected.code).toBe('BAD_USER_INPUT');

      const ok = await create({
        name: 'full',
        allowedProviders: ['openai', 'anthropic', 'vllm'],
        allowedModels: ['openai:gpt-4o', 'openai:some-future-model', 'vllm:llama3.1:8b', 'vllm:qwen/qwen3-8b'],
        routing: [
          { provider: 'openai', providerKeyIds: [keys['openai-2'], keys['openai-1']] },
          { provider: 'anthropic', providerKeyIds: [keys['anthropic-1']], useGatewayCredentials: false },
          { provider: 'vllm', providerKeyIds: [] },
        ],
      });
      expect(ok.allowedProviders).toEqual(['openai', 'anthropic', 'vllm']);
      expect(ok.allowedModels).toEqual(['openai:gpt-4o', 'openai:some-future-model', 'vllm:llama3.1:8b', 'vllm:qwen/qwen3-8b']);
      expect(ok.routing).toEqual([
        {
          provider: 'openai',
          providerKeyIds: [keys['openai-2'], keys['openai-1']],
          useGatewayCredentials: true,
          providerKeys: [
            { id: keys['openai-2'], name: 'openai-2', provider: 'openai' },
            { id: keys['openai-1'], name: 'openai-1', provider: 'openai' },
          ],
        },
        {
          provider: 'anthropic',
          providerKeyIds: [keys['anthropic-1']],
          useGatewayCredentials: false,
          providerKeys: [{ id: keys['anthropic-1'], name: 'anthropic-1', provider: 'anthropic' }],
        },
        { provider: 'vllm', providerKeyIds: [], useGatewayCredentials: true, providerKeys: [] },
      ]);
    });

    it('distinguishes an empty allow-list (nothing) from null (everything)', async () => {
      const c = await create({ name: 'locked', allowedProviders: [], allowedModels: [] });
      expect(c).toMatchObject({ allowedProviders: [], allowedModels: [] });
    });

    it.each([
      ['an empty name', { name: '' }, /name: must not be empty/],
      ['an unknown allowed provider', { name: 'x', allowedProviders: ['openai', 'nope'] }, /allowedProviders\[1\]: unknown provider "nope"/],
      ['a duplicate allowed provider', { name: 'x', allowedProviders: ['openai', 'openai'] }, /allowedProviders\[1\]: duplicate/],
      ['a model without provider', { name: 'x', allowedModels: ['gpt-4o'] }, /allowedModels\[0\]: must be "provider:model"/],
      ['a model with an empty model part', { name: 'x', allowedModels: ['openai:'] }, /allowedModels\[0\]: must be "provider:model"/],
      ['a model with an unknown provider', { name: 'x', allowedModels: ['nope:gpt-4o'] }, /allowedModels\[0\]: unknown provider "nope"/],
      ['an undeclared custom provider model', { name: 'x', allowedModels: ['vllm:gpt-4o'] }, /not declared on custom provider "vllm"/],
      ['a duplicate model (case-insensitive)', { name: 'x', allowedModels: ['openai:gpt-4o', 'openai:GPT-4o'] }, /allowedModels\[1\]: duplicate/],
      ['routing for an unknown provider', { name: 'x', routing: [{ provider: 'nope', providerKeyIds: [] }] }, /routing\[0\]\.provider: unknown provider/],
      [
        'two routing entries for one provider',
        { name: 'x', routing: [{ provider: 'openai', providerKeyIds: [] }, { provider: 'openai', providerKeyIds: [] }] },
        /routing\[1\]\.provider: provider "openai" already has a routing entry/,
      ],
      [
        'an unknown provider key id',
        { name: 'x', routing: [{ provider: 'openai', providerKeyIds: ['00000000-0000-4000-8000-000000000000'] }] },
        /routing\[0\]\.providerKeyIds\[0\]: provider key "00000000-0000-4000-8000-000000000000" not found/,
      ],
      [
        'a malformed provider key id',
        { name: 'x', routing: [{ provider: 'openai', providerKeyIds: ['abc'] }] },
        /routing\[0\]\.providerKeyIds\[0\]: provider key "abc" not found/,
      ],
    ])('rejects %s with BAD_USER_INPUT', async (_label, input, message) => {
      const err = await gqlErr(url, CREATE, { input }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
    });

    it('rejects a key routed for another provider and duplicate keys', async () => {
      const wrong = await gqlErr(
        url,
        CREATE,
        { input: { name: 'x', routing: [{ provider: 'anthropic', providerKeyIds: [keys['openai-1']] }] } },
        token,
      );
      expect(wrong.code).toBe('BAD_USER_INPUT');
      expect(wrong.message).toMatch(/is for provider "openai", not "anthropic"/);
      const dup = await gqlErr(
        url,
        CREATE,
        { input: { name: 'x', routing: [{ provider: 'openai', providerKeyIds: [keys['openai-1'], keys['openai-1']] }] } },
        token,
      );
      expect(dup.code).toBe('BAD_USER_INPUT');
      expect(dup.message).toMatch(/routing\[0\]\.providerKeyIds\[1\]: duplicate provider key/);
    });

    it('reports several problems at once', async () => {
      const err = await gqlErr(url, CREATE, { input: { name: 'x', allowedProviders: ['a1', 'a2'], allowedModels: ['b:c'] } }, token);
      expect(err.message).toMatch(/allowedProviders\[0\].*allowedProviders\[1\].*allowedModels\[0\]/);
    });
  });

  describe('updateAccessKeyConfiguration', () => {
    it('replaces the whole configuration and publishes a change', async () => {
      const c = await create({
        name: 'before',
        allowedProviders: ['openai'],
        routing: [{ provider: 'openai', providerKeyIds: [keys['openai-1']] }],
      });
      events.length = 0;
      const u = (
        await gqlOk<{ updateAccessKeyConfiguration: Config }>(
          url,
          UPDATE,
          { id: c.id, input: { name: 'after', allowedModels: ['anthropic:claude-sonnet-4-5'] } },
          token,
        )
      ).updateAccessKeyConfiguration;
      expect(u).toMatchObject({ id: c.id, name: 'after', allowedProviders: null, allowedModels: ['anthropic:claude-sonnet-4-5'], routing: [] });
      expect(events).toEqual([{ kind: 'configuration', accountId }]);
    });

    it('rejects invalid input with BAD_USER_INPUT and keeps the stored configuration', async () => {
      const c = await create({ name: 'keep', allowedProviders: ['openai'] });
      const err = await gqlErr(url, UPDATE, { id: c.id, input: { name: 'bad', allowedProviders: ['nope'] } }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
      expect(listed.accessKeyConfigurations.nodes.find((n) => n.id === c.id)).toMatchObject({ name: 'keep', allowedProviders: ['openai'] });
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', 'zzz'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, UPDATE, { id, input: { name: 'x' } }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('deleteAccessKeyConfiguration', () => {
    it('is CONFLICT while active access keys use it, naming how many; revoked keys do not count', async () => {
      const c = await create({ name: 'in use' });
      const k1 = (await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(url, CREATE_KEY, { input: { name: 'k1', configurationId: c.id } }, token))
        .createAccessKey.accessKey.id;
      const k2 = (await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(url, CREATE_KEY, { input: { name: 'k2', configurationId: c.id } }, token))
        .createAccessKey.accessKey.id;

      const two = await gqlErr(url, DELETE, { id: c.id }, token);
      expect(two.code).toBe('CONFLICT');
      expect(two.message).toMatch(/used by 2 active access keys/);

      await gqlOk(url, REVOKE_KEY, { id: k1 }, token);
      const one = await gqlErr(url, DELETE, { id: c.id }, token);
      expect(one.message).toMatch(/used by 1 active access key;/);

      await gqlOk(url, UPDATE_KEY, { id: k2, input: { configurationId: null } }, token);
      events.length = 0;
      expect(await gqlOk(url, DELETE, { id: c.id }, token)).toEqual({ deleteAccessKeyConfiguration: true });
      expect(events).toEqual([{ kind: 'configuration', accountId }]);
      expect((await gqlErr(url, DELETE, { id: c.id }, token)).code).toBe('NOT_FOUND');
      const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
      expect(listed.accessKeyConfigurations.nodes.map((n) => n.id)).not.toContain(c.id);
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', '-'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, DELETE, { id }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('accessKeyConfigurations', () => {
    it('paginates newest first and rejects first > 100', async () => {
      const other = await signUpAccount(url);
      for (let i = 0; i < 3; i++) await gqlOk(url, CREATE, { input: { name: `c${i}` } }, other.token);
      const p1 = await gqlOk<Listed>(url, LIST, { first: 2 }, other.token);
      expect(p1.accessKeyConfigurations.nodes.map((n) => n.name)).toEqual(['c2', 'c1']);
      expect(p1.accessKeyConfigurations.pageInfo.hasNextPage).toBe(true);
      const p2 = await gqlOk<Listed>(url, LIST, { first: 2, after: p1.accessKeyConfigurations.pageInfo.endCursor }, other.token);
      expect(p2.accessKeyConfigurations.nodes.map((n) => n.name)).toEqual(['c0']);
      expect(p2.accessKeyConfigurations.pageInfo.hasNextPage).toBe(false);
      expect((await gqlErr(url, LIST, { first: 1000 }, other.token)).code).toBe('BAD_USER_INPUT');
    });
  });

  describe('concurrent changes', () => {
    it('never lets an access key attach to a configuration that a concurrent delete removes', async () => {
      for (let i = 0; i < 5; i++) {
        const c = await create({ name: `race ${i}` });
        const [attach, del] = await Promise.all([
          gql<{ createAccessKey: { accessKey: { id: string } } }>(url, CREATE_KEY, { input: { name: `racer ${i}`, configurationId: c.id } }, token),
          gql(url, DELETE, { id: c.id }, token),
        ]);
        // Exactly one wins: either the key is attached and the delete is a CONFLICT, or the delete
        // succeeded and the attach reports the configuration as not found.
        if (attach.errors) {
          expect(attach.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
          expect(del.errors).toBeUndefined();
        } else {
          expect(del.errors?.[0].extensions?.code).toBe('CONFLICT');
        }
      }
    });

    it('never lets a configuration route to a provider key that a concurrent delete removes', async () => {
      for (let i = 0; i < 5; i++) {
        const pk = (
          await gqlOk<{ createProviderKey: { id: string } }>(url, CREATE_PK, { input: { provider: 'groq', name: `race ${i}`, key: 'gsk-race-123' } }, token)
        ).createProviderKey.id;
        const [route, del] = await Promise.all([
          gql(url, CREATE, { input: { name: `route ${i}`, routing: [{ provider: 'groq', providerKeyIds: [pk] }] } }, token),
          gql(url, 'mutation($id: ID!) { deleteProviderKey(id: $id) }', { id: pk }, token),
        ]);
        if (route.errors) {
          expect(route.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
          expect(del.errors).toBeUndefined();
        } else {
          expect(del.errors?.[0].extensions?.code).toBe('CONFLICT');
        }
      }
    });
  });

  it('requires authentication', async () => {
    expect((await gqlErr(url, LIST)).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, CREATE, { input: { name: 'x' } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, UPDATE, { id: 'x', input: { name: 'x' } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, DELETE, { id: 'x' })).code).toBe('UNAUTHENTICATED');
  });
});
