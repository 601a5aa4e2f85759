import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../server/src/graphql/schema.js';
import { ADMIN_OPERATIONS, OPERATIONS_ENV, type Rule } from '../support/admin-operations.js';
import { dbFingerprint } from '../support/db-fingerprint.js';
import { gql } from '../support/graphql.js';
import { addMember, createOrganization, ROLE_NAMES, type Organization, type RoleName } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const RANK: Record<Rule, number> = { PUBLIC: -1, VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };
const allows = (rule: Rule, role: RoleName) => RANK[role] >= RANK[rule];

function rootOperations(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
}

describe('authorization: every operation of the schema × every role', async () => {
  // Enumerated from the schema itself, so an operation added without a line in ADMIN_OPERATIONS fails here.
  const operations = rootOperations(await buildGatewaySchema());
  let server: TestServer;
  let org: Organization;

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    server = await startTestServer(OPERATIONS_ENV);
    org = await createOrganization(server.url);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('knows the rule of every operation in the schema (add new operations to test/support/admin-operations.ts)', () => {
    expect(operations.filter((op) => !ADMIN_OPERATIONS[op])).toEqual([]);
    expect(Object.keys(ADMIN_OPERATIONS).filter((op) => !operations.includes(op))).toEqual([]);
  });

  it.each(operations)('%s: allowed roles succeed; lower roles get FORBIDDEN and change nothing; no token gets UNAUTHENTICATED', async (op) => {
    const spec = ADMIN_OPERATIONS[op];
    expect(spec, `no rule for ${op} in test/support/admin-operations.ts`).toBeDefined();
    for (const role of ROLE_NAMES) {
      const call = await spec.invoke(org, role);
      const before = allows(spec.rule, role) ? null : await dbFingerprint(server);
      const result = await gql(server.url, call.query, call.variables, call.token ?? org.members[role].token);
      if (before) {
        expect(result.errors?.map((e) => e.extensions?.code), `${op} as ${role}`).toEqual(['FORBIDDEN']);
        expect(await dbFingerprint(server), `${op} as ${role} changed data`).toEqual(before);
      } else {
        expect(result.errors, `${op} as ${role}`).toBeUndefined();
      }
    }
    const call = await spec.invoke(org, 'VIEWER');
    const before = spec.rule === 'PUBLIC' ? null : await dbFingerprint(server);
    const anonymous = await gql(server.url, call.query, call.variables);
    if (before) {
      expect(anonymous.errors?.map((e) => e.extensions?.code), `${op} without a token`).toEqual(['UNAUTHENTICATED']);
      expect(await dbFingerprint(server)).toEqual(before);
    } else {
      expect(anonymous.errors, `${op} without a token`).toBeUndefined();
    }
  });

  it('lets an API key act with its own role, never above its creator, and follows a demotion at once', async () => {
    const owner = org.members.OWNER.token;
    const create = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { token apiKey { id role } } }';
    const viewerKey = await gql<{ createApiKey: { token: string; apiKey: { role: string } } }>(server.url, create, { input: { name: 'ro', role: 'VIEWER' } }, owner);
    expect(viewerKey.data?.createApiKey.apiKey.role).toBe('VIEWER');
    const token = viewerKey.data!.createApiKey.token;
    expect((await gql(server.url, '{ accessKeys { nodes { id } } }', {}, token)).errors).toBeUndefined();
    expect((await gql(server.url, 'mutation { createAccessKey(input: { name: "x" }) { token } }', {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(server.url, '{ viewer { id } }', {}, token)).data).toEqual({ viewer: null });

    // An ADMIN cannot mint an OWNER key; the ADMIN's own key follows the ADMIN's demotion.
    const admin = org.members.ADMIN;
    expect((await gql(server.url, create, { input: { name: 'up', role: 'OWNER' } }, admin.token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const adminKey = (await gql<{ createApiKey: { token: string; apiKey: { role: string } } }>(server.url, create, { input: { name: 'adm' } }, admin.token)).data!
      .createApiKey;
    expect(adminKey.apiKey.role).toBe('ADMIN');
    const spare = await addMember(server.url, owner, 'ADMIN');
    const spareKey = (await gql<{ createApiKey: { token: string } }>(server.url, create, { input: { name: 'spare' } }, spare.token)).data!.createApiKey.token;
    await gql(server.url, 'mutation($id: ID!) { updateMemberRole(id: $id, role: VIEWER) { id } }', { id: spare.memberId }, owner);
    expect((await gql(server.url, 'mutation { createApiKey(input: { name: "z" }) { token } }', {}, spareKey)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(server.url, '{ accessKeys { nodes { id } } }', {}, spareKey)).errors).toBeUndefined();
  });
});
