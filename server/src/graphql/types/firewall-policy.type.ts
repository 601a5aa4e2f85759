import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { IFirewallPolicy } from '../../entities/firewall-policy.entity.js';
import type { FirewallRuleData } from '../../gateway/policies/types.js';
import { connectionType } from './connection.type.js';
import { FirewallDecision, FirewallRuleKind } from './firewall-decision.type.js';

export { FirewallRuleKind };

// The enums' values are the stored strings, so rows map to GraphQL without conversion.
export enum FirewallMode {
  ENFORCE = 'ENFORCE',
  DRY_RUN = 'DRY_RUN',
}
export enum FirewallOnError {
  BLOCK = 'BLOCK',
  CONTINUE = 'CONTINUE',
}
export enum PiiType {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  CREDIT_CARD = 'CREDIT_CARD',
  IBAN = 'IBAN',
  IP_ADDRESS = 'IP_ADDRESS',
  API_KEY = 'API_KEY',
}

registerEnumType(FirewallMode, { name: 'FirewallMode', description: 'ENFORCE blocks and redacts; DRY_RUN serves the request and records `flagged`.' });
registerEnumType(FirewallOnError, { name: 'FirewallOnError', description: 'What a policy that cannot be applied does: BLOCK the request or CONTINUE without it.' });
registerEnumType(PiiType, { name: 'PiiType' });

@ObjectType()
export class FirewallRule {
  @Field(() => FirewallRuleKind)
  kind!: FirewallRuleKind;

  @Field(() => String, { nullable: true, description: 'DENY_PATTERN: an RE2 regular expression (linear time; no backreferences or lookaround).' })
  pattern!: string | null;

  @Field(() => [PiiType], { nullable: true, description: 'REDACT_PII: the types replaced by placeholders such as <EMAIL_1>.' })
  piiTypes!: PiiType[] | null;

  @Field(() => [String], { nullable: true, description: 'DENY_TOOLS / ALLOW_TOOLS: tool names.' })
  tools!: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'REDACT_PII: put the original values back into the answer.' })
  restoreInResponse!: boolean | null;

  static from(r: FirewallRuleData): FirewallRule {
    return Object.assign(new FirewallRule(), {
      kind: r.kind as FirewallRuleKind,
      pattern: r.pattern ?? null,
      piiTypes: r.piiTypes ? [...r.piiTypes] : null,
      tools: r.tools ? [...r.tools] : null,
      restoreInResponse: r.kind === 'REDACT_PII' ? (r.restoreInResponse ?? false) : null,
    });
  }
}

@ObjectType({ description: 'Rules applied to requests (and tool calls in answers) of keys whose configuration attaches the policy.' })
export class FirewallPolicy {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => FirewallMode)
  mode!: FirewallMode;

  @Field(() => FirewallOnError)
  onError!: FirewallOnError;

  @Field(() => [FirewallRule])
  rules!: FirewallRule[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(p: IFirewallPolicy): FirewallPolicy {
    return Object.assign(new FirewallPolicy(), {
      id: p.id,
      name: p.name,
      mode: p.mode as FirewallMode,
      onError: p.onError as FirewallOnError,
      rules: p.rules.map(FirewallRule.from),
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    });
  }
}

export const FirewallPolicyConnection = connectionType(FirewallPolicy, 'FirewallPolicy');

@InputType()
export class FirewallRuleInput {
  @Field(() => FirewallRuleKind)
  kind!: FirewallRuleKind;

  @Field(() => String, { nullable: true })
  pattern?: string | null;

  @Field(() => [PiiType], { nullable: true })
  piiTypes?: PiiType[] | null;

  @Field(() => [String], { nullable: true })
  tools?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  restoreInResponse?: boolean | null;
}

@InputType({ description: 'The whole policy: an update replaces every rule.' })
export class FirewallPolicyInput {
  @Field(() => String)
  name!: string;

  @Field(() => FirewallMode)
  mode!: FirewallMode;

  @Field(() => FirewallOnError)
  onError!: FirewallOnError;

  @Field(() => [FirewallRuleInput])
  rules!: FirewallRuleInput[];
}

@ObjectType({ description: 'What a policy would do to a sample text sent as a user message (nothing is sent upstream or stored).' })
export class FirewallPolicyTestResult {
  @Field(() => Boolean)
  blocked!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it would be blocked (policy and rule, never the matched text).' })
  reason!: string | null;

  @Field(() => String, { description: 'The text as the provider would receive it (PII replaced in ENFORCE mode).' })
  redactedText!: string;

  @Field(() => [FirewallDecision])
  decisions!: FirewallDecision[];
}
