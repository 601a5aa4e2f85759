import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The kinds of firewall rule (contract, "Firewall policies"); shared by policies and usage events. */
export enum FirewallRuleKind {
  DENY_PATTERN = 'DENY_PATTERN',
  REDACT_PII = 'REDACT_PII',
  DENY_TOOLS = 'DENY_TOOLS',
  ALLOW_TOOLS = 'ALLOW_TOOLS',
}
registerEnumType(FirewallRuleKind, { name: 'FirewallRuleKind' });

@ObjectType({ description: 'What a firewall policy did to one request: counts only, never the matched text.' })
export class FirewallDecision {
  @Field(() => ID)
  policyId!: string;

  @Field(() => FirewallRuleKind)
  rule!: FirewallRuleKind;

  @Field(() => String, { description: '"blocked", "redacted" or "flagged".' })
  action!: string;

  @Field(() => Int)
  count!: number;
}
