import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { FirewallMode, FirewallOnError, FirewallRuleData } from '../gateway/policies/types.js';
import { Account } from './account.entity.js';

export const FirewallPolicy = defineEntity({
  name: 'FirewallPolicy',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    name: p.string().length(200),
    mode: p.string().length(16).$type<FirewallMode>(),
    onError: p.string().length(16).$type<FirewallOnError>(),
    /** Ordered rules; patterns are validated (RE2) before they are stored. */
    rules: p.json<FirewallRuleData[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // Names are unique per account, ignoring case (Migration20261129120000).
  uniques: [
    {
      name: 'firewall_policy_account_id_lower_name_unique',
      expression: 'create unique index "firewall_policy_account_id_lower_name_unique" on "firewall_policy" ("account_id", lower("name"))',
    },
  ],
});
export type IFirewallPolicy = InferEntity<typeof FirewallPolicy>;
