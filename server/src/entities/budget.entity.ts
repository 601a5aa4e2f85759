import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { AccessKey } from './access-key.entity.js';

/** Spend (fee + provider cost at catalog prices) of an access key on one UTC day; written by the usage batches. */
export const AccessKeySpend = defineEntity({
  name: 'AccessKeySpend',
  properties: {
    accessKeyId: () => p.manyToOne(AccessKey).mapToPk().fieldName('access_key_id').deleteRule('cascade').primary(),
    day: p.string().columnType('date').primary(),
    spentNano: p.bigint('string').default('0'),
    requestCount: p.integer().default(0),
  },
});
export type IAccessKeySpend = InferEntity<typeof AccessKeySpend>;

/** Budget one gateway instance holds for a key's period (scope "PERIOD:start"), like CreditGrant for credit. */
export const BudgetGrant = defineEntity({
  name: 'BudgetGrant',
  properties: {
    id: p.uuid().primary(),
    accessKeyId: () => p.manyToOne(AccessKey).mapToPk().fieldName('access_key_id').deleteRule('cascade'),
    scope: p.string().length(40),
    instanceId: p.string().length(64),
    amountNano: p.bigint('string'),
    leaseExpiresAt: p.datetime(),
    updatedAt: p.datetime(),
  },
  uniques: [{ properties: ['accessKeyId', 'scope', 'instanceId'] }],
});
export type IBudgetGrant = InferEntity<typeof BudgetGrant>;

/** A rate-limit counter on PostgreSQL, in rate-limiter-flexible's layout (services/rate-limits). */
export const RateLimitCounter = defineEntity({
  name: 'RateLimitCounter',
  tableName: 'rate_limit',
  properties: {
    key: p.string().length(255).primary(),
    points: p.integer().default(0),
    /** epoch ms */
    expire: p.bigint('number').nullable(),
  },
});
export type IRateLimitCounter = InferEntity<typeof RateLimitCounter>;
