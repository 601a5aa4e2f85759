import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { AccessKeyConfiguration } from './access-key-configuration.entity.js';

/** An app's `ng-…` key for /v1; only the token's SHA-256 is stored. */
export const AccessKey = defineEntity({
  name: 'AccessKey',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    name: p.string().length(200),
    description: p.string().length(1000).nullable(),
    tokenHash: p.string().length(64).unique(),
    keyRedacted: p.string().length(40),
    configurationId: () => p.manyToOne(AccessKeyConfiguration).mapToPk().fieldName('configuration_id').nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    /** Spend limit per budgetPeriod in nano-USD; null: no budget. */
    budgetNano: p.bigint('string').nullable(),
    /** DAY | WEEK | MONTH | TOTAL (budget-period.ts). */
    budgetPeriod: p.string().length(8).nullable(),
    requestsPerMinute: p.integer().nullable(),
    tokensPerMinute: p.integer().nullable(),
    expiresAt: p.datetime().nullable(),
  },
});
export type IAccessKey = InferEntity<typeof AccessKey>;
