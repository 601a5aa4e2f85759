import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent, type AuditActorType, type AuditDetails, type IAuditEvent } from '../entities/audit-event.entity.js';
import type { Page } from '../graphql/types/connection.type.js';
import { boundAuditDetails } from './audit-details.js';
import { paginate } from './pagination.js';
import { uuidSchema } from './validate.js';

/** Who did something: a member (session), an API key, or the gateway itself (webhooks, jobs). */
export interface Actor {
  accountId: string;
  type: AuditActorType;
  /** Member id or API key id; null for the system. */
  id: string | null;
  /** Member email or API key name, copied into the event. */
  name: string | null;
  ip: string | null;
}

/** What changed. `action` is `<object>.<verb>` (e.g. `accessKey.revoke`); never a secret or token. */
export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** What changed (services/audit-details.ts builds it); bounded in size here, never a secret. */
  details?: AuditDetails | null;
}

export function systemActor(accountId: string): Actor {
  return { accountId, type: 'system', id: null, name: 'system', ip: null };
}

/**
 * Appends one audit event to the caller's unit of work: `em` must be the transaction's entity
 * manager, so the event commits (or rolls back) with the change it describes.
 */
export function recordAudit(em: EntityManager, actor: Actor, entry: AuditEntry): void {
  em.create(AuditEvent, {
    id: randomUUID(),
    accountId: actor.accountId,
    createdAt: new Date(),
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: actor.ip,
    details: boundAuditDetails(entry.details),
  });
}

export interface AuditFilterInput {
  action?: string | null;
  actorId?: string | null;
  targetId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The organization's audit events, newest first. */
export async function listAuditEvents(
  em: EntityManager,
  accountId: string,
  filter: AuditFilterInput | null | undefined,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IAuditEvent>> {
  const where: Record<string, unknown> = { accountId };
  if (filter?.action) where.action = filter.action;
  if (filter?.actorId) {
    // A malformed id matches nothing rather than failing the uuid cast.
    if (!uuidSchema.safeParse(filter.actorId).success) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    where.actorId = filter.actorId;
  }
  if (filter?.targetId) where.targetId = filter.targetId;
  if (filter?.from || filter?.to) {
    where.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  return paginate(em, AuditEvent, where, args);
}
