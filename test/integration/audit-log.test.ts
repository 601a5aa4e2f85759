import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../server/src/graphql/schema.js';
import { systemActor } from '../../server/src/services/audit.js';
import { revokeAccessKey } from '../../server/src/services/access-keys.js';
import type { ChangeEvent } from '../../server/src/services/change-events.js';
import { ADMIN_OPERATIONS, OPERATIONS_ENV } from '../support/admin-operations.js';
import { gql, gqlErr, gqlOk } from '../support/graphql.js';
import { addMember, createOrganization, PASSWORD, type Organization } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

interface AuditRow {
  id: string;
  account_id: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: unknown;
}

interface DetailsView {
  fields: { field: string; value: string | null }[];
  changes: { field: string; from: string | null; to: string | null }[];
  truncated: boolean;
}

const DETAILS = `query($filter: AuditFilter) {
  auditEvents(filter: $filter, first: 100) {
    nodes { id action targetId details { fields { field value } changes { field from to } truncated } }
  }
}`;

const AUDIT = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    nodes { id createdAt actorType actorId actorName action targetType targetId ip }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('audit log', async () => {
  const schema = await buildGatewaySchema();
  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
  let server: TestServer;
  let org: Organization;
  const rows = (where = 'true', params: unknown[] = []) =>
    server.services.orm.em.fork().execute<AuditRow[]>(`select * from audit_event where ${where} order by created_at, id`, params);

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    server = await startTestServer(OPERATIONS_ENV);
    org = await createOrganization(server.url);
  }, 120_000);
  afterAll(async () => server?.stop());

  /** The events of one action on one target, newest first, with their details, as an ADMIN reads them. */
  const eventsOf = async (action: string, targetId: string) =>
    (
      await gqlOk<{ auditEvents: { nodes: { id: string; action: string; targetId: string; details: DetailsView | null }[] } }>(
        server.url,
        DETAILS,
        { filter: { action, targetId } },
        org.members.ADMIN.token,
      )
    ).auditEvents.nodes;
  const fieldsOf = (d: DetailsView | null) => Object.fromEntries((d?.fields ?? []).map((f) => [f.field, f.value]));

  it.each(mutations)('%s writes exactly one audit event (none if it changes nothing), with its action, actor and no secret', async (op) => {
    const spec = ADMIN_OPERATIONS[op];
    expect(spec?.audit !== undefined, `no audit action for ${op} in test/support/admin-operations.ts`).toBe(true);
    const call = await spec.invoke(org, 'OWNER');
    const before = await rows();
    const result = await gql(server.url, call.query, call.variables, call.token ?? org.members.OWNER.token);
    expect(result.errors).toBeUndefined();
    const added = (await rows()).filter((r) => !before.some((b) => b.id === r.id));
    if (spec.audit === null) {
      expect(added).toEqual([]);
      return;
    }
    expect(spec.audit).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/);
    expect(added.map((r) => r.action)).toEqual([spec.audit]);
    const [event] = added;
    expect(event.actor_type).toBe('member');
    expect(event.actor_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.ip).toBeTruthy();
    const text = JSON.stringify(event);
    for (const secret of [/ng(sess|adm|inv)?-[A-Za-z0-9_-]{20,}/, /sk-[a-z-]*fixture/, new RegExp(PASSWORD)]) expect(text).not.toMatch(secret);
  });

  it('writes nothing when the change fails (same transaction)', async () => {
    const owner = org.members.OWNER.token;
    const config = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      server.url,
      'mutation { createAccessKeyConfiguration(input: { name: "in use" }) { id } }',
      {},
      owner,
    );
    const id = config.createAccessKeyConfiguration.id;
    await gqlOk(server.url, 'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }', { input: { name: 'user', configurationId: id } }, owner);
    const before = (await rows()).length;
    expect((await gqlErr(server.url, 'mutation($id: ID!) { deleteAccessKeyConfiguration(id: $id) }', { id }, owner)).code).toBe('CONFLICT');
    expect((await gqlErr(server.url, 'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") }', {}, owner)).code).toBe('NOT_FOUND');
    expect((await rows()).length).toBe(before);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const em = server.services.orm.em.fork();
    await expect(em.execute(`update audit_event set action = 'x.y'`)).rejects.toThrow(/append-only/);
    await expect(em.execute(`delete from audit_event`)).rejects.toThrow(/append-only/);
    await expect(em.execute(`truncate audit_event`)).rejects.toThrow(/append-only/);
    expect((await rows(`action = 'x.y'`)).length).toBe(0);
  });

  it('lists newest first with filters and cursor pagination, only for the own organization', async () => {
    const admin = org.members.ADMIN.token;
    const all = (await gqlOk<{ auditEvents: { nodes: { id: string; createdAt: string; action: string; actorId: string | null; targetId: string | null }[] } }>(
      server.url,
      AUDIT,
      { first: 100 },
      admin,
    )).auditEvents.nodes;
    expect(all.length).toBeGreaterThan(10);
    const times = all.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const page1 = (await gqlOk<{ auditEvents: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(server.url, AUDIT, { first: 3 }, admin))
      .auditEvents;
    const page2 = (await gqlOk<{ auditEvents: { nodes: { id: string }[] } }>(server.url, AUDIT, { first: 3, after: page1.pageInfo.endCursor }, admin)).auditEvents;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect([...page1.nodes, ...page2.nodes].map((e) => e.id)).toEqual(all.slice(0, 6).map((e) => e.id));

    const invites = (await gqlOk<{ auditEvents: { nodes: { action: string }[] } }>(server.url, AUDIT, { filter: { action: 'member.invite' }, first: 100 }, admin)).auditEvents.nodes;
    expect(invites.length).toBeGreaterThan(0);
    expect(new Set(invites.map((e) => e.action))).toEqual(new Set(['member.invite']));

    const byActor = (await gqlOk<{ auditEvents: { nodes: { actorId: string }[] } }>(server.url, AUDIT, { filter: { actorId: org.members.VIEWER.memberId }, first: 100 }, admin))
      .auditEvents.nodes;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actorId === org.members.VIEWER.memberId)).toBe(true);

    const target = all.find((e) => e.targetId)!.targetId!;
    const byTarget = (await gqlOk<{ auditEvents: { nodes: { targetId: string }[] } }>(server.url, AUDIT, { filter: { targetId: target }, first: 100 }, admin)).auditEvents.nodes;
    expect(byTarget.length).toBeGreaterThan(0);
    expect(byTarget.every((e) => e.targetId === target)).toBe(true);

    const future = (await gqlOk<{ auditEvents: { nodes: unknown[] } }>(server.url, AUDIT, { filter: { from: new Date(Date.now() + 60_000).toISOString() } }, admin)).auditEvents.nodes;
    expect(future).toEqual([]);
    const past = (await gqlOk<{ auditEvents: { nodes: unknown[] } }>(server.url, AUDIT, { filter: { to: '2020-01-01T00:00:00Z' } }, admin)).auditEvents.nodes;
    expect(past).toEqual([]);

    const other = await createOrganization(server.url);
    const theirs = (await gqlOk<{ auditEvents: { nodes: { id: string }[] } }>(server.url, AUDIT, { first: 100 }, other.members.OWNER.token)).auditEvents.nodes;
    expect(theirs.some((e) => all.some((a) => a.id === e.id))).toBe(false);
    const otherRows = await rows('account_id = ?', [other.accountId]);
    expect(theirs.map((e) => e.id).sort()).toEqual(otherRows.map((r) => r.id).sort());
  });

  it('audits and publishes from the service, whoever calls it (here: a job acting as the system)', async () => {
    const owner = org.members.OWNER.token;
    const key = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(server.url, 'mutation { createAccessKey(input: { name: "job" }) { accessKey { id } } }', {}, owner);
    const id = key.createAccessKey.accessKey.id;
    const published: ChangeEvent[] = [];
    const unsubscribe = server.services.events.subscribe((e) => published.push(e));
    try {
      await revokeAccessKey({ em: server.services.orm.em.fork(), actor: systemActor(org.accountId), events: server.services.events }, id);
    } finally {
      unsubscribe();
    }
    expect(published).toEqual([expect.objectContaining({ kind: 'accessKey', accountId: org.accountId })]);
    const [event] = await rows('target_id = ? and action = ?', [id, 'accessKey.revoke']);
    expect(event).toMatchObject({ actor_type: 'system', actor_id: null, account_id: org.accountId });
  });

  describe('details: what changed', () => {
    it('records a role change from → to, with whose role it was', async () => {
      const member = await addMember(server.url, org.members.OWNER.token, 'VIEWER');
      await gqlOk(server.url, 'mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { id } }', { id: member.memberId }, org.members.OWNER.token);
      const [event] = await eventsOf('member.updateRole', member.memberId);
      expect(event.details?.changes).toEqual([{ field: 'role', from: 'VIEWER', to: 'ADMIN' }]);
      expect(fieldsOf(event.details)).toEqual({ email: member.email });
    });

    it("records an access key's changed limits from → to, and only the fields that changed", async () => {
      const owner = org.members.OWNER.token;
      const created = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
        server.url,
        'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }',
        { input: { name: 'budgeted', limits: { budgetUsd: '10', tokensPerMinute: 5000 } } },
        owner,
      );
      const id = created.createAccessKey.accessKey.id;
      const [create] = await eventsOf('accessKey.create', id);
      expect(fieldsOf(create.details)).toEqual({ name: 'budgeted', budgetUsd: '10.00', budgetPeriod: 'MONTH', tokensPerMinute: '5000' });

      await gqlOk(
        server.url,
        'mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }',
        { id, input: { limits: { budgetUsd: '100', requestsPerMinute: 60, tokensPerMinute: null } } },
        owner,
      );
      const [update] = await eventsOf('accessKey.update', id);
      expect(update.details?.changes).toEqual([
        { field: 'budgetUsd', from: '10.00', to: '100.00' },
        { field: 'requestsPerMinute', from: null, to: '60' },
        { field: 'tokensPerMinute', from: '5000', to: null },
      ]);
      expect(fieldsOf(update.details)).toEqual({ name: 'budgeted' });
    });

    it('records a provider key create and rotation by name, provider and redacted form, never the key', async () => {
      const owner = org.members.OWNER.token;
      const original = 'sk-audit-original-9f8e7d6c5b4a39281706';
      const rotated = 'sk-audit-rotated-0a1b2c3d4e5f60718293';
      const created = await gqlOk<{ createProviderKey: { id: string } }>(
        server.url,
        'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
        { input: { provider: 'openai', name: 'audited key', key: original, priority: 2 } },
        owner,
      );
      const id = created.createProviderKey.id;
      const rotation = await gqlOk<{ rotateProviderKey: { keyRedacted: string } }>(
        server.url,
        'mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { keyRedacted } }',
        { id, key: rotated },
        owner,
      );

      const [create] = await eventsOf('providerKey.create', id);
      expect(fieldsOf(create.details)).toEqual({ name: 'audited key', provider: 'openai', priority: '2' });
      const [rotate] = await eventsOf('providerKey.rotate', id);
      expect(fieldsOf(rotate.details)).toEqual({ name: 'audited key', provider: 'openai', rotated: 'true', keyRedacted: rotation.rotateProviderKey.keyRedacted });

      // Neither value, nor the part of it a redaction hides, in what the API returns or the table stores.
      const stored = JSON.stringify(await rows('target_id = ?', [id]));
      const returned = JSON.stringify([create, rotate]);
      for (const secret of [original, rotated]) {
        const hidden = secret.slice(8, -4);
        for (const text of [stored, returned]) {
          expect(text).not.toContain(secret);
          expect(text).not.toContain(hidden);
        }
      }
    });

    it('stores a name with a lone surrogate (valid JSON, refused by jsonb) as the object stores it, instead of failing the change', async () => {
      const created = await gql<{ createAccessKey: { accessKey: { id: string } } }>(
        server.url,
        'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }',
        { input: { name: 'lone \ud800 surrogate', description: 'trailing \udfff' } },
        org.members.OWNER.token,
      );
      expect(created.errors).toBeUndefined();
      const { id } = created.data!.createAccessKey.accessKey;
      const [event] = await eventsOf('accessKey.create', id);
      expect(fieldsOf(event.details)).toMatchObject({ name: 'lone \ufffd surrogate', description: 'trailing \ufffd' });
    });

    it('records account settings changes from → to (token caps)', async () => {
      const owner = org.members.OWNER.token;
      const update = 'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id } }';
      await gqlOk(server.url, update, { input: { maxInputTokens: 1000, maxOutputTokens: null } }, owner);
      await gqlOk(server.url, update, { input: { maxInputTokens: 2000, maxOutputTokens: 500 } }, owner);
      const [latest] = await eventsOf('settings.update', org.accountId);
      expect(latest.details?.changes).toEqual([
        { field: 'maxInputTokens', from: '1000', to: '2000' },
        { field: 'maxOutputTokens', from: null, to: '500' },
      ]);
    });

    it('reads an event that records no details (as every event written before them) as null', async () => {
      const [event] = (await rows(`details is null and account_id = ?`, [org.accountId])).slice(-1);
      expect(event).toBeDefined();
      const [read] = (await eventsOf(event.action, event.target_id ?? '')).filter((e) => e.id === event.id);
      expect(read?.details).toBeNull();
    });
  });
});
