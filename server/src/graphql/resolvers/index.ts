import type { NonEmptyArray } from 'type-graphql';
import { AccountResolver } from './account.resolver.js';
import { ApiKeyResolver } from './api-key.resolver.js';
import { AccessKeyResolver } from './access-key.resolver.js';
import { AccessKeyConfigurationResolver, ProviderRoutingResolver } from './access-key-configuration.resolver.js';
import { ProviderKeyResolver } from './provider-key.resolver.js';
import { ProviderResolver } from './provider.resolver.js';
import { UsageResolver } from './usage.resolver.js';
import { AccountCreditsResolver, CreditResolver } from './credit.resolver.js';
import { MemberResolver } from './member.resolver.js';
import { SessionResolver } from './session.resolver.js';
import { AuditResolver } from './audit.resolver.js';
import { FirewallPolicyResolver } from './firewall-policy.resolver.js';
import { VirtualModelResolver } from './virtual-model.resolver.js';
import { ConnectionCheckResolver } from './connection-check.resolver.js';
import { GatewayPricingResolver } from './gateway-pricing.resolver.js';
import { AlertResolver } from './alert.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  AccountResolver,
  ApiKeyResolver,
  AccessKeyResolver,
  AccessKeyConfigurationResolver,
  ProviderRoutingResolver,
  ProviderKeyResolver,
  ProviderResolver,
  UsageResolver,
  CreditResolver,
  AccountCreditsResolver,
  MemberResolver,
  SessionResolver,
  AuditResolver,
  FirewallPolicyResolver,
  VirtualModelResolver,
  ConnectionCheckResolver,
  GatewayPricingResolver,
  AlertResolver,
];
