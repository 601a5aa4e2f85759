import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { Account, type IAccount } from '../entities/account.entity.js';
import { ApiKey } from '../entities/api-key.entity.js';
import { Member, type IMember } from '../entities/member.entity.js';
import { Session } from '../entities/session.entity.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { recordAudit, systemActor, type Actor } from './audit.js';
import { auditChanges, type AuditSnapshot } from './audit-details.js';
import type { Caller } from './caller.js';
import { DUMMY_PASSWORD_HASH, TOKEN_PREFIX, hashPassword, hashToken, verifyPassword } from './crypto.js';
import { mutate, type MutationScope } from './mutation.js';
import { lowerRole } from './roles.js';
import { startSession, type ClientInfo } from './sessions.js';
import { nameSchema, parseInput } from './validate.js';
import { passwordSchema } from './password-policy.js';
import type { LoginThrottle } from './login-throttle.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .email('is not a valid email address');

const SignUpSchema = z.object({ email: emailSchema, password: passwordSchema, name: nameSchema().nullish() });
const SettingsSchema = z
  .object({
    totalTimeoutMs: z.number().int().min(1000).max(600_000).nullish(),
    perAttemptTimeoutMs: z.number().int().min(500).max(600_000).nullish(),
  })
  .refine(
    (s) => s.totalTimeoutMs == null || s.perAttemptTimeoutMs == null || s.perAttemptTimeoutMs <= s.totalTimeoutMs,
    'perAttemptTimeoutMs must not exceed totalTimeoutMs',
  );

/** Activity timestamps are coarse: at most one write a minute per session, key or member. */
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

export interface AuthResult {
  token: string;
  account: IAccount;
}

export function memberActor(member: IMember, ip: string | null): Actor {
  return { accountId: member.accountId, type: 'member', id: member.id, name: member.email, ip };
}

/** A unique violation on member.email means the email already has a login. */
export async function flushNewLogin(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new ConflictError('An account with this email already exists.');
    throw err;
  }
}

/** Creates an organization and its first member (OWNER), and signs that member in. */
export async function signUp(
  em: EntityManager,
  input: { email: string; password: string; name?: string | null },
  client: ClientInfo,
): Promise<AuthResult> {
  const data = parseInput(SignUpSchema, input);
  const passwordHash = await hashPassword(data.password);
  return em.transactional(async (tem) => {
    const account = tem.create(Account, { id: randomUUID(), email: data.email, name: data.name ?? null });
    const member = tem.create(Member, {
      id: randomUUID(),
      accountId: account.id,
      email: data.email,
      name: data.name ?? null,
      passwordHash,
      role: 'OWNER',
      lastActiveAt: new Date(),
    });
    const token = startSession(tem, member, client);
    recordAudit(tem, memberActor(member, client.ip), { action: 'organization.create', targetType: 'organization', targetId: account.id });
    await flushNewLogin(tem);
    return { token, account };
  });
}

export async function logIn(
  em: EntityManager,
  throttle: LoginThrottle,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<AuthResult> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  await throttle.beginAttempt(email, client.ip);
  const member = await em.findOne(Member, { email });
  // Always run scrypt so response time does not reveal whether the email exists.
  const ok = await verifyPassword(String(input.password ?? ''), member?.passwordHash ?? DUMMY_PASSWORD_HASH);
  // A failure stays counted (beginAttempt); only a success clears the count.
  if (!member || !ok) throw new AuthenticationError('Email or password is incorrect.');
  await throttle.recordSuccess(email, client.ip);
  return em.transactional(async (tem) => {
    const token = startSession(tem, member, client);
    recordAudit(tem, memberActor(member, client.ip), { action: 'session.logIn', targetType: 'member', targetId: member.id });
    await tem.flush();
    return { token, account: await getAccount(tem, member.accountId) };
  });
}

const ChangePasswordSchema = z.object({ currentPassword: z.string().max(1000), newPassword: passwordSchema });

/**
 * Changes the signed-in member's password: the current one is checked as logIn checks it (scrypt,
 * timing-safe; a wrong one counts in the log-in throttle for that email and client address), the
 * new one must pass the password policy. Every other session of the member ends; the current one
 * stays. Sessions only: an API key (which never knew the password) is refused.
 */
export async function changePassword(
  scope: MutationScope,
  caller: Caller,
  throttle: LoginThrottle,
  input: { currentPassword: string; newPassword: string },
): Promise<boolean> {
  if (caller.via !== 'session') throw new PermissionError('forbidden', 'Changing a password needs a signed-in session; an API key cannot.');
  const data = parseInput(ChangePasswordSchema, input);
  if (data.newPassword === data.currentPassword) throw new ValidationError('newPassword: must differ from the current password.');
  const member = await scope.em.findOne(Member, { id: caller.memberId, accountId: caller.accountId });
  if (!member) throw new NotFoundError('Member', caller.memberId);
  const ip = scope.actor.ip;
  await throttle.beginAttempt(member.email, ip);
  if (!(await verifyPassword(data.currentPassword, member.passwordHash))) {
    // Not UNAUTHENTICATED: the session is fine, only the password typed is wrong.
    throw new ValidationError('currentPassword: is incorrect.');
  }
  await throttle.recordSuccess(member.email, ip);
  const passwordHash = await hashPassword(data.newPassword);
  return mutate(
    scope,
    async (em) => {
      await em.nativeUpdate(Member, { id: member.id }, { passwordHash });
      await em.nativeUpdate(Session, { memberId: member.id, revokedAt: null, id: { $ne: caller.credentialId } }, { revokedAt: new Date() });
      return true;
    },
    () => ({ audit: { action: 'member.changePassword', targetType: 'member', targetId: member.id } }),
  );
}

/**
 * The operator's way back in for a member who forgot their password (e.g. the only OWNER): sets a
 * new random password (144 bits; returned once, stored only as its scrypt hash), ends all of the
 * member's sessions and writes a `member.resetPassword` audit event by the system. Used by
 * `npm run reset-password`, never over the API.
 */
export async function resetPassword(em: EntityManager, emailInput: string): Promise<{ email: string; password: string }> {
  const email = parseInput(emailSchema, emailInput);
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  await em.transactional(async (tem) => {
    const member = await tem.findOne(Member, { email });
    if (!member) throw new NotFoundError('Member', email);
    await tem.nativeUpdate(Member, { id: member.id }, { passwordHash });
    await tem.nativeUpdate(Session, { memberId: member.id, revokedAt: null }, { revokedAt: new Date() });
    recordAudit(tem, systemActor(member.accountId), { action: 'member.resetPassword', targetType: 'member', targetId: member.id });
    await tem.flush();
  });
  return { email, password };
}

function isStale(at: Date | null | undefined, now: Date): boolean {
  return !at || now.getTime() - at.getTime() > ACTIVITY_WRITE_INTERVAL_MS;
}

/**
 * Resolves a bearer token of the admin API (session or API key) to its caller, or null. The
 * member is read on every request, so a role change or removal applies to existing sessions and
 * keys at once; an API key acts with at most its creator's current role.
 */
export async function authenticateAdmin(em: EntityManager, token: string): Promise<Caller | null> {
  const now = new Date();
  if (token.startsWith(TOKEN_PREFIX.session)) {
    const session = await em.findOne(Session, { tokenHash: hashToken(token), revokedAt: null, expiresAt: { $gt: now } });
    const member = session && (await em.findOne(Member, { id: session.memberId }));
    if (!session || !member) return null;
    if (isStale(session.lastUsedAt, now)) await em.nativeUpdate(Session, { id: session.id }, { lastUsedAt: now });
    if (isStale(member.lastActiveAt, now)) await em.nativeUpdate(Member, { id: member.id }, { lastActiveAt: now });
    return { accountId: member.accountId, via: 'session', credentialId: session.id, memberId: member.id, role: member.role, name: member.email };
  }
  if (token.startsWith(TOKEN_PREFIX.apiKey)) {
    const key = await em.findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null });
    const creator = key?.memberId ? await em.findOne(Member, { id: key.memberId }) : null;
    if (!key || !creator) return null;
    if (isStale(key.lastUsedAt, now)) await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
    return {
      accountId: key.accountId,
      via: 'apiKey',
      credentialId: key.id,
      memberId: creator.id,
      role: lowerRole(key.role, creator.role),
      name: key.name,
    };
  }
  return null;
}

const tokenCap = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000, 'must be at most 10000000');
const TokenCapsSchema = z.object({ maxInputTokens: tokenCap.nullish(), maxOutputTokens: tokenCap.nullish() });

export async function getAccount(em: EntityManager, accountId: string): Promise<IAccount> {
  const account = await em.findOne(Account, { id: accountId });
  if (!account) throw new NotFoundError('Account');
  return account;
}

/** The organization's settings as the audit log compares them. */
function auditedSettings(account: IAccount): AuditSnapshot {
  return {
    totalTimeoutMs: account.totalTimeoutMs,
    perAttemptTimeoutMs: account.perAttemptTimeoutMs,
    maxInputTokens: account.maxInputTokens ?? null,
    maxOutputTokens: account.maxOutputTokens ?? null,
  };
}

export async function updateAccountSettings(
  scope: MutationScope,
  input: { totalTimeoutMs?: number | null; perAttemptTimeoutMs?: number | null; maxInputTokens?: number | null; maxOutputTokens?: number | null },
): Promise<IAccount> {
  const { maxInputTokens, maxOutputTokens, ...timeouts } = input;
  const data = parseInput(SettingsSchema, timeouts);
  const caps = parseInput(TokenCapsSchema, { maxInputTokens, maxOutputTokens });
  const accountId = scope.actor.accountId;
  return mutate(
    scope,
    async (em) => {
      const account = await getAccount(em, accountId);
      const before = auditedSettings(account);
      const total = data.totalTimeoutMs ?? account.totalTimeoutMs;
      const perAttempt = data.perAttemptTimeoutMs ?? account.perAttemptTimeoutMs;
      parseInput(SettingsSchema, { totalTimeoutMs: total, perAttemptTimeoutMs: perAttempt });
      account.totalTimeoutMs = total;
      account.perAttemptTimeoutMs = perAttempt;
      // Token caps: null clears, omitted stays.
      if (caps.maxInputTokens !== undefined) account.maxInputTokens = caps.maxInputTokens;
      if (caps.maxOutputTokens !== undefined) account.maxOutputTokens = caps.maxOutputTokens;
      return { account, before };
    },
    ({ account, before }) => ({
      audit: { action: 'settings.update', targetType: 'organization', targetId: account.id, details: auditChanges(before, auditedSettings(account)) },
      events: [{ kind: 'account', accountId: account.id }],
    }),
  ).then(({ account }) => account);
}
