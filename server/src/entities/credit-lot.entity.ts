import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { CreditPurchase } from './credit-purchase.entity.js';

/**
 * Spendable credit from one completed purchase. Charges take from the unexpired lot that expires
 * first; at expiry what is left moves to `expiredNano` with an `expiry` transaction.
 */
export const CreditLot = defineEntity({
  name: 'CreditLot',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    purchaseId: () => p.manyToOne(CreditPurchase).mapToPk().fieldName('purchase_id').deleteRule('cascade').nullable().unique(),
    /** nano-USD integer strings. */
    amountNano: p.bigint('string'),
    remainingNano: p.bigint('string'),
    expiredNano: p.bigint('string').default('0'),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
  },
  indexes: [{ properties: ['accountId', 'expiresAt'] }, { properties: ['expiresAt'] }],
});
export type ICreditLot = InferEntity<typeof CreditLot>;
