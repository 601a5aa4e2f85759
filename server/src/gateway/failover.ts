import { EventEmitter } from 'node:events';
import type { UsageAttemptRecord } from '../entities/usage-event.entity.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { UpstreamFailedError } from '../errors/upstream-error.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';
import { FAILURE_POLICY } from '../errors/failure-class.js';
import { classifyNetworkError } from './classify.js';
import { cleanText } from './text-safety.js';
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

/**
 * The abort signal of one upstream attempt. undici takes an EventEmitter as `signal` (it listens
 * with `once('abort')` and reads `reason`); this one is used instead of an AbortController because
 * an AbortSignal is an EventTarget (listener maps, event objects, its own timers), the costliest
 * allocation a request made, and a request needs nothing of it but "abort with this reason".
 */
export class AttemptAbort extends EventEmitter {
  aborted = false;
  reason: Error | undefined;

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * Where a request's client connection meets its failover loop (the request state implements it):
 * the client closing marks `clientClosed` and aborts `inFlight`, the attempt under way.
 */
export interface ClientLink {
  clientClosed: boolean;
  inFlight?: AttemptAbort;
}

export interface FailoverOptions<T> {
  attempts: readonly Attempt[];
  totalTimeoutMs: number;
  perAttemptTimeoutMs: number;
  /** The request's client: its closing aborts the attempt in flight. */
  client: ClientLink;
  /** Runs one attempt. `signal` fires on client abort, total or per-attempt timeout. */
  run(attempt: Attempt, signal: AttemptAbort, attemptTimer: AttemptTimer): Promise<AttemptResult<T>>;
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

/**
 * One timer per attempt for both limits: it fires at the attempt's deadline or the request's total
 * deadline, whichever comes first. Cancelling (a stream got its first byte) drops the attempt's
 * limit; the total one is re-armed for the time left.
 */
class AttemptDeadline implements AttemptTimer {
  attemptExpired = false;
  totalExpired = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly abort: AttemptAbort,
    private readonly totalDeadline: number,
    private readonly totalTimeoutMs: number,
    perAttemptTimeoutMs: number,
    remaining: number,
  ) {
    // When the total budget ends first, only it runs: that is a 504, not a failover.
    this.timer = perAttemptTimeoutMs < remaining ? setTimeout(attemptTimedOut, perAttemptTimeoutMs, this) : setTimeout(totalTimedOut, remaining, this);
  }

  cancel(): void {
    if (this.timer === undefined || this.totalExpired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(totalTimedOut, Math.max(0, this.totalDeadline - Date.now()), this);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** @internal timer callbacks */
  expireAttempt(): void {
    this.attemptExpired = true;
    this.abort.abort(Object.assign(new Error('attempt timed out'), { name: 'TimeoutError', code: 'ATTEMPT_TIMEOUT' }));
  }

  /** @internal timer callbacks */
  expireTotal(): void {
    this.totalExpired = true;
    // The reason is what undici rethrows: a stream already under way reports it to its client.
    this.abort.abort(new UpstreamTimeoutError(this.totalTimeoutMs));
  }
}

// Module-level callbacks (the deadline is the timer's argument): no closure per attempt.
function attemptTimedOut(d: AttemptDeadline): void {
  d.expireAttempt();
}

function totalTimedOut(d: AttemptDeadline): void {
  d.expireTotal();
}

/** The circuit a credential's health is tracked under. */
export function breakerKey(attempt: Attempt): string {
  return attempt.credential.providerKeyId ?? `${attempt.credential.keySource}:${attempt.provider}`;
}

/**
 * Tries attempts in order. Fails over only on classes whose FAILURE_POLICY says so; gives up
 * with upstream_timeout when the total budget is spent, or upstream_failed when every attempt failed.
 * Credentials whose circuit is open are tried only after every healthy one; attempts after the
 * first draw on the shared retry budget.
 */
export async function runWithFailover<T>(o: FailoverOptions<T>): Promise<{ value: T; attempt: Attempt; status: number }> {
  const deadline = Date.now() + o.totalTimeoutMs;
  const summaries: { provider: string; model: string; error: string }[] = [];
  /** The shortest retry-after of the attempts, while every one failed rate-limited with one (else undefined). */
  let retryAfter: number | undefined;
  let onlyRateLimited = true;
  const healthy: Attempt[] = [];
  const deferred: Attempt[] = [];
  for (const attempt of o.attempts) (o.breakers?.allows(breakerKey(attempt)) === false ? deferred : healthy).push(attempt);
  o.budget?.onRequest();

  try {
    let tried = 0;
    for (const attempt of deferred.length === 0 ? healthy : [...healthy, ...deferred]) {
      if (o.client.clientClosed) throw new ClientClosedError();
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new UpstreamTimeoutError(o.totalTimeoutMs);
      if (tried > 0 && o.budget && !o.budget.tryRetry()) {
        summaries.push({ provider: attempt.provider, model: attempt.model, error: 'not tried: retry budget exhausted' });
        break;
      }
      tried++;

      const abort = new AttemptAbort();
      o.client.inFlight = abort;
      const timer = new AttemptDeadline(abort, deadline, o.totalTimeoutMs, o.perAttemptTimeoutMs, remaining);
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
        result = await o.run(attempt, abort, timer);
      } catch (err) {
        if (o.client.clientClosed) {
          record.error = 'client closed the connection';
          record.latencyMs = Math.round(performance.now() - started);
          throw new ClientClosedError();
        }
        if (timer.totalExpired) {
          record.error = 'total timeout reached';
          record.latencyMs = Math.round(performance.now() - started);
          throw new UpstreamTimeoutError(o.totalTimeoutMs);
        }
        result = {
          kind: 'failed',
          failure: timer.attemptExpired
            ? { failureClass: 'transient', message: `attempt timed out after ${o.perAttemptTimeoutMs} ms` }
            : classifyNetworkError(err),
        };
      } finally {
        timer.clear();
        o.client.inFlight = undefined;
      }
      record.latencyMs = Math.round(performance.now() - started);
      if (result.kind === 'done') {
        record.status = result.status;
        o.breakers?.success(breakerKey(attempt));
        o.onAttempt?.(attempt, 'ok');
        return { value: result.value, attempt, status: result.status };
      }
      const { failure } = result;
      // Upstream text (a custom provider's error message) goes to the usage row, the logs and the
      // caller's 502: without control characters or lone surrogates, which PostgreSQL refuses.
      const message = cleanText(failure.message);
      record.status = failure.status ?? null;
      record.error = message;
      o.breakers?.failure(breakerKey(attempt), failure.failureClass, failure.retryAfterSeconds);
      if (failure.failureClass !== 'rate_limit' || failure.retryAfterSeconds === undefined) onlyRateLimited = false;
      else retryAfter = Math.min(retryAfter ?? Infinity, failure.retryAfterSeconds);
      o.onAttempt?.(attempt, failure.failureClass);
      summaries.push({
        provider: attempt.provider,
        model: attempt.model,
        error: failure.status ? `HTTP ${failure.status}: ${message}` : message,
      });
      if (!FAILURE_POLICY[failure.failureClass].failOver) {
        if (result.value !== undefined) return { value: result.value, attempt, status: failure.status ?? 502 };
        // The request itself is at fault: other candidates would refuse it too.
        break;
      }
    }
    throw new UpstreamFailedError(summaries, onlyRateLimited ? retryAfter : undefined);
  } finally {
    o.client.inFlight = undefined;
  }
}
