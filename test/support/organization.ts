import { gqlOk, signUpAccount } from './graphql.js';

export type RoleName = 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER';
export const ROLE_NAMES: RoleName[] = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'];
export const PASSWORD = 'correct horse battery';

/** A signed-in member: session token, member id, login email. */
export interface Login {
  token: string;
  memberId: string;
  email: string;
}

/** An organization with one signed-in member per role. */
export interface Organization {
  url: string;
  accountId: string;
  members: Record<RoleName, Login>;
}

let counter = 0;
export const uniqueEmail = (tag = 'm') => `${tag}-${Date.now().toString(36)}-${counter++}@example.com`;

const INVITE = 'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id } } }';
const ACCEPT = 'mutation($token: String!, $input: AcceptInvitationInput!) { acceptInvitation(token: $token, input: $input) { token } }';
const VIEWER = '{ viewer { id } }';

export async function invite(url: string, token: string, role: RoleName, email = uniqueEmail('invitee')) {
  const data = await gqlOk<{ inviteMember: { token: string; invitation: { id: string } } }>(url, INVITE, { input: { email, role } }, token);
  return { id: data.inviteMember.invitation.id, token: data.inviteMember.token, email };
}

export async function accept(url: string, invitationToken: string, name = 'Invitee'): Promise<string> {
  return (await gqlOk<{ acceptInvitation: { token: string } }>(url, ACCEPT, { token: invitationToken, input: { name, password: PASSWORD } })).acceptInvitation
    .token;
}

/** Invites and accepts a new member with `role` (the inviter must be allowed to). */
export async function addMember(url: string, inviterToken: string, role: RoleName): Promise<Login> {
  const inv = await invite(url, inviterToken, role);
  const token = await accept(url, inv.token);
  const memberId = (await gqlOk<{ viewer: { id: string } }>(url, VIEWER, {}, token)).viewer.id;
  return { token, memberId, email: inv.email };
}

/** A new session for an existing member. */
export async function logIn(url: string, email: string): Promise<string> {
  const data = await gqlOk<{ logIn: { token: string } }>(url, 'mutation($input: LogInInput!) { logIn(input: $input) { token } }', {
    input: { email, password: PASSWORD },
  });
  return data.logIn.token;
}

/** Signs up an organization and adds an ADMIN, a DEVELOPER and a VIEWER. */
export async function createOrganization(url: string): Promise<Organization> {
  const owner = await signUpAccount(url, 'Owner');
  const ownerId = (await gqlOk<{ viewer: { id: string } }>(url, VIEWER, {}, owner.token)).viewer.id;
  const members = { OWNER: { token: owner.token, memberId: ownerId, email: owner.email } } as Record<RoleName, Login>;
  for (const role of ['ADMIN', 'DEVELOPER', 'VIEWER'] as const) members[role] = await addMember(url, owner.token, role);
  return { url, accountId: owner.accountId, members };
}
