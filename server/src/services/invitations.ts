import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { Invitation, type IInvitation } from '../entities/invitation.entity.js';
import { Member, type IMember } from '../entities/member.entity.js';
import type { AppError } from '../errors/app-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { emailSchema, flushNewLogin, getAccount, memberActor, type AuthResult } from './accounts.js';
import { passwordSchema } from './password-policy.js';
import { recordAudit } from './audit.js';
import { auditFields } from './audit-details.js';
import type { Caller } from './caller.js';
import { TOKEN_PREFIX, generateToken, hashPassword, hashToken } from './crypto.js';
import type { InvitationThrottle } from './invitation-throttle.js';
import type { Mailer } from './mailer.js';
import { assertMayManage, mayGrant } from './members.js';
import { mutate, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { isRole, type Role } from './roles.js';
import { startSession, type ClientInfo } from './sessions.js';
import { nameSchema, parseInput, uuidSchema } from './validate.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const InviteSchema = z.object({
  email: emailSchema,
  role: z.string().refine(isRole, 'must be one of OWNER, ADMIN, DEVELOPER, VIEWER'),
});
const AcceptSchema = z.object({ name: nameSchema().nullish(), password: passwordSchema });

const pending = (now: Date) => ({ acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } });

/** Pending invitations (not accepted, revoked or expired), newest first. */
export async function listInvitations(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IInvitation>> {
  return paginate(em, Invitation, { accountId, ...pending(new Date()) }, args);
}

/** How an invitation reaches the invitee besides the copied link: optional e-mail. */
export interface InvitationDelivery {
  mailer: Mailer | null;
  /** Base URL of the accept link in the e-mail (PUBLIC_URL, else the listen address). */
  baseUrl: string;
}

/**
 * Invites an email with a role: the token (for the accept link) is returned once and only its
 * hash is stored; it expires after 7 days. An earlier pending invitation for the same email is
 * replaced. Only an OWNER may invite an OWNER. Rate limited per organization and per recipient
 * address (`throttle`), before the address is looked up.
 */
export async function inviteMember(
  scope: MutationScope,
  caller: Caller,
  input: { email: string; role: string },
  throttle: InvitationThrottle,
  delivery: InvitationDelivery = { mailer: null, baseUrl: '' },
): Promise<{ invitation: IInvitation; token: string; emailSent: boolean }> {
  const data = parseInput(InviteSchema, input);
  const role = data.role as IInvitation['role'];
  assertMayManage(caller, role);
  await throttle.consume(caller.accountId, data.email);
  const created = await mutate(
    scope,
    async (em) => {
      if (await em.count(Member, { email: data.email })) {
        // One login per email across the gateway (logIn takes only email and password).
        throw new ConflictError(`${data.email} already has a login on this gateway.`);
      }
      const now = new Date();
      await em.nativeUpdate(Invitation, { accountId: caller.accountId, email: data.email, ...pending(now) }, { revokedAt: now });
      const token = generateToken(TOKEN_PREFIX.invitation);
      const invitation = em.create(Invitation, {
        id: randomUUID(),
        accountId: caller.accountId,
        email: data.email,
        role,
        tokenHash: hashToken(token),
        invitedBy: caller.memberId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      return { invitation, token };
    },
    ({ invitation }) => ({ audit: { action: 'member.invite', targetType: 'invitation', targetId: invitation.id, details: invitationFields(invitation) } }),
  );
  // After the commit: a slow or failing SMTP server never loses the invitation (the link is shown anyway).
  let emailSent = false;
  if (delivery.mailer) {
    const account = await getAccount(scope.em, caller.accountId);
    emailSent = await delivery.mailer.sendInvitation({
      to: created.invitation.email,
      organization: account.name ?? account.email,
      invitedBy: caller.name,
      role: created.invitation.role,
      link: acceptLink(delivery.baseUrl, created.token),
      expiresAt: created.invitation.expiresAt,
    });
  }
  return { ...created, emailSent };
}

/** The page an invitee opens (the SPA's accept-invitation route). */
export function acceptLink(baseUrl: string, token: string): string {
  return `${baseUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}

/** Whom an invitation is for and with which role (never its token), for the audit log. */
function invitationFields(invitation: IInvitation): AuditDetails {
  return auditFields({ email: invitation.email, role: invitation.role });
}

export async function revokeInvitation(scope: MutationScope, id: string): Promise<boolean> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Invitation', id);
  return mutate(
    scope,
    async (em) => {
      const now = new Date();
      // FOR UPDATE: a concurrent accept or revoke waits, then no longer finds it pending.
      const invitation = await em.findOne(Invitation, { id, accountId: scope.actor.accountId, ...pending(now) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!invitation) throw new NotFoundError('Invitation', id);
      invitation.revokedAt = now;
      return invitation;
    },
    (invitation) => ({ audit: { action: 'invitation.revoke', targetType: 'invitation', targetId: invitation.id, details: invitationFields(invitation) } }),
  ).then(() => true);
}

/**
 * Where an invitation stands, in the order acceptance checks: used, revoked, expired; whether its
 * inviter is still a member who may grant its role (a removed or demoted member's earlier
 * invitations are no way back in: they are revoked then too, and this also covers any invitation
 * issued before that rule, or a role change racing the acceptance); and whether its email got a
 * login since it was sent (one login per email across the gateway).
 */
export type InvitationStanding = 'usable' | 'accepted' | 'revoked' | 'expired' | 'inviter_cannot_grant' | 'login_exists';

/** What besides the invitation's own row decides its standing. */
export interface InvitationSurroundings {
  /** The member who sent it, if they are still in its organization. */
  inviter: IMember | null;
  loginExists: boolean;
}

/** The one validity rule, shared by acceptInvitation and previewInvitation so the preview never calls usable what acceptance refuses. */
export function standingOf(invitation: IInvitation, around: InvitationSurroundings, now: Date): InvitationStanding {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  if (invitation.expiresAt <= now) return 'expired';
  if (!around.inviter || !mayGrant(around.inviter.role, invitation.role)) return 'inviter_cannot_grant';
  if (around.loginExists) return 'login_exists';
  return 'usable';
}

async function surroundingsOf(em: EntityManager, invitation: IInvitation): Promise<InvitationSurroundings> {
  const inviter = invitation.invitedBy ? await em.findOne(Member, { id: invitation.invitedBy, accountId: invitation.accountId }) : null;
  return { inviter, loginExists: (await em.count(Member, { email: invitation.email })) > 0 };
}

/** Why a token cannot be used; one message per case so the person knows whom to ask. */
function refusal(standing: Exclude<InvitationStanding, 'usable'>, invitation: IInvitation): AppError {
  switch (standing) {
    case 'accepted':
      return new ValidationError('This invitation has already been used.');
    case 'revoked':
      return new ValidationError('This invitation has been revoked; ask for a new one.');
    case 'expired':
      return new ValidationError('This invitation has expired; ask for a new one.');
    case 'inviter_cannot_grant':
      return new ValidationError(
        `This invitation is no longer valid: the member who sent it has left the organization or may no longer grant the ${invitation.role} role; ask for a new one.`,
      );
    case 'login_exists':
      return new ConflictError('An account with this email already exists.');
  }
}

/**
 * The invitation a token stands for, found by the token's SHA-256 (an index lookup on the hash of
 * a 256-bit random token, so there is no secret comparison to time); null for anything else.
 */
async function findByToken(em: EntityManager, token: string, options: { lock?: boolean } = {}): Promise<IInvitation | null> {
  if (!token.startsWith(TOKEN_PREFIX.invitation)) return null;
  return em.findOne(Invitation, { tokenHash: hashToken(token) }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
}

export type InvitationState = 'PENDING' | 'EXPIRED' | 'REVOKED' | 'ACCEPTED' | 'LOGIN_EXISTS';

/** An invitation its inviter may no longer grant is as good as revoked (membership changes revoke such invitations anyway). */
const STATE_OF: Record<InvitationStanding, InvitationState> = {
  usable: 'PENDING',
  accepted: 'ACCEPTED',
  revoked: 'REVOKED',
  expired: 'EXPIRED',
  inviter_cannot_grant: 'REVOKED',
  login_exists: 'LOGIN_EXISTS',
};

/**
 * What the invitee sees before accepting. Whoever holds a usable token is its recipient, so the
 * email is shown whole. An invitation that can no longer be used says only its state: a revoked
 * one may have gone to the wrong address, and the invitation e-mail itself names no organization.
 */
export interface InvitationPreview {
  state: InvitationState;
  details: InvitationDetails | null;
}

export interface InvitationDetails {
  /** The organization's name; null when it has none (never its owner's email). */
  organization: string | null;
  role: Role;
  /** The inviter's name, else their email. */
  invitedBy: string | null;
  /** The login acceptance creates. */
  email: string;
  expiresAt: Date;
}

/** Looks an invitation up by its token without using it (no sign-in needed); null for an unknown token. */
export async function previewInvitation(em: EntityManager, token: string, now = new Date()): Promise<InvitationPreview | null> {
  const invitation = await findByToken(em, token);
  if (!invitation) return null;
  const around = await surroundingsOf(em, invitation);
  const state = STATE_OF[standingOf(invitation, around, now)];
  if (state !== 'PENDING') return { state, details: null };
  const account = await getAccount(em, invitation.accountId);
  return {
    state,
    details: {
      organization: account.name ?? null,
      role: invitation.role,
      invitedBy: around.inviter ? (around.inviter.name ?? around.inviter.email) : null,
      email: invitation.email,
      expiresAt: invitation.expiresAt,
    },
  };
}

/** Accepts an invitation (no sign-in needed): creates the member's login and signs them in. */
export async function acceptInvitation(
  em: EntityManager,
  token: string,
  input: { name?: string | null; password: string },
  client: ClientInfo,
): Promise<AuthResult> {
  const data = parseInput(AcceptSchema, input);
  const passwordHash = await hashPassword(data.password);
  return em.transactional(async (tem) => {
    const now = new Date();
    // FOR UPDATE: two accepts of one token serialise; the second sees acceptedAt.
    const invitation = await findByToken(tem, token, { lock: true });
    if (!invitation) throw new ValidationError('This invitation link is not valid.');
    const standing = standingOf(invitation, await surroundingsOf(tem, invitation), now);
    if (standing !== 'usable') throw refusal(standing, invitation);
    const member = tem.create(Member, {
      id: randomUUID(),
      accountId: invitation.accountId,
      email: invitation.email,
      name: data.name ?? null,
      passwordHash,
      role: invitation.role,
      lastActiveAt: now,
    });
    invitation.acceptedAt = now;
    const sessionToken = startSession(tem, member, client);
    recordAudit(tem, memberActor(member, client.ip), { action: 'invitation.accept', targetType: 'member', targetId: member.id, details: invitationFields(invitation) });
    // A login for this email created since surroundingsOf read it (e.g. a concurrent sign-up) still fails here, on the unique index.
    await flushNewLogin(tem);
    return { token: sessionToken, account: await getAccount(tem, invitation.accountId) };
  });
}
