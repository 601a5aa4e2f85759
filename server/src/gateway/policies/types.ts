/** Firewall policies as the data plane sees them: compiled once per configuration load. */
export type FirewallMode = 'ENFORCE' | 'DRY_RUN';
export type FirewallOnError = 'BLOCK' | 'CONTINUE';
export type FirewallRuleKind = 'DENY_PATTERN' | 'REDACT_PII' | 'DENY_TOOLS' | 'ALLOW_TOOLS';
export type PiiType = 'EMAIL' | 'PHONE' | 'CREDIT_CARD' | 'IBAN' | 'IP_ADDRESS' | 'API_KEY';
export const PII_TYPES: readonly PiiType[] = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'API_KEY'];

/** A rule as stored (jsonb on the policy row) and as GraphQL shows it. */
export interface FirewallRuleData {
  kind: FirewallRuleKind;
  pattern?: string | null;
  piiTypes?: PiiType[] | null;
  tools?: string[] | null;
  restoreInResponse?: boolean | null;
}

export interface FirewallPolicyData {
  id: string;
  name: string;
  mode: FirewallMode;
  onError: FirewallOnError;
  rules: FirewallRuleData[];
}

/** What a usage event records of a decision: counts only, never the matched text. */
export interface FirewallDecision {
  policyId: string;
  rule: FirewallRuleKind;
  action: 'blocked' | 'redacted' | 'flagged';
  count: number;
}
