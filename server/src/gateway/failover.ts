import type { UsageAttemptRecord } from '../entities/usage-event.entity.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { UpstreamFailedError } from '../errors/upstream-error.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';
import { classifyNetworkError, shouldFailOver } from './classify.js';
import type { Attempt } from './resolve-model.js';

/** What one attempt ended in, as decided by the caller's `run`. */
export type AttemptResult<T> =
  | { kind: 'done'; value: T; status: number }
  /**
   * A failure that may fail over (or not, per its class). `respond` builds the client response
   * for a failure that is returned as is (an upstream 4xx caused by the request itself).
   */
  | { kind: 'failed'; failure: UpstreamFailure; respond?: () => T };

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
}

/** A per-attempt timeout that a stream cancels once its first byte reached the client. */
export interface AttemptTimer {
  cancel(): void;
}

/**
 * Tries attempts in order. Fails over only on classes that shouldFailOver() allows; gives up
 * with upstream_timeout when the total budget is spent, or upstream_failed when every attempt failed.
 */
export async function runWithFailover<T>(o: FailoverOptions<T>): Promise<{ value: T; attempt: Attempt; status: number }> {
  const deadline = Date.now() + o.totalTimeoutMs;
  const total = new AbortController();
  const totalTimer = setTimeout(() => total.abort(new UpstreamTimeoutError(o.totalTimeoutMs)), o.totalTimeoutMs);
  totalTimer.unref?.();
  const summaries: { provider: string; model: string; error: string }[] = [];
  try {
    for (const attempt of o.attempts) {
      if (o.clientSignal.aborted) throw new ClientClosedError();
      const remaining = deadline - Date.now();
      if (remaining <= 0 || total.signal.aborted) throw new UpstreamTimeoutError(o.totalTimeoutMs);

      const perAttempt = new AbortController();
      const attemptTimer = setTimeout(
        () => perAttempt.abort(Object.assign(new Error('attempt timed out'), { name: 'TimeoutError', code: 'ATTEMPT_TIMEOUT' })),
        Math.min(o.perAttemptTimeoutMs, remaining),
      );
      attemptTimer.unref?.();
      const signal = AbortSignal.any([o.clientSignal, total.signal, perAttempt.signal]);
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
        result = await o.run(attempt, signal, { cancel: () => clearTimeout(attemptTimer) });
      } catch (err) {
        if (o.clientSignal.aborted) {
          record.error = 'client closed the connection';
          record.latencyMs = Math.round(performance.now() - started);
          throw new ClientClosedError();
        }
        if (total.signal.aborted) {
          record.error = 'total timeout reached';
          record.latencyMs = Math.round(performance.now() - started);
          throw new UpstreamTimeoutError(o.totalTimeoutMs);
        }
        result = {
          kind: 'failed',
          failure: perAttempt.signal.aborted
            ? { failureClass: 'transient', message: `attempt timed out after ${o.perAttemptTimeoutMs} ms` }
            : classifyNetworkError(err),
        };
      } finally {
        clearTimeout(attemptTimer);
      }
      record.latencyMs = Math.round(performance.now() - started);
      if (result.kind === 'done') {
        record.status = result.status;
        o.onAttempt?.(attempt, 'ok');
        return { value: result.value, attempt, status: result.status };
      }
      const { failure } = result;
      record.status = failure.status ?? null;
      record.error = failure.message;
      o.onAttempt?.(attempt, failure.failureClass);
      summaries.push({
        provider: attempt.provider,
        model: attempt.model,
        error: failure.status ? `HTTP ${failure.status}: ${failure.message}` : failure.message,
      });
      if (!shouldFailOver(failure.failureClass)) {
        if (result.respond) return { value: result.respond(), attempt, status: failure.status ?? 502 };
        // The request itself is at fault: other candidates would refuse it too.
        break;
      }
    }
    throw new UpstreamFailedError(summaries);
  } finally {
    clearTimeout(totalTimer);
  }
}
