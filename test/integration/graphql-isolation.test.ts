import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const SNAPSHOT = `{
  me { id email name settings { totalTimeoutMs perAttemptTimeoutMs } }
  apiKeys(first: 100) { nodes { id name keyRedacted createdAt } }
  accessKeys(first: 100) { nodes { id name description keyRedacted configurationId configuration { id name } } }
  accessKeyConfigurations(first: 100) { nodes { id name allowedProviders allowedModels updatedAt
    routing { provider providerKeyIds useGatewayCredentials providerKeys { id name } } } }
  providerKeys(first: 100) { nodes { id provider name keyRedacted priority updatedAt } }
  providers { id name baseUrl apiFormat models { id } }
}`;

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

interface Snapshot {
  me: { id: string };
  apiKeys: { nodes: { id: string }[] };
  accessKeys: { nodes: { id: string }[] };
  accessKeyConfigurations: { nodes: { id: string }[] };
  providerKeys: { nodes: { id: string }[] };
  providers: { id: string }[];
}

describe('GraphQL account isolation', () => {
  let server: TestServer;
  let url: string;
  let a: { token: string; accountId: string };
  let b: { token: string; accountId: string };
  const ids = { apiKey: '', accessKey: '', configuration: '', openaiKey: '', customKey: '', bKey: '', bAccessKey: '' };
  let before: Snapshot;
  let encryptedBefore: unknown[];

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    a = await signUpAccount(url, 'Alice');
    b = await signUpAccount(url, 'Bob');

    ids.apiKey = (await gqlOk<{ createApiKey: { apiKey: { id: string } } }>(url, 'mutation { createApiKey(input: {name: "a-admin"}) { apiKey { id } } }', {}, a.token))
      .createApiKey.apiKey.id;
    await gqlOk(
      url,
      'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }',
      { input: { providerId: 'alice-llm', name: 'Alice LLM', baseUrl: 'https://alice.example.com/v1', apiFormat: 'OPENAI', models: ['a-model'] } },
      a.token,
    );
    const pk = 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }';
    ids.openaiKey = (await gqlOk<{ createProviderKey: { id: string } }>(url, pk, { input: { provider: 'openai', name: 'a-openai', key: 'sk-alice-openai-1' } }, a.token))
      .createProviderKey.id;
    ids.customKey = (await gqlOk<{ createProviderKey: { id: string } }>(url, pk, { input: { provider: 'alice-llm', name: 'a-custom', key: 'sk-alice-custom-1' } }, a.token))
      .createProviderKey.id;
    ids.configuration = (
      await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
        url,
        'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
        {
          input: {
            name: 'alice config',
            allowedProviders: ['openai', 'alice-llm'],
            allowedModels: ['alice-llm:a-model', 'openai:gpt-4o'],
            routing: [
              { provider: 'openai', providerKeyIds: [ids.openaiKey] },
              { provider: 'alice-llm', providerKeyIds: [ids.customKey] },
            ],
          },
        },
        a.token,
      )
    ).createAccessKeyConfiguration.id;
    const created = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
      url,
      'mutation($c: ID) { createAccessKey(input: {name: "alice app", configurationId: $c}) { accessKey { id } } }',
      { c: ids.configuration },
      a.token,
    );
    ids.accessKey = created.createAccessKey.accessKey.id;

    ids.bKey = (await gqlOk<{ createProviderKey: { id: string } }>(url, pk, { input: { provider: 'openai', name: 'b-openai', key: 'sk-bob-openai-1' } }, b.token))
      .createProviderKey.id;
    ids.bAccessKey = (await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(url, 'mutation { createAccessKey(input: {name: "bob app"}) { accessKey { id } } }', {}, b.token))
      .createAccessKey.accessKey.id;

    before = await gqlOk<Snapshot>(url, SNAPSHOT, {}, a.token);
    encryptedBefore = await server.services.orm.em
      .getConnection()
      .execute('select id, encrypted_key, key_redacted from provider_key where account_id = ? order by id', [a.accountId]);
  });
  afterAll(async () => server?.stop());

  it('shows B none of A\'s objects in any list', async () => {
    const seen = await gqlOk<Snapshot>(url, SNAPSHOT, {}, b.token);
    expect(seen.me.id).toBe(b.accountId);
    const all = JSON.stringify(seen);
    for (const id of [ids.apiKey, ids.accessKey, ids.configuration, ids.openaiKey, ids.customKey]) expect(all).not.toContain(id);
    expect(seen.providers.map((p) => p.id)).not.toContain('alice-llm');
    expect(seen.accessKeys.nodes.map((k) => k.id)).toEqual([ids.bAccessKey]);
    expect(seen.providerKeys.nodes.map((k) => k.id)).toEqual([ids.bKey]);
    expect(seen.accessKeyConfigurations.nodes).toEqual([]);
  });

  it('answers NOT_FOUND to every mutation of A\'s objects by id, exactly as for an id that does not exist', async () => {
    const cases: [string, (id: string) => Record<string, unknown>, string][] = [
      ['mutation($id: ID!) { revokeApiKey(id: $id) }', (id) => ({ id }), ids.apiKey],
      ['mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }', (id) => ({ id, input: { name: 'pwned' } }), ids.accessKey],
      ['mutation($id: ID!) { revokeAccessKey(id: $id) }', (id) => ({ id }), ids.accessKey],
      [
        'mutation($id: ID!, $input: AccessKeyConfigurationInput!) { updateAccessKeyConfiguration(id: $id, input: $input) { id } }',
        (id) => ({ id, input: { name: 'pwned' } }),
        ids.configuration,
      ],
      ['mutation($id: ID!) { deleteAccessKeyConfiguration(id: $id) }', (id) => ({ id }), ids.configuration],
      ['mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { id } }', (id) => ({ id, key: 'sk-attacker-000' }), ids.openaiKey],
      ['mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { id } }', (id) => ({ id, key: 'sk-attacker-000' }), ids.customKey],
      ['mutation($id: ID!, $input: UpdateProviderKeyInput!) { updateProviderKey(id: $id, input: $input) { id } }', (id) => ({ id, input: { priority: -100 } }), ids.openaiKey],
      ['mutation($id: ID!) { deleteProviderKey(id: $id) }', (id) => ({ id }), ids.openaiKey],
      ['mutation($id: ID!) { deleteProviderKey(id: $id) }', (id) => ({ id }), ids.customKey],
    ];
    for (const [query, vars, id] of cases) {
      const theirs = await gqlErr(url, query, vars(id), b.token);
      const missing = await gqlErr(url, query, vars(UNKNOWN_UUID), b.token);
      expect(theirs.code, query).toBe('NOT_FOUND');
      expect(theirs.message.replace(id, '<id>')).toBe(missing.message.replace(UNKNOWN_UUID, '<id>'));
    }

    const customCases: [string, Record<string, unknown>][] = [
      [
        'mutation($id: ID!, $input: CustomProviderInput!) { updateCustomProvider(id: $id, input: $input) { id } }',
        { input: { providerId: 'alice-llm', name: 'pwned', baseUrl: 'https://evil.example.com/v1', apiFormat: 'OPENAI', models: ['x'] } },
      ],
      ['mutation($id: ID!) { deleteCustomProvider(id: $id) }', {}],
    ];
    for (const [query, extra] of customCases) {
      const theirs = await gqlErr(url, query, { id: 'alice-llm', ...extra }, b.token);
      const missing = await gqlErr(url, query, { id: 'nobody-llm', ...extra }, b.token);
      expect(theirs.code).toBe('NOT_FOUND');
      expect(theirs.message.replace('alice-llm', '<id>')).toBe(missing.message.replace('nobody-llm', '<id>'));
    }
  });

  it('does not let B reference A\'s provider keys, configurations or custom providers', async () => {
    const createConfig = 'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }';
    for (const keyId of [ids.openaiKey, ids.customKey]) {
      const err = await gqlErr(url, createConfig, { input: { name: 'steal', routing: [{ provider: 'openai', providerKeyIds: [keyId] }] } }, b.token);
      expect(err.code).toBe('BAD_USER_INPUT');
      // Exactly the answer for a key that does not exist: nothing about its provider or owner.
      expect(err.message).toBe(`routing[0].providerKeyIds[0]: provider key ${JSON.stringify(keyId)} not found`);
    }
    // Mixed with B's own key: still rejected as a whole.
    const mixed = await gqlErr(
      url,
      createConfig,
      { input: { name: 'steal', routing: [{ provider: 'openai', providerKeyIds: [ids.bKey, ids.openaiKey] }] } },
      b.token,
    );
    expect(mixed.code).toBe('BAD_USER_INPUT');

    for (const input of [
      { name: 'x', allowedProviders: ['alice-llm'] },
      { name: 'x', allowedModels: ['alice-llm:a-model'] },
      { name: 'x', routing: [{ provider: 'alice-llm', providerKeyIds: [] }] },
    ]) {
      const err = await gqlErr(url, createConfig, { input }, b.token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(/unknown provider "alice-llm"/);
    }
    const pkErr = await gqlErr(
      url,
      'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
      { input: { provider: 'alice-llm', name: 'x', key: 'sk-x-123' } },
      b.token,
    );
    expect(pkErr.code).toBe('BAD_USER_INPUT');

    const attach = await gqlErr(
      url,
      'mutation($c: ID) { createAccessKey(input: {name: "x", configurationId: $c}) { token } }',
      { c: ids.configuration },
      b.token,
    );
    expect(attach.code).toBe('BAD_USER_INPUT');
    expect(attach.message).toMatch(/not found/);
    const reattach = await gqlErr(
      url,
      'mutation($id: ID!, $c: ID) { updateAccessKey(id: $id, input: {configurationId: $c}) { id } }',
      { id: ids.bAccessKey, c: ids.configuration },
      b.token,
    );
    expect(reattach.code).toBe('BAD_USER_INPUT');

    // B may declare its own provider with the same id: ids are per account, nothing leaks.
    await gqlOk(
      url,
      'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }',
      { input: { providerId: 'alice-llm', name: 'Bob\'s', baseUrl: 'https://bob.example.com/v1', apiFormat: 'OPENAI', models: ['b-model'] } },
      b.token,
    );
    const bConfig = await gqlErr(url, createConfig, { input: { name: 'x', allowedModels: ['alice-llm:a-model'] } }, b.token);
    expect(bConfig.message).toMatch(/not declared on custom provider "alice-llm"/);
  });

  it('leaves all of A\'s objects unchanged', async () => {
    const after = await gqlOk<Snapshot>(url, SNAPSHOT, {}, a.token);
    expect(after).toEqual(before);
    const encryptedAfter = await server.services.orm.em
      .getConnection()
      .execute('select id, encrypted_key, key_redacted from provider_key where account_id = ? order by id', [a.accountId]);
    expect(encryptedAfter).toEqual(encryptedBefore);
    const [key] = await server.services.orm.em
      .getConnection()
      .execute<{ revoked_at: Date | null }[]>('select revoked_at from access_key where id = ?', [ids.accessKey]);
    expect(key.revoked_at).toBeNull();
    // A's admin API key is still active.
    const [apiKey] = await server.services.orm.em
      .getConnection()
      .execute<{ revoked_at: Date | null }[]>('select revoked_at from api_key where id = ?', [ids.apiKey]);
    expect(apiKey.revoked_at).toBeNull();
  });
});
