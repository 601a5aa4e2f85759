import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Surface } from '../../catalog/types.js';
import type { UsageAttemptRecord } from '../../entities/usage-event.entity.js';
import type { Metrics } from '../../metrics.js';
import type { KeyRateLimits, RateTicket } from '../../services/rate-limits/key-rate-limits.js';
import type { AccessContext, AccessContextCache } from '../access-context.js';
import type { TokenUsage } from '../adapters/adapter.js';
import type { CircuitBreakers, RetryBudget } from '../circuit-breaker.js';
import type { AttemptAbort } from '../failover.js';
import type { CreditGate, SpendReservation } from '../credit-gate.js';
import type { ProviderDirectory } from '../provider-directory.js';
import type { InferenceBody } from '../request-body.js';
import type { Attempt, Resolution } from '../resolve-model.js';
import type { UpstreamClient } from '../upstream.js';
import type { AnswerGuard } from '../policies/answer-guard.js';
import type { RequestVerdict } from '../policies/evaluate.js';
import type { UsageWriter } from '../../services/usage/usage-writer.js';
import type { ResponseCache } from '../cache/index.js';
import type { CacheState } from './cache.js';
import type { RequestTracer } from '../../telemetry/tracing.js';
import type { FinishReason } from '../pivot.js';

/** What the /v1 pipeline needs from the service container, passed in once at startup. */
export interface PipelineDeps {
  cache: AccessContextCache;
  directory: ProviderDirectory;
  upstream: UpstreamClient;
  usage: UsageWriter;
  /** Set only when OpenTelemetry is configured. */
  tracing?: RequestTracer;
  credits: CreditGate;
  /** Per-key requestsPerMinute / tokensPerMinute, shared by every instance. */
  rateLimits: KeyRateLimits;
  metrics: Metrics;
  logger: Logger;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  breakers: CircuitBreakers | undefined;
  retryBudget: RetryBudget;
  /** Opt-in response cache (per configuration). */
  responseCache: ResponseCache;
  /** epoch ms; the credits' clock, so budget periods and usage times follow a test's controlled clock. */
  now: () => number;
}

/** A complete, not streamed answer: written in one go by respond.ts. */
export interface Reply {
  status: number;
  /** Sent as is; respond.ts adds the charset the way clients expect it. */
  contentType: string;
  body: string | Buffer;
  /** Set for an upstream refusal returned to the caller (e.g. `upstream_client_error`). */
  errorCode?: string;
  /** Extra headers of an error answer (an AppError's, e.g. `x-should-retry`). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Everything one /v1 request carries from step to step. Each step reads what earlier steps
 * filled in and adds its own part; nothing is hidden in closures, so a new step (limits,
 * policies, cache) only needs this type and `PipelineDeps`.
 */
export interface RequestState {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly surface: Surface;
  /** The request path (no query), which picks the error format. */
  readonly path: string;
  readonly requestId: string;
  /** performance.now() at arrival, for the usage event's latency. */
  readonly started: number;
  /** epoch ms at arrival (deps.now): the budget period the request is reserved in, and its usage time. */
  readonly admittedAt: number;
  /** Set when the client went away before the answer was complete (failover's ClientLink). */
  clientClosed: boolean;
  /** The upstream attempt under way, aborted when the client goes away (failover's ClientLink). */
  inFlight?: AttemptAbort;

  /** Filled by authenticate. */
  access?: AccessContext;
  /** Filled by the body step. */
  body?: InferenceBody;
  /** Filled by the policies step when the key's configuration has firewall policies. */
  firewall?: RequestVerdict;
  /** Set when the policies look at the answer (tool rules, restoring redacted values). */
  answerGuard?: AnswerGuard;
  /** Filled by resolve: candidates in order, plus models a configuration refused. */
  resolution?: Resolution;
  /** Filled by reserve (credit and the key's budget); settled by settle. */
  reservation?: SpendReservation;
  /** Filled by checkLimits for a key with tokensPerMinute; corrected by settle. */
  rateTicket?: RateTicket;

  /** Every upstream attempt, in order (the usage event's attempt list, the attempts header). */
  readonly log: UsageAttemptRecord[];
  /** The last attempt whose request went to a provider (charged for its prompt if the client leaves before an answer). */
  sent?: Attempt;
  /** The attempt that produced the answer (or the refusal returned as is). */
  attempt?: Attempt;
  /** A complete answer waiting to be written; unset for a relayed stream. */
  reply?: Reply;
  /** Filled by the cache step when the key's configuration caches answers. */
  cache?: CacheState;
  /** Client fields the serving provider could not take (formats/), named in x-gateway-removed-params. */
  removedParams?: string[];

  // The outcome the usage event is built from (settle.ts).
  status: number;
  errorCode: string | null;
  usage?: TokenUsage;
  /** Why generation stopped, per choice (tracing only; the usage event does not keep it). */
  finishReasons?: readonly FinishReason[];
  estimated: boolean;
  streamed: boolean;
}

export function createRequestState(
  req: IncomingMessage,
  res: ServerResponse,
  surface: Surface,
  path: string,
  requestId: string,
  admittedAt: number,
  started = performance.now(),
): RequestState {
  return {
    req,
    res,
    surface,
    path,
    requestId,
    started,
    admittedAt,
    clientClosed: false,
    log: [],
    status: 500,
    errorCode: null,
    estimated: false,
    streamed: false,
  };
}

// Steps after the one that fills a field may rely on it; these say so once instead of `!` everywhere.
export function accessOf(state: RequestState): AccessContext {
  if (!state.access) throw new Error('pipeline step ran before authenticate');
  return state.access;
}

export function bodyOf(state: RequestState): InferenceBody {
  if (!state.body) throw new Error('pipeline step ran before the body was read');
  return state.body;
}

export function resolutionOf(state: RequestState): Resolution {
  if (!state.resolution) throw new Error('pipeline step ran before resolve');
  return state.resolution;
}
