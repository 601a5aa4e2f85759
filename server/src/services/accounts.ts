import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { Account, type IAccount } from '../entities/account.entity.js';
import { Session } from '../entities/session.entity.js';
import { ApiKey } from '../entities/api-key.entity.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Caller } from '../graphql/context.js';
import {
  DUMMY_PASSWORD_HASH,
  TOKEN_PREFIX,
  generateToken,
  hashPassword,
  hashToken,
  verifyPassword,
} from './crypto.js';
import { nameSchema, parseInput } from './validate.js';
import { passwordSchema } from './password-policy.js';
import type { LoginThrottle } from './login-throttle.js';

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const emailSchema = z
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

export interface AuthResult {
  token: string;
  account: IAccount;
}

async function startSession(em: EntityManager, accountId: string): Promise<string> {
  const token = generateToken(TOKEN_PREFIX.session);
  em.create(Session, {
    id: randomUUID(),
    accountId,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
  });
  await em.flush();
  return token;
}

export async function signUp(
  em: EntityManager,
  input: { email: string; password: string; name?: string | null },
): Promise<AuthResult> {
  const data = parseInput(SignUpSchema, input);
  const account = em.create(Account, {
    id: randomUUID(),
    email: data.email,
    name: data.name ?? null,
    passwordHash: await hashPassword(data.password),
  });
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      throw new ConflictError('An account with this email already exists.');
    }
    throw err;
  }
  return { token: await startSession(em, account.id), account };
}

export async function logIn(
  em: EntityManager,
  throttle: LoginThrottle,
  input: { email: string; password: string },
): Promise<AuthResult> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  await throttle.assertAllowed(email);
  const account = await em.findOne(Account, { email });
  // Always run scrypt so response time does not reveal whether the email exists.
  const ok = await verifyPassword(String(input.password ?? ''), account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!account || !ok) {
    await throttle.recordFailure(email);
    throw new AuthenticationError('Email or password is incorrect.');
  }
  await throttle.recordSuccess(email);
  return { token: await startSession(em, account.id), account };
}

export async function logOut(em: EntityManager, caller: Caller): Promise<boolean> {
  if (caller.via !== 'session') return false;
  const n = await em.nativeUpdate(Session, { id: caller.credentialId, revokedAt: null }, { revokedAt: new Date() });
  return n > 0;
}

/** Resolves a bearer token of the admin API (session or API key) to its caller, or null. */
export async function authenticateAdmin(em: EntityManager, token: string): Promise<Caller | null> {
  const now = new Date();
  if (token.startsWith(TOKEN_PREFIX.session)) {
    const session = await em.findOne(Session, { tokenHash: hashToken(token), revokedAt: null, expiresAt: { $gt: now } });
    return session ? { accountId: session.accountId, via: 'session', credentialId: session.id } : null;
  }
  if (token.startsWith(TOKEN_PREFIX.apiKey)) {
    const key = await em.findOne(ApiKey, { tokenHash: hashToken(token), revokedAt: null });
    if (!key) return null;
    // Coarse last-used tracking: at most one write a minute per key.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
    }
    return { accountId: key.accountId, via: 'apiKey', credentialId: key.id };
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

export async function updateAccountSettings(
  em: EntityManager,
  accountId: string,
  input: { totalTimeoutMs?: number | null; perAttemptTimeoutMs?: number | null; maxInputTokens?: number | null; maxOutputTokens?: number | null },
): Promise<IAccount> {
  const { maxInputTokens, maxOutputTokens, ...timeouts } = input;
  const data = parseInput(SettingsSchema, timeouts);
  const caps = parseInput(TokenCapsSchema, { maxInputTokens, maxOutputTokens });
  const account = await getAccount(em, accountId);
  const total = data.totalTimeoutMs ?? account.totalTimeoutMs;
  const perAttempt = data.perAttemptTimeoutMs ?? account.perAttemptTimeoutMs;
  parseInput(SettingsSchema, { totalTimeoutMs: total, perAttemptTimeoutMs: perAttempt });
  account.totalTimeoutMs = total;
  account.perAttemptTimeoutMs = perAttempt;
  // Token caps: null clears, omitted stays.
  if (caps.maxInputTokens !== undefined) account.maxInputTokens = caps.maxInputTokens;
  if (caps.maxOutputTokens !== undefined) account.maxOutputTokens = caps.maxOutputTokens;
  await em.flush();
  return account;
}
