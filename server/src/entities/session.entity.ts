import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { Member } from './member.entity.js';

/** A member's browser/admin session; only the token's SHA-256 is stored. Removing the member ends it. */
export const Session = defineEntity({
  name: 'Session',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    memberId: () => p.manyToOne(Member).mapToPk().fieldName('member_id').deleteRule('cascade').index(),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    /** Coarse (at most one write a minute), for the member's list of sessions. */
    lastUsedAt: p.datetime().nullable(),
    /** Where the session was started, to tell sessions apart in the list. */
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(300).nullable(),
  },
});
export type ISession = InferEntity<typeof Session>;
