import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

export interface ProviderRoutingRule {
  provider: string;
  /** Ordered: tried first to last. */
  providerKeyIds: string[];
  useGatewayCredentials: boolean;
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
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IAccessKeyConfiguration = InferEntity<typeof AccessKeyConfiguration>;
