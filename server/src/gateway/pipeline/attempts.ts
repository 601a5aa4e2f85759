import { providerLabel } from '../../metrics.js';
import { runWithFailover, type FailoverOptions } from '../failover.js';
import { forwardedHeaders, runAttempt, type AttemptAnswer } from './attempt.js';
import { guardReply } from './policies.js';
import { accessOf, resolutionOf, type PipelineDeps, type RequestState } from './state.js';

/** Failover over the request's candidates under the key's timeouts, shared by every route that tries them. */
export function failoverOver<T>(state: RequestState, deps: PipelineDeps, run: FailoverOptions<T>['run']): FailoverOptions<T> {
  const access = accessOf(state);
  const { metrics } = deps;
  return {
    attempts: resolutionOf(state).attempts,
    totalTimeoutMs: access.totalTimeoutMs,
    perAttemptTimeoutMs: access.perAttemptTimeoutMs,
    client: state,
    log: state.log,
    breakers: deps.breakers,
    budget: deps.retryBudget,
    onAttempt: (a, outcome) => metrics.upstreamAttempts.pair(providerLabel(a.provider), outcome).inc(),
    run,
  };
}

/**
 * Pipeline step: try the candidates in order (failover, circuit breakers, retry budget, timeouts)
 * and keep what the one that answered handed back. A stream is relayed inside its attempt.
 */
export async function runAttempts(state: RequestState, deps: PipelineDeps): Promise<void> {
  const forwardHeaders = forwardedHeaders(state);
  const result = await runWithFailover<AttemptAnswer>(
    failoverOver(state, deps, (attempt, signal, timer) => runAttempt(state, deps, attempt, forwardHeaders, signal, timer)),
  );
  const answer = result.value;
  state.attempt = result.attempt;
  state.status = result.status;
  state.reply = answer.reply;
  state.usage = answer.usage;
  state.finishReasons = answer.finishReasons;
  state.estimated = answer.estimated;
  state.errorCode = answer.errorCode;
  guardReply(state);
}
