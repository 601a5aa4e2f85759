import { accessOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * Pipeline step 2: limits checked before any work is done for the caller. The per-key request
 * rate runs before the body is read, so a flood from one key costs no body parsing. Key
 * budgets, per-key rates and token caps (#15) belong here.
 */
export function checkLimits(state: RequestState, deps: PipelineDeps): void {
  deps.accessKeyLimiter.consume(accessOf(state).accessKeyId);
}

