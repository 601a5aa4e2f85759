import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Usage per account × UTC hour × access key × provider × model × status, upserted in the same
 * transaction as the usage events it sums, so summaries read these rows and stay exact; kept after
 * the raw events are dropped. Provider and model are '' when the request never resolved one.
 * Errors are the rows with status >= 400. Written and read with plain SQL (services/usage/).
 */
export const UsageRollup = defineEntity({
  name: 'UsageRollup',
  properties: {
    accountId: p.uuid().primary(),
    hour: p.datetime().primary(),
    accessKeyId: p.uuid().primary(),
    provider: p.string().length(64).primary(),
    model: p.string().length(256).primary(),
    status: p.integer().primary(),
    requests: p.bigint('number'),
    inputTokens: p.bigint('number'),
    outputTokens: p.bigint('number'),
    /** nano-USD sums: processing fee, provider cost at catalog prices, spend (fee + provider cost), charged (credits). */
    feeNano: p.bigint('string'),
    providerCostNano: p.bigint('string'),
    spendNano: p.bigint('string'),
    costNano: p.bigint('string'),
    cacheHits: p.bigint('number'),
  },
});
export type IUsageRollup = InferEntity<typeof UsageRollup>;
