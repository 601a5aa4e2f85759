import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The hourly rollups (usage-rollup.entity.ts) summed per UTC day, upserted in the same
 * transaction, so a 30-day summary reads ~24 times fewer rows: whole days come from here, the
 * partial hours at either end of a range from the hourly rows. Same key and sums otherwise.
 */
export const UsageRollupDaily = defineEntity({
  name: 'UsageRollupDaily',
  properties: {
    accountId: p.uuid().primary(),
    /** UTC midnight starting the day. */
    day: p.datetime().primary(),
    accessKeyId: p.uuid().primary(),
    provider: p.string().length(64).primary(),
    model: p.string().length(256).primary(),
    status: p.integer().primary(),
    requests: p.bigint('number'),
    inputTokens: p.bigint('number'),
    outputTokens: p.bigint('number'),
    feeNano: p.bigint('string'),
    providerCostNano: p.bigint('string'),
    spendNano: p.bigint('string'),
    costNano: p.bigint('string'),
    cacheHits: p.bigint('number'),
  },
});
export type IUsageRollupDaily = InferEntity<typeof UsageRollupDaily>;
