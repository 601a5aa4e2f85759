import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { accept, addMember, createOrganization, invite, logIn, PASSWORD, uniqueEmail, type Organization } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const VIEWER = '{ viewer { id email role } }';
const MEMBERS = '{ members(first: 100) { nodes { id email role } } }';
const INVITATIONS = '{ invitations(first: 100) { nodes { id email role expiresAt } } }';
const UPDATE_ROLE = 'mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role } }';
const REMOVE = 'mutation($id: ID!) { removeMember(id: $id) }';
const SESSIONS = '{ sessions(first: 100) { nodes { id current ip userAgent } } }';

describe('organizations: members, invitations, roles, sessions', () => {
  let server: TestServer;
  let url: string;
  let org: Organization;
  const sql = <T>(query: string, params: unknown[] = []) => server.services.orm.em.fork().execute<T[]>(query, params);
  const code = async (query: string, variables: Record<string, unknown>, token?: string) => (await gql(url, query, variables, token)).errors?.[0]?.extensions?.code;

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
    url = server.url;
    org = await createOrganization(url);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('signUp makes the first member OWNER; me is the organization, viewer the member', async () => {
    const { token, accountId, email } = await signUpAccount(url, 'Founder');
    const data = await gqlOk<{ me: { id: string; email: string }; viewer: { email: string; role: string } }>(url, `{ me { id email } ${VIEWER.slice(1, -1)} }`, {}, token);
    expect(data.me).toEqual({ id: accountId, email });
    expect(data.viewer).toMatchObject({ email, role: 'OWNER' });
  });

  describe('invitations', () => {
    it('invite → pending with a once-shown token (only its hash stored) → accept creates the login → reuse refused', async () => {
      const owner = org.members.OWNER.token;
      const inv = await invite(url, owner, 'DEVELOPER');
      expect(inv.token).toMatch(/^nginv-[A-Za-z0-9_-]{43}$/);
      const pending = (await gqlOk<{ invitations: { nodes: { id: string; email: string; role: string; expiresAt: string }[] } }>(url, INVITATIONS, {}, owner)).invitations.nodes;
      const listed = pending.find((i) => i.id === inv.id)!;
      expect(listed).toMatchObject({ email: inv.email, role: 'DEVELOPER' });
      expect(Date.parse(listed.expiresAt) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
      const [row] = await sql<Record<string, unknown>>('select * from invitation where id = ?', [inv.id]);
      expect(row.token_hash).toBe(createHash('sha256').update(inv.token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(inv.token);

      const session = await accept(url, inv.token, 'Dev');
      expect((await gqlOk<{ viewer: { email: string; role: string } }>(url, VIEWER, {}, session)).viewer).toMatchObject({ email: inv.email, role: 'DEVELOPER' });
      expect((await gqlOk<{ me: { id: string } }>(url, '{ me { id } }', {}, await logIn(url, inv.email))).me.id).toBe(org.accountId);
      expect((await gqlOk<{ invitations: { nodes: { id: string }[] } }>(url, INVITATIONS, {}, owner)).invitations.nodes.map((i) => i.id)).not.toContain(inv.id);

      const reuse = await gqlErr(url, 'mutation($t: String!) { acceptInvitation(token: $t, input: { password: "another password" }) { token } }', { t: inv.token });
      expect(reuse).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/already been used/) });
    });

    it('refuses a revoked, an expired, a replaced and an unknown token', async () => {
      const owner = org.members.OWNER.token;
      const tryAccept = (t: string) => gqlErr(url, 'mutation($t: String!) { acceptInvitation(token: $t, input: { password: "correct horse battery" }) { token } }', { t });

      const revoked = await invite(url, owner, 'VIEWER');
      expect(await gqlOk(url, 'mutation($id: ID!) { revokeInvitation(id: $id) }', { id: revoked.id }, owner)).toEqual({ revokeInvitation: true });
      expect((await tryAccept(revoked.token)).message).toMatch(/revoked/);
      expect(await code('mutation($id: ID!) { revokeInvitation(id: $id) }', { id: revoked.id }, owner)).toBe('NOT_FOUND');

      const expired = await invite(url, owner, 'VIEWER');
      await sql(`update invitation set expires_at = now() - interval '1 second' where id = ?`, [expired.id]);
      expect((await tryAccept(expired.token)).message).toMatch(/expired/);
      expect((await gqlOk<{ invitations: { nodes: { id: string }[] } }>(url, INVITATIONS, {}, owner)).invitations.nodes.map((i) => i.id)).not.toContain(expired.id);

      const email = uniqueEmail('again');
      const first = await invite(url, owner, 'VIEWER', email);
      const second = await invite(url, owner, 'ADMIN', email);
      expect((await tryAccept(first.token)).message).toMatch(/revoked/);
      await accept(url, second.token);

      expect((await tryAccept('nginv-not-a-real-token')).code).toBe('BAD_USER_INPUT');
      expect((await tryAccept('ngsess-whatever')).code).toBe('BAD_USER_INPUT');
      expect(await code('mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }', { input: { email, role: 'VIEWER' } }, owner)).toBe('CONFLICT');
    });
  });

  describe('roles', () => {
    it('keeps the last OWNER: no demotion, no removal (CONFLICT), until another OWNER exists', async () => {
      const solo = await createOrganization(url);
      const owner = solo.members.OWNER;
      expect(await code(UPDATE_ROLE, { id: owner.memberId, role: 'ADMIN' }, owner.token)).toBe('CONFLICT');
      expect(await code(REMOVE, { id: owner.memberId }, owner.token)).toBe('CONFLICT');
      expect((await gqlOk<{ viewer: { role: string } }>(url, VIEWER, {}, owner.token)).viewer.role).toBe('OWNER');

      await gqlOk(url, UPDATE_ROLE, { id: solo.members.ADMIN.memberId, role: 'OWNER' }, owner.token);
      expect(await gqlOk(url, REMOVE, { id: owner.memberId }, owner.token)).toEqual({ removeMember: true });
      expect(await code(VIEWER, {}, owner.token)).toBe('UNAUTHENTICATED');
      const newOwner = solo.members.ADMIN;
      expect(await code(UPDATE_ROLE, { id: newOwner.memberId, role: 'VIEWER' }, newOwner.token)).toBe('CONFLICT');
    });

    it('lets an ADMIN manage everyone but OWNERs: no changing, removing, inviting or granting OWNER', async () => {
      const admin = org.members.ADMIN.token;
      const ownerId = org.members.OWNER.memberId;
      expect(await code(UPDATE_ROLE, { id: ownerId, role: 'VIEWER' }, admin)).toBe('FORBIDDEN');
      expect(await code(REMOVE, { id: ownerId }, admin)).toBe('FORBIDDEN');
      expect(await code('mutation { inviteMember(input: { email: "boss@example.com", role: OWNER }) { token } }', {}, admin)).toBe('FORBIDDEN');
      const dev = await addMember(url, admin, 'DEVELOPER');
      expect(await code(UPDATE_ROLE, { id: dev.memberId, role: 'OWNER' }, admin)).toBe('FORBIDDEN');
      expect((await gqlOk<{ updateMemberRole: { role: string } }>(url, UPDATE_ROLE, { id: dev.memberId, role: 'ADMIN' }, admin)).updateMemberRole.role).toBe('ADMIN');
      const roles = (await gqlOk<{ members: { nodes: { id: string; role: string }[] } }>(url, MEMBERS, {}, admin)).members.nodes;
      expect(roles.find((m) => m.id === ownerId)?.role).toBe('OWNER');
    });

    it('applies a role change and a removal to existing sessions and API keys at once', async () => {
      const owner = org.members.OWNER.token;
      const member = await addMember(url, owner, 'ADMIN');
      const apiKey = (await gqlOk<{ createApiKey: { token: string } }>(url, 'mutation { createApiKey(input: { name: "m" }) { token } }', {}, member.token)).createApiKey.token;

      await gqlOk(url, UPDATE_ROLE, { id: member.memberId, role: 'VIEWER' }, owner);
      expect((await gqlOk<{ viewer: { role: string } }>(url, VIEWER, {}, member.token)).viewer.role).toBe('VIEWER');
      expect(await code('mutation { purchaseCredits(amountUsd: "5.00") { id } }', {}, member.token)).toBe('FORBIDDEN');
      expect(await code('mutation { purchaseCredits(amountUsd: "5.00") { id } }', {}, apiKey)).toBe('FORBIDDEN');

      const [{ id: apiKeyId }] = await sql<{ id: string }>('select id::text as id from api_key where member_id = ?', [member.memberId]);
      await gqlOk(url, REMOVE, { id: member.memberId }, owner);
      expect(await code('{ me { id } }', {}, member.token)).toBe('UNAUTHENTICATED');
      expect(await code('{ me { id } }', {}, apiKey)).toBe('UNAUTHENTICATED');
      // The key's revocation is in the audit log like one revoked by hand, by whoever removed the member.
      const revoked = await sql<{ actor_id: string; details: { fields: Record<string, string> } }>(
        `select actor_id, details from audit_event where action = 'apiKey.revoke' and target_id = ?`,
        [apiKeyId],
      );
      expect(revoked).toEqual([{ actor_id: org.members.OWNER.memberId, details: { fields: { name: 'm', role: 'ADMIN' } } }]);
      expect((await gqlErr(url, 'mutation($input: LogInInput!) { logIn(input: $input) { token } }', { input: { email: member.email, password: PASSWORD } })).code).toBe(
        'UNAUTHENTICATED',
      );
    });
  });

  describe('invitations after their inviter leaves or is demoted', () => {
    it("revokes a removed or demoted member's pending invitations (audited), and refuses an invitation whose inviter may no longer grant its role (security review finding 1)", async () => {
      const team = await createOrganization(url);
      const owner = team.members.OWNER.token;
      const tryAccept = (t: string) => gqlErr(url, 'mutation($t: String!) { acceptInvitation(token: $t, input: { password: "correct horse battery" }) { token } }', { t });
      const pendingIds = async () => (await gqlOk<{ invitations: { nodes: { id: string }[] } }>(url, INVITATIONS, {}, owner)).invitations.nodes.map((i) => i.id);
      const revocations = async (id: string) =>
        (await sql<{ action: string; actor_id: string }>(`select action, actor_id from audit_event where target_id = ? and action = 'invitation.revoke'`, [id])).map((r) => r.actor_id);

      // Removed: an ADMIN's invitation as ADMIN (the way back in the review found) is revoked with them.
      const leaving = await addMember(url, owner, 'ADMIN');
      const backdoor = await invite(url, leaving.token, 'ADMIN');
      await gqlOk(url, REMOVE, { id: leaving.memberId }, owner);
      expect(await pendingIds()).not.toContain(backdoor.id);
      expect(await revocations(backdoor.id)).toEqual([team.members.OWNER.memberId]);
      expect((await tryAccept(backdoor.token)).message).toMatch(/revoked/);

      // Demoted to DEVELOPER: may invite nobody any more, so both of their invitations go.
      const demoted = await addMember(url, owner, 'ADMIN');
      const asAdmin = await invite(url, demoted.token, 'ADMIN');
      const asViewer = await invite(url, demoted.token, 'VIEWER');
      // An OWNER demoted to ADMIN keeps the invitations an ADMIN may still grant, loses the OWNER one.
      const exOwner = await addMember(url, owner, 'ADMIN');
      await gqlOk(url, UPDATE_ROLE, { id: exOwner.memberId, role: 'OWNER' }, owner);
      const ownerInvite = await invite(url, exOwner.token, 'OWNER');
      const adminInvite = await invite(url, exOwner.token, 'ADMIN');
      await gqlOk(url, UPDATE_ROLE, { id: demoted.memberId, role: 'DEVELOPER' }, owner);
      await gqlOk(url, UPDATE_ROLE, { id: exOwner.memberId, role: 'ADMIN' }, owner);
      const pending = await pendingIds();
      expect(pending).not.toContain(asAdmin.id);
      expect(pending).not.toContain(asViewer.id);
      expect(pending).not.toContain(ownerInvite.id);
      expect(pending).toContain(adminInvite.id);
      expect(await revocations(ownerInvite.id)).toHaveLength(1);
      expect(await revocations(adminInvite.id)).toEqual([]);

      // At accept time too, whatever the invitation row says: the inviter must still exist and may grant the role.
      await sql(`update invitation set revoked_at = null where id in (?, ?)`, [backdoor.id, ownerInvite.id]);
      for (const token of [backdoor.token, ownerInvite.token]) {
        expect(await tryAccept(token)).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/no longer valid: the member who sent it has left the organization or may no longer grant/) });
      }
      await accept(url, adminInvite.token);
    });
  });

  describe('sessions', () => {
    it('lists your own sessions, revokes one, and signs out everywhere', async () => {
      const member = await addMember(url, org.members.OWNER.token, 'VIEWER');
      const second = await logIn(url, member.email);
      const list = (await gqlOk<{ sessions: { nodes: { id: string; current: boolean; ip: string }[] } }>(url, SESSIONS, {}, member.token)).sessions.nodes;
      expect(list).toHaveLength(2);
      expect(list.filter((s) => s.current)).toHaveLength(1);
      const other = list.find((s) => !s.current)!;
      expect(other.ip).toBeTruthy();

      // Another member's session reads as not found.
      expect(await code('mutation($id: ID!) { revokeSession(id: $id) }', { id: other.id }, org.members.OWNER.token)).toBe('NOT_FOUND');
      expect(await gqlOk(url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: other.id }, member.token)).toEqual({ revokeSession: true });
      expect(await code('{ me { id } }', {}, second)).toBe('UNAUTHENTICATED');
      expect(await code('{ me { id } }', {}, member.token)).toBeUndefined();

      const third = await logIn(url, member.email);
      expect(await gqlOk(url, 'mutation { logOutEverywhere }', {}, member.token)).toEqual({ logOutEverywhere: 2 });
      expect(await code('{ me { id } }', {}, member.token)).toBe('UNAUTHENTICATED');
      expect(await code('{ me { id } }', {}, third)).toBe('UNAUTHENTICATED');
    });
  });

  it('isolates organizations: another organization’s members, invitations and sessions read as not found', async () => {
    const other = await createOrganization(url);
    const theirAdmin = other.members.ADMIN.token;
    const mine = await invite(url, org.members.OWNER.token, 'VIEWER');
    const myViewerSession = (await gqlOk<{ sessions: { nodes: { id: string }[] } }>(url, SESSIONS, {}, org.members.VIEWER.token)).sessions.nodes[0].id;

    expect(await code(UPDATE_ROLE, { id: org.members.VIEWER.memberId, role: 'ADMIN' }, theirAdmin)).toBe('NOT_FOUND');
    expect(await code(REMOVE, { id: org.members.VIEWER.memberId }, theirAdmin)).toBe('NOT_FOUND');
    expect(await code('mutation($id: ID!) { revokeInvitation(id: $id) }', { id: mine.id }, theirAdmin)).toBe('NOT_FOUND');
    expect(await code('mutation($id: ID!) { revokeSession(id: $id) }', { id: myViewerSession }, other.members.VIEWER.token)).toBe('NOT_FOUND');
    const theirMembers = (await gqlOk<{ members: { nodes: { id: string }[] } }>(url, MEMBERS, {}, theirAdmin)).members.nodes.map((m) => m.id);
    expect(theirMembers.sort()).toEqual(Object.values(other.members).map((m) => m.memberId).sort());
    const theirInvitations = (await gqlOk<{ invitations: { nodes: { id: string }[] } }>(url, INVITATIONS, {}, theirAdmin)).invitations.nodes.map((i) => i.id);
    expect(theirInvitations).not.toContain(mine.id);
    expect((await gqlOk<{ viewer: { role: string } }>(url, VIEWER, {}, org.members.VIEWER.token)).viewer.role).toBe('VIEWER');
  });
});
