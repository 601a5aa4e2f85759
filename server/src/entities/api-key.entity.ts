import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../services/roles.js';
import { Account } from './account.entity.js';
import { Member } from './member.entity.js';

/** Admin-API key for automation; only the token's SHA-256 is stored. */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    /** The member who created it; the key acts with at most that member's current role. Null once removed (the key is revoked then). */
    memberId: () => p.manyToOne(Member).mapToPk().fieldName('member_id').deleteRule('set null').nullable().index(),
    role: p.string().length(16).$type<Role>(),
    name: p.string().length(200),
    tokenHash: p.string().length(64).unique(),
    keyRedacted: p.string().length(40),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type IApiKey = InferEntity<typeof ApiKey>;
