import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

export type CreditTransactionKind = 'purchase' | 'usage' | 'expiry';

/**
 * The account's credit ledger, signed nano-USD: purchases positive, usage and expiry negative.
 * Usage is one row per account per UTC day (`usageDay`), updated in the same transaction as the
 * charges it adds up, so the sum of all rows always equals the lots' remaining credit.
 */
export const CreditTransaction = defineEntity({
  name: 'CreditTransaction',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    kind: p.string().length(16),
    amountNano: p.bigint('string'),
    /** 'YYYY-MM-DD' (UTC) for usage rows; null otherwise. */
    usageDay: p.string().length(10).nullable(),
    /** Requests charged in a usage row. */
    requestCount: p.integer().default(0),
    purchaseId: p.uuid().nullable(),
    lotId: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    /** Purchase: when its credit expires. Expiry: when it expired. */
    expiresAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['accountId', 'usageDay'] }],
  indexes: [{ properties: ['accountId', 'createdAt'] }],
});
export type ICreditTransaction = InferEntity<typeof CreditTransaction>;
