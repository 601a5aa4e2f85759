import { ClientClosedError } from '../failover.js';
import { estimateRequestInputTokens } from '../tokens.js';
import { authenticate } from './authenticate.js';
import { runAttempts } from './attempts.js';
import { readBody } from './body.js';
import { checkLimits } from './limits.js';
import { applyPolicies } from './policies.js';
import { reserve, resolve } from './resolve.js';
import { toAppError, writeError, writeReply } from './respond.js';
import { settle } from './settle.js';
import { logRequest } from './request-log.js';
import { lookupCache, storeAnswer } from './cache.js';
import type { PipelineDeps, RequestState } from './state.js';

/** One step of the /v1 pipeline: reads and fills the request state, or throws an AppError. */
export type PipelineStep = (state: RequestState, deps: PipelineDeps) => void | Promise<void>;

/**
 * The /v1 inference pipeline, in order. To hook a feature in, add its step at its place:
 * authenticate → body → policies (firewall) → resolve (candidates) → limits (token caps, key
 * rates) → reserve (credit and budget holds) → cache → attempts (relay included), then settle. A
 * step that answers by itself (a cache hit) sets `state.reply`; the remaining steps before
 * settle are then skipped.
 */
export const INFERENCE_STEPS: readonly PipelineStep[] = [
  authenticate,
  readBody,
  applyPolicies,
  resolve,
  // Token caps and per-key rates: after resolve (a chat cap's field depends on the candidate), before reserve.
  checkLimits,
  reserve,
  lookupCache,
  runAttempts,
];

/**
 * Runs one inference request through the steps (another route's list for count_tokens), then
 * settles and writes the answer. Warm requests touch no database: the access context is cached and credit comes from an in-memory grant.
 */
export async function runInference(state: RequestState, deps: PipelineDeps, steps: readonly PipelineStep[] = INFERENCE_STEPS): Promise<void> {
  const { res } = state;
  const onClose = () => {
    if (res.writableFinished) return;
    state.clientClosed = true;
    state.inFlight?.abort(new ClientClosedError());
  };
  // A plain listener, removed below: `once` would wrap it in a bound function more per request.
  res.on('close', onClose);
  let failure;
  try {
    for (const step of steps) {
      // Most steps finish synchronously on a warm request: awaiting only a returned promise
      // spares a microtask turn (and an async frame) per step.
      const pending = step(state, deps);
      if (pending) await pending;
      if (state.reply) break;
    }
  } catch (err) {
    if (err instanceof ClientClosedError || state.clientClosed) {
      clientClosed(state);
    } else {
      failure = toAppError(err, state.requestId, deps.logger);
      state.status = failure.status;
      state.errorCode = failure.code;
    }
  } finally {
    res.off('close', onClose);
  }
  if (!failure) storeAnswer(state, deps);
  // Settled before the answer is written, so the caller's next request sees its credit already spent.
  if (state.access) settle(state, deps);
  logRequest(state, deps);
  if (failure) writeError(res, state.requestId, state.path, failure, state);
  else if (state.reply) writeReply(state, state.reply);
}

/** The client left before an answer: nothing is written; a provider that already had the prompt bills it. */
function clientClosed(state: RequestState): void {
  state.status = 499;
  state.errorCode = 'client_closed';
  if (state.sent && !state.usage && state.body) {
    state.attempt = state.sent;
    state.estimated = true;
    state.usage = { inputTokens: estimateRequestInputTokens(state.surface, state.body.json), outputTokens: 0 };
  }
}
