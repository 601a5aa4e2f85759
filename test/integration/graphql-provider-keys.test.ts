import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../server/src/graphql/schema.js';
import type { ChangeEvent } from '../../server/src/services/change-events.js';
import { providerKeyAad, redactSecret } from '../../server/src/services/crypto.js';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const PK_FIELDS = 'id provider name keyRedacted priority createdAt updatedAt lastUsedAt';
const CREATE = `mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { ${PK_FIELDS} } }`;
const ROTATE = `mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { ${PK_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProviderKeyInput!) { updateProviderKey(id: $id, input: $input) { ${PK_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteProviderKey(id: $id) }';
const LIST = `query($provider: String, $first: Int, $after: String) {
  providerKeys(provider: $provider, first: $first, after: $after) { nodes { ${PK_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const CREATE_CONFIG = 'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }';
const UPDATE_CONFIG = 'mutation($id: ID!, $input: AccessKeyConfigurationInput!) { updateAccessKeyConfiguration(id: $id, input: $input) { id } }';
const CREATE_PROVIDER = 'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }';

interface PK {
  id: string;
  provider: string;
  name: string;
  keyRedacted: string;
  priority: number;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
}
interface Listed {
  providerKeys: { nodes: PK[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('GraphQL provider keys', () => {
  let server: TestServer;
  let url: string;
  let token: string;
  let accountId: string;
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    ({ token, accountId } = await signUpAccount(url));
    server.services.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => server?.stop());

  const create = async (input: Record<string, unknown>, as = token) =>
    (await gqlOk<{ createProviderKey: PK }>(url, CREATE, { input }, as)).createProviderKey;
  const encryptedKeyOf = async (id: string) =>
    (
      await server.services.orm.em
        .getConnection()
        .execute<{ encrypted_key: string }[]>('select encrypted_key from provider_key where id = ?', [id])
    )[0]?.encrypted_key;

  describe('createProviderKey', () => {
    it('stores the key encrypted and bound to its row, returns only a redacted form, publishes a change', async () => {
      events.length = 0;
      const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
      const pk = await create({ provider: 'openai', name: 'main', key: `  ${secret}\n` });
      expect(pk).toMatchObject({ provider: 'openai', name: 'main', priority: 0, lastUsedAt: null });
      expect(pk.keyRedacted).toBe(redactSecret(secret));
      expect(pk.keyRedacted).toMatch(/^sk-p.*…6789$/);
      expect(JSON.stringify(pk)).not.toContain(secret);
      expect(events).toEqual([{ kind: 'providerKey', accountId }]);

      const sealed = await encryptedKeyOf(pk.id);
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain(secret);
      // Surrounding whitespace from a paste is dropped before encrypting.
      expect(server.services.secretBox.decrypt(sealed, providerKeyAad(accountId, pk.id))).toBe(secret);
    });

    it('accepts a priority and a custom provider declared by the account', async () => {
      await gqlOk(
        url,
        CREATE_PROVIDER,
        { input: { providerId: 'local-llm', name: 'Local', baseUrl: 'http://127.0.0.1:11434/v1', apiFormat: 'OPENAI', models: ['llama3'] } },
        token,
      );
      const pk = await create({ provider: 'local-llm', name: 'local', key: 'local-key-123', priority: 5 });
      expect(pk).toMatchObject({ provider: 'local-llm', priority: 5 });
    });

    it.each([
      ['an unknown provider', { provider: 'nope', name: 'x', key: 'sk-123' }, /provider: unknown provider "nope"/],
      ['another account\'s custom provider id (as unknown)', { provider: 'someone-elses', name: 'x', key: 'sk-123' }, /unknown provider/],
      ['an empty key', { provider: 'openai', name: 'x', key: '   ' }, /key: must not be empty/],
      ['a key with inner whitespace', { provider: 'openai', name: 'x', key: 'sk-abc def' }, /key: must not contain whitespace/],
      ['a key with control characters', { provider: 'openai', name: 'x', key: 'sk-abc\u0000def' }, /key: must not contain/],
      ['a key with non-ASCII characters', { provider: 'openai', name: 'x', key: 'sk-äbc' }, /key: must not contain/],
      ['a key over 4096 characters', { provider: 'openai', name: 'x', key: 'k'.repeat(4097) }, /key: must be at most 4096/],
      ['an empty name', { provider: 'openai', name: '', key: 'sk-123' }, /name/],
      ['a non-integer-range priority', { provider: 'openai', name: 'x', key: 'sk-123', priority: 2_000_000 }, /priority/],
    ])('rejects %s with BAD_USER_INPUT (never echoing the key)', async (_label, input, message) => {
      const err = await gqlErr(url, CREATE, { input }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
      if (input.key.trim().length > 2) expect(err.message).not.toContain(input.key.trim());
    });

    it('accepts a key of exactly 4096 characters', async () => {
      const pk = await create({ provider: 'groq', name: 'long', key: 'g'.repeat(4096) });
      expect(pk.keyRedacted.length).toBeLessThanOrEqual(40);
    });
  });

  describe('rotateProviderKey', () => {
    it('keeps the id, changes ciphertext and redaction, and publishes a change', async () => {
      const pk = await create({ provider: 'anthropic', name: 'rot', key: 'sk-ant-old-0000000000000001' });
      const before = await encryptedKeyOf(pk.id);
      events.length = 0;
      const rotated = (await gqlOk<{ rotateProviderKey: PK }>(url, ROTATE, { id: pk.id, key: 'sk-ant-new-0000000000000002' }, token))
        .rotateProviderKey;
      expect(rotated.id).toBe(pk.id);
      expect(rotated.keyRedacted).toBe(redactSecret('sk-ant-new-0000000000000002'));
      expect(rotated.keyRedacted).not.toBe(pk.keyRedacted);
      expect(rotated.name).toBe('rot');
      const after = await encryptedKeyOf(pk.id);
      expect(after).not.toBe(before);
      expect(server.services.secretBox.decrypt(after, providerKeyAad(accountId, pk.id))).toBe('sk-ant-new-0000000000000002');
      expect(events).toEqual([{ kind: 'providerKey', accountId }]);
    });

    it('rejects an invalid new key with BAD_USER_INPUT and leaves the old one', async () => {
      const pk = await create({ provider: 'anthropic', name: 'rot2', key: 'sk-ant-keep-me-000001' });
      const before = await encryptedKeyOf(pk.id);
      expect((await gqlErr(url, ROTATE, { id: pk.id, key: 'has space' }, token)).code).toBe('BAD_USER_INPUT');
      expect(await encryptedKeyOf(pk.id)).toBe(before);
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', 'x'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, ROTATE, { id, key: 'sk-valid-123' }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('updateProviderKey', () => {
    it('renames and re-prioritises; omitted fields stay', async () => {
      const pk = await create({ provider: 'deepseek', name: 'ds', key: 'sk-ds-1234567890' });
      const a = (await gqlOk<{ updateProviderKey: PK }>(url, UPDATE, { id: pk.id, input: { priority: -3 } }, token)).updateProviderKey;
      expect(a).toMatchObject({ name: 'ds', priority: -3, keyRedacted: pk.keyRedacted });
      const b = (await gqlOk<{ updateProviderKey: PK }>(url, UPDATE, { id: pk.id, input: { name: 'deepseek main' } }, token))
        .updateProviderKey;
      expect(b).toMatchObject({ name: 'deepseek main', priority: -3 });
      expect((await gqlErr(url, UPDATE, { id: pk.id, input: { name: '' } }, token)).code).toBe('BAD_USER_INPUT');
      expect((await gqlErr(url, UPDATE, { id: 'nope', input: { name: 'x' } }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('deleteProviderKey', () => {
    it('is CONFLICT while a configuration routes to the key, and works once the routing is gone', async () => {
      const pk = await create({ provider: 'openrouter', name: 'routed', key: 'sk-or-1234567890' });
      const config = (
        await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
          url,
          CREATE_CONFIG,
          { input: { name: 'uses openrouter key', routing: [{ provider: 'openrouter', providerKeyIds: [pk.id] }] } },
          token,
        )
      ).createAccessKeyConfiguration;
      const err = await gqlErr(url, DELETE, { id: pk.id }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/routed by 1 configuration \("uses openrouter key"\)/);

      await gqlOk(url, UPDATE_CONFIG, { id: config.id, input: { name: 'uses openrouter key' } }, token);
      events.length = 0;
      expect(await gqlOk(url, DELETE, { id: pk.id }, token)).toEqual({ deleteProviderKey: true });
      expect(events).toEqual([{ kind: 'providerKey', accountId }]);
      expect(await encryptedKeyOf(pk.id)).toBeUndefined();
      expect((await gqlErr(url, DELETE, { id: pk.id }, token)).code).toBe('NOT_FOUND');
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', ''],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, DELETE, { id }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('providerKeys', () => {
    it('lists keys by priority (lowest first) then creation time, filters by provider, and paginates', async () => {
      const { token: t } = await signUpAccount(url);
      const make = (provider: string, name: string, priority?: number) =>
        create({ provider, name, key: `sk-${name}-0123456789`, ...(priority === undefined ? {} : { priority }) }, t);
      await make('openai', 'o-default-1');
      await make('openai', 'o-high', 10);
      await make('openai', 'o-first', -1);
      await make('anthropic', 'a-1', 1);
      await make('openai', 'o-default-2');

      const all = await gqlOk<Listed>(url, LIST, {}, t);
      expect(all.providerKeys.nodes.map((k) => k.name)).toEqual(['o-first', 'o-default-1', 'o-default-2', 'a-1', 'o-high']);

      const openai = await gqlOk<Listed>(url, LIST, { provider: 'openai', first: 2 }, t);
      expect(openai.providerKeys.nodes.map((k) => k.name)).toEqual(['o-first', 'o-default-1']);
      expect(openai.providerKeys.pageInfo.hasNextPage).toBe(true);
      const next = await gqlOk<Listed>(url, LIST, { provider: 'openai', first: 2, after: openai.providerKeys.pageInfo.endCursor }, t);
      expect(next.providerKeys.nodes.map((k) => k.name)).toEqual(['o-default-2', 'o-high']);
      expect(next.providerKeys.pageInfo.hasNextPage).toBe(false);

      const none = await gqlOk<Listed>(url, LIST, { provider: 'google' }, t);
      expect(none.providerKeys.nodes).toEqual([]);

      expect((await gqlErr(url, LIST, { first: 101 }, t)).code).toBe('BAD_USER_INPUT');
      // A cursor from another ordering (newest-first connections) is rejected, not misread.
      await gqlOk(url, 'mutation { createApiKey(input: {name: "c"}) { apiKey { id } } }', {}, t);
      const foreignCursor = (
        await gqlOk<{ apiKeys: { pageInfo: { endCursor: string } } }>(url, '{ apiKeys(first: 1) { pageInfo { endCursor } } }', {}, t)
      ).apiKeys.pageInfo.endCursor;
      expect((await gqlErr(url, LIST, { after: foreignCursor }, t)).code).toBe('BAD_USER_INPUT');
    });
  });

  it('has no field that could return a key value', async () => {
    const schema = await buildGatewaySchema();
    const type = schema.getType('ProviderKey') as unknown as { getFields(): Record<string, unknown> };
    expect(Object.keys(type.getFields()).sort()).toEqual(
      ['createdAt', 'id', 'keyRedacted', 'lastUsedAt', 'name', 'priority', 'provider', 'updatedAt'].sort(),
    );
  });

  it('requires authentication', async () => {
    expect((await gqlErr(url, LIST)).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, CREATE, { input: { provider: 'openai', name: 'x', key: 'sk-1' } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, ROTATE, { id: 'x', key: 'sk-1' })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, DELETE, { id: 'x' })).code).toBe('UNAUTHENTICATED');
  });
});
