import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/**
 * Credit one gateway instance holds for an account, carved out of the unexpired balance under a
 * row lock on the account. Others count it while its lease is live; a crashed instance's grant
 * stops counting when the lease ends.
 */
export const CreditGrant = defineEntity({
  name: 'CreditGrant',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    instanceId: p.string().length(64),
    /** nano-USD; includes settled charges this instance has not written yet. */
    amountNano: p.bigint('string'),
    leaseExpiresAt: p.datetime(),
    updatedAt: p.datetime(),
  },
  uniques: [{ properties: ['accountId', 'instanceId'] }],
});
export type ICreditGrant = InferEntity<typeof CreditGrant>;
