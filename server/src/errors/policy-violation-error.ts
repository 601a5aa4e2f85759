import type { PolicyBlock } from '../gateway/policies/evaluate.js';
import { AppError } from './app-error.js';

/** A firewall policy in enforce mode blocked the request or its answer (403 `policy_violation`). */
export class PolicyViolationError extends AppError {
  constructor(block: PolicyBlock) {
    // Names the policy and the rule, never the text that matched.
    super('policy_violation', 403, policyViolationMessage(block));
  }
}

export function policyViolationMessage(block: PolicyBlock): string {
  return `Blocked by firewall policy ${JSON.stringify(block.policyName)} (${block.rule}): ${block.reason}.`;
}
