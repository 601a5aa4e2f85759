import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Session, type ISession } from '../entities/session.entity.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import type { Caller } from './caller.js';
import { TOKEN_PREFIX, generateToken, hashToken } from './crypto.js';
import { mutate, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { uuidSchema } from './validate.js';

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Where a sign-in came from, shown in the member's list of sessions. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Starts a session for a member in the caller's unit of work; returns the token (shown once). */
export function startSession(em: EntityManager, member: { id: string; accountId: string }, client: ClientInfo): string {
  const token = generateToken(TOKEN_PREFIX.session);
  em.create(Session, {
    id: randomUUID(),
    accountId: member.accountId,
    memberId: member.id,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    lastUsedAt: new Date(),
    ip: client.ip?.slice(0, 64) ?? null,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

const activeOf = (memberId: string) => ({ memberId, revokedAt: null, expiresAt: { $gt: new Date() } });

/** The member's active sessions, newest first (an API key has none). */
export async function listSessions(
  em: EntityManager,
  caller: Caller,
  args: { first?: number | null; after?: string | null },
): Promise<Page<ISession>> {
  if (caller.via !== 'session') return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
  return paginate(em, Session, activeOf(caller.memberId), args);
}

/** Ends the current session (no effect for API keys). */
export async function logOut(scope: MutationScope, caller: Caller): Promise<boolean> {
  if (caller.via !== 'session') return false;
  return revokeSession(scope, caller, caller.credentialId, 'session.logOut');
}

/** Ends one of the caller's own sessions; another member's session reads as not found. */
export async function revokeSession(scope: MutationScope, caller: Caller, id: string, action = 'session.revoke'): Promise<boolean> {
  if (caller.via !== 'session' || !uuidSchema.safeParse(id).success) throw new NotFoundError('Session', id);
  return mutate(
    scope,
    async (em) => {
      const n = await em.nativeUpdate(Session, { id, ...activeOf(caller.memberId) }, { revokedAt: new Date() });
      if (n === 0) throw new NotFoundError('Session', id);
      return true;
    },
    () => ({ audit: { action, targetType: 'session', targetId: id } }),
  );
}

/** Ends every session of the caller's member, this one included; returns how many. */
export async function logOutEverywhere(scope: MutationScope, caller: Caller): Promise<number> {
  if (caller.via !== 'session') return 0;
  return mutate(
    scope,
    (em) => em.nativeUpdate(Session, activeOf(caller.memberId), { revokedAt: new Date() }),
    () => ({ audit: { action: 'session.revokeAll', targetType: 'member', targetId: caller.memberId } }),
  );
}
