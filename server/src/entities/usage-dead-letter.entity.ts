import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A usage event the database refused on its own (its batch's other events landed): the whole
 * record as JSON bytes, the refusal, and its charge (applied once when `chargeApplied`). For an
 * operator to inspect; request ids are unique so a record is never parked or charged twice.
 */
export const UsageDeadLetter = defineEntity({
  name: 'UsageDeadLetter',
  properties: {
    id: p.uuid().primary(),
    requestId: p.string().length(200).unique(),
    accountId: p.string().length(200),
    createdAt: p.datetime().nullable(),
    chargeNano: p.bigint('string'),
    chargeApplied: p.boolean(),
    error: p.text(),
    payload: p.blob(),
    parkedAt: p.datetime(),
  },
});
export type IUsageDeadLetter = InferEntity<typeof UsageDeadLetter>;
