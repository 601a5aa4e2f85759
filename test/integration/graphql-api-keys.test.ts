import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { addMember } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id name keyRedacted createdAt lastUsedAt } } }';
const LIST = 'query($first: Int, $after: String) { apiKeys(first: $first, after: $after) { nodes { id name lastUsedAt } pageInfo { hasNextPage endCursor } } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) }';

interface Created {
  createApiKey: { token: string; apiKey: { id: string; name: string; keyRedacted: string; lastUsedAt: string | null } };
}
interface Listed {
  apiKeys: { nodes: { id: string; name: string; lastUsedAt: string | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('GraphQL API keys: createApiKey, apiKeys, revokeApiKey', () => {
  let server: TestServer;
  let url: string;
  let session: string;
  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    session = (await signUpAccount(url)).token;
  });
  afterAll(async () => server?.stop());

  it('creates a key whose token is shown once and works as a bearer token for the admin API', async () => {
    const { createApiKey } = await gqlOk<Created>(url, CREATE, { input: { name: ' deploy bot ' } }, session);
    expect(createApiKey.token).toMatch(/^ngadm-[A-Za-z0-9_-]{43}$/);
    expect(createApiKey.apiKey.name).toBe('deploy bot');
    expect(createApiKey.apiKey.keyRedacted).toContain('…');
    expect(createApiKey.apiKey.keyRedacted).not.toContain(createApiKey.token.slice(10, 30));
    expect(createApiKey.apiKey.lastUsedAt).toBeNull();

    const me = await gqlOk<{ me: { id: string } }>(url, '{ me { id } }', {}, createApiKey.token);
    const own = await gqlOk<{ me: { id: string } }>(url, '{ me { id } }', {}, session);
    expect(me.me.id).toBe(own.me.id);

    // The API key can manage the account too, e.g. create access keys.
    await gqlOk(url, 'mutation { createAccessKey(input: {name: "via api key"}) { token } }', {}, createApiKey.token);

    const listed = await gqlOk<Listed>(url, LIST, {}, session);
    const node = listed.apiKeys.nodes.find((n) => n.id === createApiKey.apiKey.id);
    expect(node?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(createApiKey.token);
  });

  it('rejects a revoked key with UNAUTHENTICATED and hides it from the list', async () => {
    const { createApiKey } = await gqlOk<Created>(url, CREATE, { input: { name: 'short-lived' } }, session);
    expect(await gqlOk(url, REVOKE, { id: createApiKey.apiKey.id }, session)).toEqual({ revokeApiKey: true });
    expect((await gqlErr(url, '{ me { id } }', {}, createApiKey.token)).code).toBe('UNAUTHENTICATED');
    const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, session);
    expect(listed.apiKeys.nodes.map((n) => n.id)).not.toContain(createApiKey.apiKey.id);
    // Revoking twice: the key no longer exists as an active key.
    expect((await gqlErr(url, REVOKE, { id: createApiKey.apiKey.id }, session)).code).toBe('NOT_FOUND');
  });

  it('lets an API key revoke itself, after which it stops working', async () => {
    const { createApiKey } = await gqlOk<Created>(url, CREATE, { input: { name: 'self' } }, session);
    await gqlOk(url, REVOKE, { id: createApiKey.apiKey.id }, createApiKey.token);
    expect((await gqlErr(url, LIST, {}, createApiKey.token)).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['an unknown id', '00000000-0000-4000-8000-000000000000'],
    ['a malformed id', 'not-an-id'],
  ])('revokeApiKey with %s is NOT_FOUND', async (_label, id) => {
    expect((await gqlErr(url, REVOKE, { id }, session)).code).toBe('NOT_FOUND');
  });

  it.each([
    ['an empty name', ''],
    ['a name with control characters', 'bad\u0007name'],
    ['an over-long name', 'x'.repeat(201)],
  ])('createApiKey rejects %s with BAD_USER_INPUT', async (_label, name) => {
    expect((await gqlErr(url, CREATE, { input: { name } }, session)).code).toBe('BAD_USER_INPUT');
  });

  it('paginates newest first with first/after and rejects first > 100 or a bad cursor', async () => {
    const { token } = await signUpAccount(url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await gqlOk<Created>(url, CREATE, { input: { name: `k${i}` } }, token)).createApiKey.apiKey.id);
    }
    const p1 = await gqlOk<Listed>(url, LIST, { first: 2 }, token);
    expect(p1.apiKeys.nodes.map((n) => n.name)).toEqual(['k4', 'k3']);
    expect(p1.apiKeys.pageInfo.hasNextPage).toBe(true);
    const p2 = await gqlOk<Listed>(url, LIST, { first: 2, after: p1.apiKeys.pageInfo.endCursor }, token);
    expect(p2.apiKeys.nodes.map((n) => n.name)).toEqual(['k2', 'k1']);
    const p3 = await gqlOk<Listed>(url, LIST, { first: 2, after: p2.apiKeys.pageInfo.endCursor }, token);
    expect(p3.apiKeys.nodes.map((n) => n.name)).toEqual(['k0']);
    expect(p3.apiKeys.pageInfo.hasNextPage).toBe(false);
    const all = await gqlOk<Listed>(url, LIST, { first: 100 }, token);
    expect(all.apiKeys.nodes.map((n) => n.id)).toEqual([...ids].reverse());

    expect((await gqlErr(url, LIST, { first: 101 }, token)).code).toBe('BAD_USER_INPUT');
    expect((await gqlErr(url, LIST, { first: 0 }, token)).code).toBe('BAD_USER_INPUT');
    expect((await gqlErr(url, LIST, { after: 'bm90IGEgY3Vyc29y' }, token)).code).toBe('BAD_USER_INPUT');
  });

  it('refuses to let an API key mint API keys, which would outlive its revocation (security review finding 8)', async () => {
    const { createApiKey: parent } = await gqlOk<Created>(url, CREATE, { input: { name: 'parent' } }, session);
    const refused = await gqlErr(url, CREATE, { input: { name: 'child' } }, parent.token);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'API keys cannot create API keys; sign in as a member to create one.' });
    const listed = await gqlOk<Listed>(url, LIST, { first: 100 }, session);
    expect(listed.apiKeys.nodes.map((n) => n.name)).not.toContain('child');
  });

  it("lets only an OWNER revoke an OWNER's API key; an ADMIN still revokes an ADMIN's (security review finding 8)", async () => {
    const admin = await addMember(url, session, 'ADMIN');
    const { createApiKey: ownerKey } = await gqlOk<Created>(url, CREATE, { input: { name: 'owner automation' } }, session);
    const { createApiKey: adminKey } = await gqlOk<Created>(url, CREATE, { input: { name: 'admin automation' } }, admin.token);
    expect(await gqlErr(url, REVOKE, { id: ownerKey.apiKey.id }, admin.token)).toMatchObject({ code: 'FORBIDDEN', message: "Only an OWNER may revoke an OWNER's API key." });
    expect((await gqlErr(url, REVOKE, { id: ownerKey.apiKey.id }, adminKey.token)).code).toBe('FORBIDDEN');
    expect((await gqlOk<{ me: { id: string } }>(url, '{ me { id } }', {}, ownerKey.token)).me.id).toBeTruthy();
    expect(await gqlOk(url, REVOKE, { id: adminKey.apiKey.id }, admin.token)).toEqual({ revokeApiKey: true });
    expect(await gqlOk(url, REVOKE, { id: ownerKey.apiKey.id }, session)).toEqual({ revokeApiKey: true });
  });

  it('requires authentication for every operation', async () => {
    expect((await gqlErr(url, LIST)).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, CREATE, { input: { name: 'x' } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, REVOKE, { id: '00000000-0000-4000-8000-000000000000' })).code).toBe('UNAUTHENTICATED');
  });
});
