import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../services/roles.js';
import { Account } from './account.entity.js';

/** A pending (or used, revoked, expired) invitation; only the token's SHA-256 is stored. */
export const Invitation = defineEntity({
  name: 'Invitation',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    email: p.string().length(254),
    role: p.string().length(16).$type<Role>(),
    tokenHash: p.string().length(64).unique(),
    /** Who invited (null once that member is removed). */
    invitedBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type IInvitation = InferEntity<typeof Invitation>;
