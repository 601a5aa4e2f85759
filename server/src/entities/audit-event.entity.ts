import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export type AuditActorType = 'member' | 'apiKey' | 'system';

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
  },
  indexes: [{ properties: ['accountId', 'createdAt', 'id'] }],
});
export type IAuditEvent = InferEntity<typeof AuditEvent>;
