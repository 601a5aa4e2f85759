import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A batch of requests summed without usage events (services/usage/usage-sums.ts) that was
 * applied: its id is claimed in the transaction that adds its sums, so a batch sent again after
 * its commit went unanswered adds nothing twice. Rows older than a month are pruned.
 */
export const UsageSumBatch = defineEntity({
  name: 'UsageSumBatch',
  properties: {
    id: p.uuid().primary(),
    writtenAt: p.datetime().index(),
  },
});
export type IUsageSumBatch = InferEntity<typeof UsageSumBatch>;
