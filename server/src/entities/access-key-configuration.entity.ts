import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import type { RoutingStrategy } from './virtual-model.entity.js';

export interface ProviderRoutingRule {
  provider: string;
  /** Ordered: tried first to last. */
  providerKeyIds: string[];
  useGatewayCredentials: boolean;
  /** Absent in rows written before weighted routing: ORDERED. */
  strategy?: RoutingStrategy;
  /** Parallel to providerKeyIds; used by WEIGHTED to pick the first key. */
  weights?: number[];
}

/** Opt-in response cache for keys using the configuration. */
export interface ResponseCacheSettings {
  enabled: boolean;
  ttlSeconds: number;
}

export const AccessKeyConfiguration = defineEntity({
  name: 'AccessKeyConfiguration',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    name: p.string().length(200),
    /** null: every provider; []: none. */
    allowedProviders: p.json<string[]>().nullable(),
    /** null: every model; entries are "provider:model". */
    allowedModels: p.json<string[]>().nullable(),
    routing: p.json<ProviderRoutingRule[]>(),
    /** Firewall policies applied to every request of keys using this configuration, in order. */
    firewallPolicyIds: p.json<string[]>().default('[]'),
    /** null: caching off. */
    cache: p.json<ResponseCacheSettings>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // Names are unique per account, ignoring case (Migration20261129120000).
  uniques: [
    {
      name: 'access_key_configuration_account_id_lower_name_unique',
      expression: 'create unique index "access_key_configuration_account_id_lower_name_unique" on "access_key_configuration" ("account_id", lower("name"))',
    },
  ],
});
export type IAccessKeyConfiguration = InferEntity<typeof AccessKeyConfiguration>;
