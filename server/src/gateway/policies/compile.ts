import { RE2JS } from 're2js';
import { literalPrefilter } from './pattern-literals.js';
import type { FirewallPolicyData, FirewallRuleData, PiiType } from './types.js';

/** Longest pattern accepted; RE2 compiles in linear time but a huge program still costs memory. */
export const MAX_PATTERN_LENGTH = 2_000;

export class InvalidPatternError extends Error {}

/**
 * DENY_PATTERN rules run on RE2 (re2js): matching is linear in the text whatever the pattern, so
 * a tenant's `(a+)+b` cannot stall the event loop. Constructs RE2 cannot run in linear time
 * (backreferences, lookaround) are refused when the policy is saved, with RE2's own reason.
 */
export function compilePattern(pattern: string): RE2JS {
  if (pattern.length === 0) throw new InvalidPatternError('pattern must not be empty');
  if (pattern.length > MAX_PATTERN_LENGTH) throw new InvalidPatternError(`pattern must be at most ${MAX_PATTERN_LENGTH} characters`);
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new InvalidPatternError(`pattern is not a valid linear-time regular expression (${(err as Error).message})`);
  }
}

export type CompiledRule =
  | {
      kind: 'DENY_PATTERN';
      pattern: RE2JS;
      /** False only for texts the pattern cannot match (literals every match contains); runs first. */
      mayMatch: ((text: string) => boolean) | undefined;
    }
  | { kind: 'REDACT_PII'; piiTypes: PiiType[]; restoreInResponse: boolean }
  | { kind: 'DENY_TOOLS' | 'ALLOW_TOOLS'; tools: ReadonlySet<string> };

export interface CompiledPolicy {
  id: string;
  name: string;
  enforce: boolean;
  blockOnError: boolean;
  rules: CompiledRule[];
}

function compileRule(rule: FirewallRuleData): CompiledRule {
  switch (rule.kind) {
    case 'DENY_PATTERN':
      return { kind: 'DENY_PATTERN', pattern: compilePattern(rule.pattern ?? ''), mayMatch: literalPrefilter(rule.pattern ?? '') };
    case 'REDACT_PII':
      return { kind: 'REDACT_PII', piiTypes: [...new Set(rule.piiTypes ?? [])], restoreInResponse: rule.restoreInResponse ?? false };
    case 'DENY_TOOLS':
    case 'ALLOW_TOOLS':
      return { kind: rule.kind, tools: new Set(rule.tools ?? []) };
  }
}

export function compilePolicy(policy: FirewallPolicyData): CompiledPolicy {
  return {
    id: policy.id,
    name: policy.name,
    enforce: policy.mode === 'ENFORCE',
    blockOnError: policy.onError === 'BLOCK',
    rules: policy.rules.map(compileRule),
  };
}
