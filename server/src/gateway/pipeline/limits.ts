import { estimateRequestInputTokens } from '../tokens.js';
import { applyTokenCaps } from '../token-caps.js';
import { accessOf, bodyOf, resolutionOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * Pipeline step after resolve: the account's token caps (maxInputTokens refuses, maxOutputTokens
 * rewrites the body; the output field depends on the first candidate), then the key's
 * requestsPerMinute / tokensPerMinute. Tokens are the estimated input plus the requested output,
 * corrected by the real usage in settle. Runs before reserve, so the budget and credit worst case
 * already use the capped output. A key without limits and an account without caps cost nothing
 * here (no tokenizing, no store call).
 */
export function checkLimits(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  const access = accessOf(state);
  const body = bodyOf(state);
  applyTokenCaps(access, state.surface, body, resolutionOf(state).attempts);
  if (access.requestsPerMinute === null && access.tokensPerMinute === null) return;
  const tokens = access.tokensPerMinute === null ? 0 : estimateRequestInputTokens(state.surface, body.json) + (body.maxOutputTokens ?? 0);
  return deps.rateLimits.admit(access, tokens).then((ticket) => {
    state.rateTicket = ticket;
  });
}
