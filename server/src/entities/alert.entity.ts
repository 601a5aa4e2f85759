import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/**
 * An organization's alert webhook: where alerts go and the secret they are signed with
 * (AES-256-GCM sealed like provider keys, never returned), plus the low-balance threshold.
 */
export const AlertSettings = defineEntity({
  name: 'AlertSettings',
  properties: {
    accountId: () => p.oneToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').primary().owner(),
    enabled: p.boolean().default(false),
    webhookUrl: p.string().length(2048).nullable(),
    /** v1.<keyId>.<iv>.<tag>.<ciphertext> (services/crypto.ts); never the secret itself. */
    encryptedSecret: p.text().nullable(),
    /** Alert when the credit balance falls below this (nano-USD); null: no low-balance alert. */
    lowBalanceThresholdNano: p.bigint('string').nullable(),
    /** The low-balance alert fires once per dip: false after it fired, true again once the balance is back at or above the threshold. */
    lowBalanceArmed: p.boolean().default(true),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IAlertSettings = InferEntity<typeof AlertSettings>;

/**
 * One alert to deliver, written in the transaction that detected it (services/alerts). The body
 * is fixed at detection; each attempt signs it anew. `dedupeKey` makes an alert unique (one per
 * key, budget period, budget and threshold) across instances.
 */
export const AlertDelivery = defineEntity({
  name: 'AlertDelivery',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    eventType: p.string().length(64),
    dedupeKey: p.string().length(255).nullable().unique(),
    body: p.text(),
    /** pending | succeeded | failed */
    status: p.string().length(16).default('pending'),
    attempts: p.integer().default(0),
    /** Due time of the next attempt (also the lease of a claimed attempt); null once settled. */
    nextAttemptAt: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    responseStatus: p.integer().nullable(),
    lastError: p.string().length(500).nullable(),
    createdAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['accountId', 'createdAt'] }, { properties: ['status', 'nextAttemptAt'] }],
});
export type IAlertDelivery = InferEntity<typeof AlertDelivery>;
