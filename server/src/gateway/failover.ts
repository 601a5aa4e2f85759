import type { UsageAttemptRecord } from '../entities/usage-event.entity.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { UpstreamFailedError } from '../errors/upstream-error.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';
import { FAILURE_POLICY } from '../errors/failure-class.js';
import { classifyNetworkError } from './classify.js';
import type { Attempt } from './resolve-model.js';
import type { CircuitBreakers, RetryBudget } from './circuit-breaker.js';

/** What one attempt ended in, as decided by the caller's `run`: plain data, no callbacks. */
export type AttemptResult<T> =
  | { kind: 'done'; value: T; status: number }
  /**
   * A failure that may fail over (or not, per its class). `value` is the answer to return as is
   * when the failure does not fail over (an upstream 4xx caused by the request itself).
   */
  | { kind: 'failed'; failure: UpstreamFailure; value?: T };

export class ClientClosedError extends Error {
  constructor() {
    super('client closed the connection');
  }
}

export interface FailoverOptions<T> {
  attempts: readonly Attempt[];
  totalTimeoutMs: number;
  perAttemptTimeoutMs: number;
  /** Aborts when the client goes away. */
  clientSignal: AbortSignal;
  /** Runs one attempt. `signal` fires on client abort, total or per-attempt timeout. */
  run(attempt: Attempt, signal: AbortSignal, attemptTimer: AttemptTimer): Promise<AttemptResult<T>>;
  /** Every attempt, in order, for the usage event. */
  log: UsageAttemptRecord[];
  onAttempt?(attempt: Attempt, outcome: string): void;
  breakers?: CircuitBreakers;
  budget?: RetryBudget;
}

/** A per-attempt timeout that a stream cancels once its first byte reached the client. */
export interface AttemptTimer {
  cancel(): void;
}

/** The circuit a credential's health is tracked under. */
export function breakerKey(attempt: Attempt): string {
  return attempt.credential.providerKeyId ?? `${attempt.credential.keySource}:${attempt.provider}`;
}

const TOTAL_TIMEOUT = 'total';
const CLIENT_CLOSED = 'client';

/**
 * Tries attempts in order. Fails over only on classes whose FAILURE_POLICY says so; gives up
 * with upstream_timeout when the total budget is spent, or upstream_failed when every attempt failed.
 * Credentials whose circuit is open are tried only after every healthy one; attempts after the
 * first draw on the shared retry budget.
 */
export async function runWithFailover<T>(o: FailoverOptions<T>): Promise<{ value: T; attempt: Attempt; status: number }> {
  const deadline = Date.now() + o.totalTimeoutMs;
  // One controller per attempt; the client and the total timer abort whichever is current.
  let current: AbortController | undefined;
  let stopped: string | undefined;
  const stop = (why: string) => {
    stopped ??= why;
    // The reason is what undici rethrows: a stream already under way reports it to its client.
    current?.abort(why === TOTAL_TIMEOUT ? new UpstreamTimeoutError(o.totalTimeoutMs) : new ClientClosedError());
  };
  const totalTimer = setTimeout(() => stop(TOTAL_TIMEOUT), o.totalTimeoutMs);
  const onClientAbort = () => stop(CLIENT_CLOSED);
  if (o.clientSignal.aborted) stopped = CLIENT_CLOSED;
  else o.clientSignal.addEventListener('abort', onClientAbort, { once: true });

  const summaries: { provider: string; model: string; error: string }[] = [];
  const healthy: Attempt[] = [];
  const deferred: Attempt[] = [];
  for (const attempt of o.attempts) (o.breakers?.allows(breakerKey(attempt)) === false ? deferred : healthy).push(attempt);
  o.budget?.onRequest();

  try {
    let tried = 0;
    for (const attempt of [...healthy, ...deferred]) {
      if (stopped === CLIENT_CLOSED) throw new ClientClosedError();
      const remaining = deadline - Date.now();
      if (remaining <= 0 || stopped === TOTAL_TIMEOUT) throw new UpstreamTimeoutError(o.totalTimeoutMs);
      if (tried > 0 && o.budget && !o.budget.tryRetry()) {
        summaries.push({ provider: attempt.provider, model: attempt.model, error: 'not tried: retry budget exhausted' });
        break;
      }
      tried++;

      const controller = new AbortController();
      current = controller;
      let attemptExpired = false;
      // When the total budget ends first, only the total timer runs: that is a 504, not a failover.
      const attemptTimer =
        o.perAttemptTimeoutMs < remaining
          ? setTimeout(() => {
              attemptExpired = true;
              controller.abort(Object.assign(new Error('attempt timed out'), { name: 'TimeoutError', code: 'ATTEMPT_TIMEOUT' }));
            }, o.perAttemptTimeoutMs)
          : undefined;
      const started = performance.now();
      const record: UsageAttemptRecord = {
        provider: attempt.provider,
        model: attempt.model,
        providerKeyId: attempt.credential.providerKeyId,
        keySource: attempt.credential.keySource,
        status: null,
        error: null,
        latencyMs: 0,
      };
      o.log.push(record);
      let result: AttemptResult<T>;
      try {
        result = await o.run(attempt, controller.signal, { cancel: () => clearTimeout(attemptTimer) });
      } catch (err) {
        if (stopped === CLIENT_CLOSED) {
          record.error = 'client closed the connection';
          record.latencyMs = Math.round(performance.now() - started);
          throw new ClientClosedError();
        }
        if (stopped === TOTAL_TIMEOUT) {
          record.error = 'total timeout reached';
          record.latencyMs = Math.round(performance.now() - started);
          throw new UpstreamTimeoutError(o.totalTimeoutMs);
        }
        result = {
          kind: 'failed',
          failure: attemptExpired
            ? { failureClass: 'transient', message: `attempt timed out after ${o.perAttemptTimeoutMs} ms` }
            : classifyNetworkError(err),
        };
      } finally {
        clearTimeout(attemptTimer);
      }
      record.latencyMs = Math.round(performance.now() - started);
      if (result.kind === 'done') {
        record.status = result.status;
        o.breakers?.success(breakerKey(attempt));
        o.onAttempt?.(attempt, 'ok');
        return { value: result.value, attempt, status: result.status };
      }
      const { failure } = result;
      record.status = failure.status ?? null;
      record.error = failure.message;
      o.breakers?.failure(breakerKey(attempt), failure.failureClass, failure.retryAfterSeconds);
      o.onAttempt?.(attempt, failure.failureClass);
      summaries.push({
        provider: attempt.provider,
        model: attempt.model,
        error: failure.status ? `HTTP ${failure.status}: ${failure.message}` : failure.message,
      });
      if (!FAILURE_POLICY[failure.failureClass].failOver) {
        if (result.value !== undefined) return { value: result.value, attempt, status: failure.status ?? 502 };
        // The request itself is at fault: other candidates would refuse it too.
        break;
      }
    }
    throw new UpstreamFailedError(summaries);
  } finally {
    clearTimeout(totalTimer);
    o.clientSignal.removeEventListener('abort', onClientAbort);
  }
}
