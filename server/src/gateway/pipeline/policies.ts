import { PolicyViolationError } from '../../errors/policy-violation-error.js';
import { AnswerGuard } from '../policies/answer-guard.js';
import { evaluateRequest } from '../policies/evaluate.js';
import { accessOf, bodyOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * Pipeline step: the configuration's firewall policies, on the body as the client sent it and
 * before anything is resolved, reserved or sent. Deny rules block (ENFORCE) or are recorded
 * (DRY_RUN); PII is replaced by placeholders in the body the providers will see. A key without
 * policies pays one length check.
 */
export function applyPolicies(state: RequestState, _deps: PipelineDeps): void {
  const policies = accessOf(state).firewallPolicies;
  if (policies.length === 0) return;
  const verdict = evaluateRequest(policies, state.surface, bodyOf(state).json);
  state.firewall = verdict;
  if (verdict.block) throw new PolicyViolationError(verdict.block);
  // An embeddings answer is vectors: no tool calls to check, no text to restore.
  if (state.surface !== 'embeddings' && AnswerGuard.needed(verdict)) state.answerGuard = new AnswerGuard(state.surface, verdict);
}

/**
 * After the attempts: a complete answer is checked against the tool rules and has its
 * placeholders put back. (A stream is guarded event by event inside the relay.)
 */
export function guardReply(state: RequestState): void {
  const guard = state.answerGuard;
  const reply = state.reply;
  if (!guard || !reply || state.streamed || reply.status < 200 || reply.status >= 300) return;
  const outcome = guard.guardAnswerBody(reply.body);
  if ('block' in outcome) throw new PolicyViolationError(outcome.block);
  if (outcome.body !== reply.body) state.reply = { ...reply, body: outcome.body };
}

