import { Account } from './account.entity.js';
import { Member } from './member.entity.js';
import { Invitation } from './invitation.entity.js';
import { AuditEvent } from './audit-event.entity.js';
import { Session } from './session.entity.js';
import { ApiKey } from './api-key.entity.js';
import { AccessKeyConfiguration } from './access-key-configuration.entity.js';
import { AccessKey } from './access-key.entity.js';
import { ProviderKey } from './provider-key.entity.js';
import { CustomProvider } from './custom-provider.entity.js';
import { UsageEvent } from './usage-event.entity.js';
import { UsageRollup } from './usage-rollup.entity.js';
import { UsageRollupDaily } from './usage-rollup-daily.entity.js';
import { UsageDeadLetter } from './usage-dead-letter.entity.js';
import { UsageSumBatch } from './usage-sum-batch.entity.js';
import { CreditPurchase } from './credit-purchase.entity.js';
import { CreditLot } from './credit-lot.entity.js';
import { CreditTransaction } from './credit-transaction.entity.js';
import { CreditGrant } from './credit-grant.entity.js';
import { AccessKeySpend, BudgetGrant, RateLimitCounter } from './budget.entity.js';
import { FirewallPolicy } from './firewall-policy.entity.js';
import { VirtualModel } from './virtual-model.entity.js';
import { AlertDelivery, AlertSettings } from './alert.entity.js';

export * from './account.entity.js';
export * from './member.entity.js';
export * from './invitation.entity.js';
export * from './audit-event.entity.js';
export * from './session.entity.js';
export * from './api-key.entity.js';
export * from './access-key-configuration.entity.js';
export * from './access-key.entity.js';
export * from './provider-key.entity.js';
export * from './custom-provider.entity.js';
export * from './usage-event.entity.js';
export * from './usage-rollup.entity.js';
export * from './usage-dead-letter.entity.js';
export * from './credit-purchase.entity.js';
export * from './credit-lot.entity.js';
export * from './credit-transaction.entity.js';
export * from './credit-grant.entity.js';
export * from './budget.entity.js';
export * from './firewall-policy.entity.js';
export * from './virtual-model.entity.js';
export * from './alert.entity.js';

export const ALL_ENTITIES = [
  Account,
  Member,
  Invitation,
  AuditEvent,
  Session,
  ApiKey,
  AccessKeyConfiguration,
  AccessKey,
  ProviderKey,
  CustomProvider,
  UsageEvent,
  UsageRollup,
  UsageRollupDaily,
  UsageDeadLetter,
  UsageSumBatch,
  CreditPurchase,
  CreditLot,
  CreditTransaction,
  CreditGrant,
  AccessKeySpend,
  BudgetGrant,
  RateLimitCounter,
  FirewallPolicy,
  VirtualModel,
  AlertSettings,
  AlertDelivery,
];
