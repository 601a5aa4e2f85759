import type { Surface } from '../../catalog/types.js';
import type { CompiledPolicy, CompiledRule } from './compile.js';
import { Redactor } from './redact.js';
import { mapRequestTexts } from './request-text.js';
import { offeredToolNames } from './tool-names.js';
import type { FirewallDecision, FirewallRuleKind } from './types.js';

/** Most text one request's deny patterns scan; beyond it the policy fails and `onError` decides. */
export const MAX_SCANNED_CHARS = 1_048_576;

/** Why a request (or an answer) was blocked: names the policy and rule, never the matched text. */
export interface PolicyBlock {
  policyId: string;
  policyName: string;
  rule: FirewallRuleKind;
  reason: string;
}

export interface RequestVerdict {
  block: PolicyBlock | undefined;
  decisions: FirewallDecision[];
  /** Placeholder → value, when redacted values are to be put back into the answer. */
  restore: ReadonlyMap<string, string> | undefined;
  /** Tool rules the answer is checked against (only those of policies that did not fail). */
  answerRules: { policy: CompiledPolicy; rule: Extract<CompiledRule, { kind: 'DENY_TOOLS' | 'ALLOW_TOOLS' }> }[];
}

class PolicyFailure extends Error {}

function toolAllowed(rule: Extract<CompiledRule, { kind: 'DENY_TOOLS' | 'ALLOW_TOOLS' }>, name: string): boolean {
  return rule.kind === 'DENY_TOOLS' ? !rule.tools.has(name) : rule.tools.has(name);
}

/** Counts texts matching the pattern (scan only, nothing changed). */
function countPatternHits(surface: Surface, body: Record<string, unknown>, rule: Extract<CompiledRule, { kind: 'DENY_PATTERN' }>): number {
  let scanned = 0;
  let hits = 0;
  mapRequestTexts(
    surface,
    body,
    (text) => {
      scanned += text.length;
      if (scanned > MAX_SCANNED_CHARS) throw new PolicyFailure(`the request's text exceeds ${MAX_SCANNED_CHARS} characters`);
      // test() runs RE2's DFA; matcher().find() also tracks positions and is ~4-8x slower. Most
      // texts lack the pattern's required literals, which is ~10x cheaper to find out.
      if ((!rule.mayMatch || rule.mayMatch(text)) && rule.pattern.test(text)) hits++;
      return text;
    },
    { toolArguments: true },
  );
  return hits;
}

/**
 * Applies the configuration's policies to a request body (mutating it when PII is redacted in
 * enforce mode). Deny rules are checked on the original text first, so a redaction never hides a
 * deny match. In DRY_RUN nothing is blocked or changed: matches are only recorded as `flagged`.
 */
export function evaluateRequest(policies: readonly CompiledPolicy[], surface: Surface, body: Record<string, unknown>): RequestVerdict {
  const verdict: RequestVerdict = { block: undefined, decisions: [], restore: undefined, answerRules: [] };
  const decide = (policy: CompiledPolicy, rule: FirewallRuleKind, count: number, reason: string): boolean => {
    if (count === 0) return false;
    if (policy.enforce) {
      verdict.decisions.push({ policyId: policy.id, rule, action: 'blocked', count });
      verdict.block ??= { policyId: policy.id, policyName: policy.name, rule, reason };
      return true;
    }
    verdict.decisions.push({ policyId: policy.id, rule, action: 'flagged', count });
    return false;
  };

  const redactions: { policy: CompiledPolicy; rule: Extract<CompiledRule, { kind: 'REDACT_PII' }> }[] = [];
  for (const policy of policies) {
    try {
      for (const rule of policy.rules) {
        if (rule.kind === 'DENY_PATTERN') {
          if (decide(policy, rule.kind, countPatternHits(surface, body, rule), 'the request matches a denied pattern')) return verdict;
        } else if (rule.kind === 'REDACT_PII') {
          redactions.push({ policy, rule });
        } else {
          const denied = offeredToolNames(surface, body).filter((name) => !toolAllowed(rule, name));
          if (decide(policy, rule.kind, denied.length, 'the request offers a tool the policy does not allow')) return verdict;
          verdict.answerRules.push({ policy, rule });
        }
      }
    } catch (err) {
      if (!(err instanceof PolicyFailure)) throw err;
      if (policy.blockOnError) {
        verdict.block = { policyId: policy.id, policyName: policy.name, rule: 'DENY_PATTERN', reason: `the policy could not be applied: ${err.message}` };
        return verdict;
      }
    }
  }

  const restore = new Map<string, string>();
  for (const { policy, rule } of redactions) {
    const redactor = new Redactor(rule.piiTypes);
    if (policy.enforce) {
      mapRequestTexts(surface, body, (text) => redactor.redact(text));
      if (rule.restoreInResponse) for (const [k, v] of redactor.placeholders) restore.set(k, v);
    } else {
      // Dry run: count what would be redacted, change nothing.
      mapRequestTexts(surface, body, (text) => (redactor.redact(text), text));
    }
    if (redactor.total > 0) {
      verdict.decisions.push({ policyId: policy.id, rule: 'REDACT_PII', action: policy.enforce ? 'redacted' : 'flagged', count: redactor.total });
    }
  }
  if (restore.size > 0) verdict.restore = restore;
  return verdict;
}

/**
 * Checks a tool called in the answer. ENFORCE: the first denied call blocks (the caller ends the
 * answer with policy_violation). DRY_RUN: the call is recorded as flagged.
 */
export function checkAnswerTool(verdict: RequestVerdict, name: string): PolicyBlock | undefined {
  for (const { policy, rule } of verdict.answerRules) {
    if (toolAllowed(rule, name)) continue;
    const existing = verdict.decisions.find((d) => d.policyId === policy.id && d.rule === rule.kind && d.action === (policy.enforce ? 'blocked' : 'flagged'));
    if (existing) existing.count++;
    else verdict.decisions.push({ policyId: policy.id, rule: rule.kind, action: policy.enforce ? 'blocked' : 'flagged', count: 1 });
    if (policy.enforce) {
      return { policyId: policy.id, policyName: policy.name, rule: rule.kind, reason: 'the answer calls a tool the policy does not allow' };
    }
  }
  return undefined;
}
