import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type AuditActorType = 'member' | 'apiKey' | 'system';

/** One recorded value: JSON-safe and flat (lists and objects are stored as their JSON text). */
export type AuditValue = string | number | boolean | null;

export interface AuditChange {
  from: AuditValue;
  to: AuditValue;
}

/**
 * What an event changed, as services/audit-details.ts builds it: identifying facts about the
 * target (name, provider, role granted, amount) and, for updates, each changed field from → to.
 * Bounded in size and never a secret.
 */
export interface AuditDetails {
  fields?: Record<string, AuditValue>;
  changes?: Record<string, AuditChange>;
  /** Entries were left out to stay within the size bound. */
  truncated?: boolean;
}

/**
 * One state change, appended in the transaction that made it. A database trigger refuses UPDATE
 * and DELETE, so the log cannot be rewritten through the app. Actor names are copied, so the
 * event still reads right after the member or key is gone. Never holds secrets or tokens.
 */
export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
    actorType: p.string().length(16).$type<AuditActorType>(),
    actorId: p.uuid().nullable(),
    actorName: p.string().length(254).nullable(),
    action: p.string().length(64),
    targetType: p.string().length(64).nullable(),
    targetId: p.string().length(200).nullable(),
    ip: p.string().length(64).nullable(),
    /** null for events written before details were recorded, and for actions without any. */
    details: p.json<AuditDetails>().nullable(),
  },
  indexes: [{ properties: ['accountId', 'createdAt', 'id'] }],
});
export type IAuditEvent = InferEntity<typeof AuditEvent>;
