import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../entities/api-key.entity.js';
import { Invitation } from '../entities/invitation.entity.js';
import { Member, type IMember } from '../entities/member.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { recordAudit } from './audit.js';
import { auditChanges, auditFields } from './audit-details.js';
import type { Caller } from './caller.js';
import { mutate, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { isRole, roleAtLeast, type Role } from './roles.js';
import { uuidSchema } from './validate.js';

export async function listMembers(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IMember>> {
  return paginate(em, Member, { accountId }, args);
}

export async function getMember(em: EntityManager, accountId: string, id: string): Promise<IMember> {
  const member = uuidSchema.safeParse(id).success ? await em.findOne(Member, { id, accountId }) : null;
  if (!member) throw new NotFoundError('Member', id);
  return member;
}

/** Only an OWNER may change, remove or create an OWNER (ADMIN may do everything else). */
export function assertMayManage(caller: Caller, role: Role): void {
  if (role === 'OWNER' && caller.role !== 'OWNER') {
    throw new PermissionError('forbidden', 'Only an OWNER may add, change or remove an OWNER.');
  }
}

/**
 * Whether a member with `inviterRole` may hand out `role` by invitation: inviting needs ADMIN, and
 * only an OWNER grants OWNER. An invitation stays valid only while its inviter still may.
 */
export function mayGrant(inviterRole: Role, role: Role): boolean {
  return roleAtLeast(inviterRole, 'ADMIN') && (role !== 'OWNER' || inviterRole === 'OWNER');
}

/**
 * Revokes the member's pending invitations that `role` may no longer grant (all of them when
 * `role` is null: the member is being removed), each audited as a revocation, so a removed or
 * demoted member keeps no way back in through an invitation issued earlier.
 */
async function revokeInvitationsIssuedBy(scope: MutationScope, em: EntityManager, member: IMember, role: Role | null): Promise<void> {
  const now = new Date();
  const issued = await em.find(
    Invitation,
    { accountId: member.accountId, invitedBy: member.id, acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  for (const invitation of issued) {
    if (role && mayGrant(role, invitation.role)) continue;
    invitation.revokedAt = now;
    recordAudit(em, scope.actor, {
      action: 'invitation.revoke',
      targetType: 'invitation',
      targetId: invitation.id,
      details: auditFields({ email: invitation.email, role: invitation.role }),
    });
  }
}

/** Revokes the API keys a removed member created, each audited as a revocation, as if revoked one by one. */
async function revokeApiKeysCreatedBy(scope: MutationScope, em: EntityManager, member: IMember): Promise<void> {
  const now = new Date();
  for (const key of await em.find(ApiKey, { accountId: member.accountId, memberId: member.id, revokedAt: null })) {
    key.revokedAt = now;
    recordAudit(em, scope.actor, { action: 'apiKey.revoke', targetType: 'apiKey', targetId: key.id, details: auditFields({ name: key.name, role: key.role }) });
  }
}

/**
 * Locks the organization's owners (FOR UPDATE), so two owners demoting or removing each other at
 * the same time serialise and the second one sees that it would leave none.
 */
async function assertNotLastOwner(em: EntityManager, member: IMember, verb: string): Promise<void> {
  if (member.role !== 'OWNER') return;
  const owners = await em.find(Member, { accountId: member.accountId, role: 'OWNER' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (owners.filter((o) => o.id !== member.id).length === 0) {
    throw new ConflictError(`The last OWNER cannot be ${verb}; make another member OWNER first.`);
  }
}

export async function updateMemberRole(scope: MutationScope, caller: Caller, id: string, role: string): Promise<IMember> {
  if (!isRole(role)) throw new ValidationError(`role: must be one of OWNER, ADMIN, DEVELOPER, VIEWER.`);
  return mutate(
    scope,
    async (em) => {
      const member = await getMember(em, caller.accountId, id);
      assertMayManage(caller, member.role);
      assertMayManage(caller, role);
      if (role !== 'OWNER') await assertNotLastOwner(em, member, 'demoted');
      const before = { role: member.role };
      // The member's sessions and API keys follow at once: authentication reads the role per request.
      member.role = role;
      await revokeInvitationsIssuedBy(scope, em, member, role);
      return { member, before };
    },
    ({ member, before }) => ({
      audit: {
        action: 'member.updateRole',
        targetType: 'member',
        targetId: member.id,
        details: auditChanges(before, { role: member.role }, { email: member.email }),
      },
    }),
  ).then(({ member }) => member);
}

/**
 * Removes a member (also oneself, unless the last OWNER): their sessions end with the row, and
 * the API keys they created and the invitations they issued that are still pending are revoked.
 */
export async function removeMember(scope: MutationScope, caller: Caller, id: string): Promise<boolean> {
  return mutate(
    scope,
    async (em) => {
      const member = await getMember(em, caller.accountId, id);
      assertMayManage(caller, member.role);
      await assertNotLastOwner(em, member, 'removed');
      await revokeApiKeysCreatedBy(scope, em, member);
      await revokeInvitationsIssuedBy(scope, em, member, null);
      em.remove(member);
      return member;
    },
    (member) => ({
      audit: { action: 'member.remove', targetType: 'member', targetId: member.id, details: auditFields({ email: member.email, role: member.role }) },
    }),
  ).then(() => true);
}
