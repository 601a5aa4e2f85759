import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/src/services/crypto.js';
import type { ChangeEvent } from '../../server/src/services/change-events.js';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const KEY_FIELDS = 'id name description keyRedacted configurationId createdAt lastUsedAt configuration { id name }';
const CREATE = `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { ${KEY_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { ${KEY_FIELDS} } }`;
const REVOKE = 'mutation($id: ID!) { revokeAccessKey(id: $id) }';
const LIST = `query($first: Int, $after: String) { accessKeys(first: $first, after: $after) { nodes { ${KEY_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const CREATE_CONFIG = 'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id name } }';

interface Key {
  id: string;
  name: string;
  description: string | null;
  keyRedacted: string;
  configurationId: string | null;
  lastUsedAt: string | null;
  configuration: { id: string; name: string } | null;
}
interface Created {
  createAccessKey: { token: string; accessKey: Key };
}
interface Listed {
  accessKeys: { nodes: Key[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('GraphQL access keys', () => {
  let server: TestServer;
  let url: string;
  let token: string;
  let accountId: string;
  let configId: string;
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    ({ token, accountId } = await signUpAccount(url));
    server.services.events.subscribe((e) => events.push(e));
    const c = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(url, CREATE_CONFIG, { input: { name: 'prod' } }, token);
    configId = c.createAccessKeyConfiguration.id;
  });
  afterAll(async () => server?.stop());

  const create = async (input: Record<string, unknown>) => (await gqlOk<Created>(url, CREATE, { input }, token)).createAccessKey;

  describe('createAccessKey', () => {
    it('issues an ng- token with at least 128 random bits, stores only its hash and publishes a change', async () => {
      events.length = 0;
      const { token: secret, accessKey } = await create({ name: 'app', description: 'my app', configurationId: configId });
      expect(secret).toMatch(/^ng-[A-Za-z0-9_-]{43}$/);
      expect(accessKey).toMatchObject({
        name: 'app',
        description: 'my app',
        configurationId: configId,
        configuration: { id: configId, name: 'prod' },
        lastUsedAt: null,
      });
      expect(accessKey.keyRedacted.startsWith('ng-')).toBe(true);
      expect(accessKey.keyRedacted.length).toBeLessThan(20);

      const rows = await server.services.orm.em
        .getConnection()
        .execute<{ token_hash: string }[]>('select token_hash from access_key where id = ?', [accessKey.id]);
      expect(rows[0].token_hash).toBe(hashToken(secret));
      expect(events).toEqual([{ kind: 'accessKey', accountId, tokenHash: hashToken(secret), accessKeyId: accessKey.id }]);
    });

    it('issues a different token every time', async () => {
      const a = await create({ name: 'a' });
      const b = await create({ name: 'b' });
      expect(a.token).not.toBe(b.token);
    });

    it('works without description and configuration', async () => {
      const { accessKey } = await create({ name: 'bare' });
      expect(accessKey).toMatchObject({ description: null, configurationId: null, configuration: null });
    });

    it.each([
      ['an empty name', { name: ' ' }, /name: must not be empty/],
      ['an over-long name', { name: 'n'.repeat(201) }, /name/],
      ['an over-long description', { name: 'x', description: 'd'.repeat(1001) }, /description/],
      ['an unknown configuration', { name: 'x', configurationId: '00000000-0000-4000-8000-000000000000' }, /configurationId: .*not found/],
      ['a malformed configuration id', { name: 'x', configurationId: 'nope' }, /configurationId: .*not found/],
    ])('rejects %s with BAD_USER_INPUT', async (_label, input, message) => {
      const err = await gqlErr(url, CREATE, { input }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
    });
  });

  describe('updateAccessKey', () => {
    it('changes only the fields given; configurationId: null detaches', async () => {
      const { token: secret, accessKey } = await create({ name: 'u', description: 'desc', configurationId: configId });
      events.length = 0;

      const renamed = (await gqlOk<{ updateAccessKey: Key }>(url, UPDATE, { id: accessKey.id, input: { name: 'renamed' } }, token))
        .updateAccessKey;
      expect(renamed).toMatchObject({ name: 'renamed', description: 'desc', configurationId: configId });
      expect(events).toEqual([{ kind: 'accessKey', accountId, tokenHash: hashToken(secret), accessKeyId: accessKey.id }]);

      const cleared = (
        await gqlOk<{ updateAccessKey: Key }>(url, UPDATE, { id: accessKey.id, input: { description: null, name: null } }, token)
      ).updateAccessKey;
      expect(cleared).toMatchObject({ name: 'renamed', description: null, configurationId: configId });

      const detached = (await gqlOk<{ updateAccessKey: Key }>(url, UPDATE, { id: accessKey.id, input: { configurationId: null } }, token))
        .updateAccessKey;
      expect(detached).toMatchObject({ name: 'renamed', configurationId: null, configuration: null });

      const attached = (
        await gqlOk<{ updateAccessKey: Key }>(url, UPDATE, { id: accessKey.id, input: { configurationId: configId } }, token)
      ).updateAccessKey;
      expect(attached.configuration).toEqual({ id: configId, name: 'prod' });

      const unchanged = (await gqlOk<{ updateAccessKey: Key }>(url, UPDATE, { id: accessKey.id, input: {} }, token)).updateAccessKey;
      expect(unchanged).toEqual(attached);
    });

    it('rejects invalid values with BAD_USER_INPUT and keeps the key unchanged', async () => {
      const { accessKey } = await create({ name: 'v', configurationId: configId });
      for (const input of [{ name: '' }, { description: 'x'.repeat(1001) }, { configurationId: '00000000-0000-4000-8000-000000000000' }]) {
        expect((await gqlErr(url, UPDATE, { id: accessKey.id, input }, token)).code).toBe('BAD_USER_INPUT');
      }
      const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
      expect(listed.accessKeys.nodes.find((k) => k.id === accessKey.id)).toMatchObject({ name: 'v', configurationId: configId });
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', '123'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, UPDATE, { id, input: { name: 'x' } }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('revokeAccessKey', () => {
    it('revokes, hides the key from the list, publishes its token hash, and cannot be repeated', async () => {
      const { token: secret, accessKey } = await create({ name: 'to revoke' });
      events.length = 0;
      expect(await gqlOk(url, REVOKE, { id: accessKey.id }, token)).toEqual({ revokeAccessKey: true });
      expect(events).toEqual([{ kind: 'accessKey', accountId, tokenHash: hashToken(secret), accessKeyId: accessKey.id }]);
      const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
      expect(listed.accessKeys.nodes.map((k) => k.id)).not.toContain(accessKey.id);
      expect((await gqlErr(url, REVOKE, { id: accessKey.id }, token)).code).toBe('NOT_FOUND');
      expect((await gqlErr(url, UPDATE, { id: accessKey.id, input: { name: 'zombie' } }, token)).code).toBe('NOT_FOUND');
    });

    it.each([
      ['an unknown id', '00000000-0000-4000-8000-000000000000'],
      ['a malformed id', "1' or '1'='1"],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, REVOKE, { id }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('accessKeys', () => {
    it('paginates active keys newest first and rejects first > 100', async () => {
      const other = await signUpAccount(url);
      const names: string[] = [];
      for (let i = 0; i < 5; i++) {
        names.push(`p${i}`);
        await gqlOk(url, CREATE, { input: { name: `p${i}` } }, other.token);
      }
      const p1 = await gqlOk<Listed>(url, LIST, { first: 3 }, other.token);
      expect(p1.accessKeys.nodes.map((k) => k.name)).toEqual(['p4', 'p3', 'p2']);
      expect(p1.accessKeys.pageInfo.hasNextPage).toBe(true);
      const p2 = await gqlOk<Listed>(url, LIST, { first: 3, after: p1.accessKeys.pageInfo.endCursor }, other.token);
      expect(p2.accessKeys.nodes.map((k) => k.name)).toEqual(['p1', 'p0']);
      expect(p2.accessKeys.pageInfo.hasNextPage).toBe(false);
      expect(p2.accessKeys.pageInfo.endCursor).not.toBeNull();
      const empty = await gqlOk<Listed>(url, LIST, { after: p2.accessKeys.pageInfo.endCursor }, other.token);
      expect(empty.accessKeys).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });

      expect((await gqlErr(url, LIST, { first: 101 }, other.token)).code).toBe('BAD_USER_INPUT');
      expect((await gqlErr(url, LIST, { after: '!!!' }, other.token)).code).toBe('BAD_USER_INPUT');
    });

    it('never lists token values', async () => {
      const { token: secret } = await create({ name: 'secret check' });
      const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
      expect(JSON.stringify(listed)).not.toContain(secret);
    });
  });

  it('requires authentication', async () => {
    expect((await gqlErr(url, LIST)).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, CREATE, { input: { name: 'x' } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, UPDATE, { id: configId, input: {} })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, REVOKE, { id: configId })).code).toBe('UNAUTHENTICATED');
  });
});
