/**
 * invitationPreview: the accept page reads what an invitation offers before the invitee sets a
 * password. It must apply acceptInvitation's rules (never PENDING for one acceptance refuses),
 * never echo the token, and cost from the same per-address allowance as acceptInvitation, so it is
 * no cheaper way to guess tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { accept, addMember, createOrganization, invite, PASSWORD, uniqueEmail, type Organization } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** A preview of an invitation that cannot be used: its state and nothing else. */
const NOTHING_BUT_STATE = { organization: null, role: null, invitedBy: null, email: null, expiresAt: null };
const PREVIEW = 'query($token: String!) { invitationPreview(token: $token) { organization role invitedBy email expiresAt state } }';
const ACCEPT = 'mutation($t: String!) { acceptInvitation(token: $t, input: { password: "correct horse battery" }) { token } }';
const UPDATE_ROLE = 'mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id } }';
const REMOVE = 'mutation($id: ID!) { removeMember(id: $id) }';

interface Preview {
  organization: string | null;
  role: string | null;
  invitedBy: string | null;
  email: string | null;
  expiresAt: string | null;
  state: string;
}

interface PreviewAnswer {
  body: { data?: { invitationPreview: Preview | null } | null; errors?: { message: string; extensions: { code: string } }[] };
  retryAfter: string | null;
}

/** Previews without signing in; the raw answer, which must never hold the token or its stored hash. */
async function previewRaw(url: string, token: string): Promise<PreviewAnswer> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: PREVIEW, variables: { token } }) });
  const text = await res.text();
  if (token) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(createHash('sha256').update(token).digest('hex'));
  }
  return { body: JSON.parse(text) as PreviewAnswer['body'], retryAfter: res.headers.get('retry-after') };
}

async function preview(url: string, token: string): Promise<Preview | null> {
  const { body } = await previewRaw(url, token);
  expect(body.errors).toBeUndefined();
  return body.data!.invitationPreview;
}

describe('invitationPreview', () => {
  let server: TestServer;
  let url: string;
  let org: Organization;
  let orgName = '';
  const sql = (query: string, params: unknown[] = []) => server.services.orm.em.fork().execute(query, params);
  const refusal = async (token: string) => (await gqlErr(url, ACCEPT, { t: token })).message;

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
    url = server.url;
    org = await createOrganization(url);
    // A name of its own, so the organization cannot pass for the inviter (both are "Owner" after sign-up).
    orgName = 'Acme Robotics';
    await sql('update account set name = ? where id = ?', [orgName, org.accountId]);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('shows a pending invitation: organization, role, inviter, email, expiry; ACCEPTED once used', async () => {
    const inv = await invite(url, org.members.OWNER.token, 'DEVELOPER');
    const shown = await preview(url, inv.token);
    expect(shown).toMatchObject({ organization: orgName, role: 'DEVELOPER', invitedBy: 'Owner', email: inv.email, state: 'PENDING' });
    expect(Date.parse(shown!.expiresAt!) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);

    await accept(url, inv.token);
    expect(await preview(url, inv.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'ACCEPTED' });
  });

  it('names no organization by its owner: an organization without a name reads null, not its email', async () => {
    const unnamed = await createOrganization(url);
    await sql('update account set name = null where id = ?', [unnamed.accountId]);
    const inv = await invite(url, unnamed.members.OWNER.token, 'VIEWER');
    const shown = await preview(url, inv.token);
    expect(shown).toMatchObject({ organization: null, state: 'PENDING' });
    expect(JSON.stringify(shown)).not.toContain(unnamed.members.OWNER.email);
  });

  it('names an inviter without a name by their email', async () => {
    const admin = await addMember(url, org.members.OWNER.token, 'ADMIN');
    await sql('update member set name = null where email = ?', [admin.email]);
    const inv = await invite(url, admin.token, 'VIEWER');
    expect(await preview(url, inv.token)).toMatchObject({ invitedBy: admin.email, state: 'PENDING' });
  });

  it('says EXPIRED for an expired invitation, which acceptance refuses', async () => {
    const inv = await invite(url, org.members.OWNER.token, 'VIEWER');
    await sql(`update invitation set expires_at = now() - interval '1 second' where id = ?`, [inv.id]);
    // An invitation that can no longer be used names nothing: it may have gone to the wrong address.
    expect(await preview(url, inv.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'EXPIRED' });
    expect(await refusal(inv.token)).toMatch(/expired/);
  });

  it('says REVOKED for a revoked invitation and for one replaced by a newer invitation to the same email', async () => {
    const owner = org.members.OWNER.token;
    const revoked = await invite(url, owner, 'VIEWER');
    await gqlOk(url, 'mutation($id: ID!) { revokeInvitation(id: $id) }', { id: revoked.id }, owner);
    expect(await preview(url, revoked.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'REVOKED' });

    const email = uniqueEmail('twice');
    const first = await invite(url, owner, 'VIEWER', email);
    const second = await invite(url, owner, 'ADMIN', email);
    expect(await preview(url, first.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'REVOKED' });
    expect(await preview(url, second.token)).toMatchObject({ role: 'ADMIN', state: 'PENDING' });
  });

  it('never says PENDING when the inviter has left or may no longer grant the role, even if the row was not revoked', async () => {
    const owner = org.members.OWNER.token;
    const demoted = await addMember(url, owner, 'ADMIN');
    const leaving = await addMember(url, owner, 'ADMIN');
    const fromDemoted = await invite(url, demoted.token, 'VIEWER');
    const fromLeaving = await invite(url, leaving.token, 'VIEWER');
    expect(await preview(url, fromDemoted.token)).toMatchObject({ state: 'PENDING', invitedBy: 'Invitee' });
    await gqlOk(url, UPDATE_ROLE, { id: demoted.memberId, role: 'DEVELOPER' }, owner);
    await gqlOk(url, REMOVE, { id: leaving.memberId }, owner);
    // Membership changes revoke these rows; un-revoke them (as for an invitation issued before that rule) to reach the inviter check itself.
    await sql('update invitation set revoked_at = null where id in (?, ?)', [fromDemoted.id, fromLeaving.id]);

    expect(await preview(url, fromDemoted.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'REVOKED' });
    expect(await preview(url, fromLeaving.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'REVOKED' });
    for (const token of [fromDemoted.token, fromLeaving.token]) expect(await refusal(token)).toMatch(/no longer valid/);
  });

  it('says LOGIN_EXISTS when the invited email has signed up since, which acceptance refuses', async () => {
    const inv = await invite(url, org.members.OWNER.token, 'VIEWER');
    await gqlOk(url, 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { email: inv.email, password: PASSWORD } });
    expect(await preview(url, inv.token)).toEqual({ ...NOTHING_BUT_STATE, state: 'LOGIN_EXISTS' });
    expect((await gqlErr(url, ACCEPT, { t: inv.token })).code).toBe('CONFLICT');
  });

  it('answers null for an unknown token, a token of another kind and an empty one', async () => {
    const unknown = `nginv-${randomBytes(32).toString('base64url')}`;
    expect(await preview(url, unknown)).toBeNull();
    expect(await preview(url, org.members.OWNER.token)).toBeNull();
    expect(await preview(url, '')).toBeNull();
  });
});

describe('invitationPreview throttle', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '4' });
  }, 120_000);
  afterAll(async () => server?.stop());

  it('counts previews per client address with signUp, logIn and acceptInvitation, and refuses past the limit with Retry-After', async () => {
    const owner = await signUpAccount(server.url); // 1 of 4
    const inv = await invite(server.url, owner.token, 'VIEWER');
    const guesses = [inv.token, `nginv-${randomBytes(32).toString('base64url')}`, `nginv-${randomBytes(32).toString('base64url')}`]; // 2–4 of 4
    for (const token of guesses) expect((await previewRaw(server.url, token)).body.errors).toBeUndefined();

    const refused = await previewRaw(server.url, inv.token);
    expect(refused.body.data?.invitationPreview ?? null).toBeNull();
    expect(refused.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // One allowance: acceptance from this address waits too.
    expect((await gqlErr(server.url, ACCEPT, { t: inv.token })).code).toBe('RATE_LIMITED');
  });
});
