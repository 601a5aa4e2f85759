import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

export type CreditPurchaseStatus = 'pending' | 'completed' | 'failed';

/**
 * A purchase of credit. `manual` purchases complete at once; `stripe` ones stay pending until a
 * verified webhook for their Checkout session (`externalId`, unique) completes them. A completed
 * purchase has exactly one CreditLot.
 */
export const CreditPurchase = defineEntity({
  name: 'CreditPurchase',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    /** nano-USD as an integer string. */
    amountNano: p.bigint('string'),
    status: p.string().length(16),
    /** 'manual' | 'stripe' */
    method: p.string().length(16),
    /** Stripe Checkout session id. */
    externalId: p.string().length(255).nullable().unique(),
    checkoutUrl: p.text().nullable(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    /** When the credit expires: 365 days after completion (provisional while pending). */
    expiresAt: p.datetime(),
  },
});
export type ICreditPurchase = InferEntity<typeof CreditPurchase>;
