import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/** The account's own upstream key, AES-256-GCM encrypted with (account id, key id) as associated data. */
export const ProviderKey = defineEntity({
  name: 'ProviderKey',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    provider: p.string().length(64),
    name: p.string().length(200),
    /** v1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts; never the key itself. */
    encryptedKey: p.text(),
    keyRedacted: p.string().length(40),
    priority: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['accountId', 'provider'] }],
  // A provider's keys have distinct names in an account, ignoring case (Migration20261129120000).
  uniques: [
    {
      name: 'provider_key_account_id_provider_lower_name_unique',
      expression:
        'create unique index "provider_key_account_id_provider_lower_name_unique" on "provider_key" ("account_id", "provider", lower("name"))',
    },
  ],
});
export type IProviderKey = InferEntity<typeof ProviderKey>;
