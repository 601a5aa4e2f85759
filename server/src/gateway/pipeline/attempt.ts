import { billableUsage, type TokenUsage } from '../adapters/adapter.js';
import type { FinishReason } from '../pivot.js';
import type { AttemptAbort, AttemptResult, AttemptTimer } from '../failover.js';
import { planFor, type InferencePlan } from '../formats/index.js';
import type { Attempt } from '../resolve-model.js';
import { estimateRequestInputTokens, estimateTextTokens } from '../tokens.js';
import { redactCredential, translateErrorBody } from '../translate/error-body.js';
import { ERROR_BODY_BYTES, isSuccess, ResponseTooLargeError, type UpstreamAnswer, type UpstreamCall, type UpstreamHeaders } from '../upstream.js';
import { UpstreamResponseTooLargeError, type UpstreamFailure } from '../../errors/upstream-error.js';
import { classifyNetworkError } from '../classify.js';
import { errorReply } from './respond.js';
import { accessOf, bodyOf, type PipelineDeps, type Reply, type RequestState } from './state.js';
import { streamAttempt } from './stream-attempt.js';

/** What an attempt that answered hands back to the pipeline. */
export interface AttemptAnswer {
  /** The complete answer to write; absent when a stream was already relayed. */
  reply?: Reply;
  usage?: TokenUsage;
  estimated: boolean;
  /** Why generation stopped, per choice, as the upstream said (tracing). */
  finishReasons?: readonly FinishReason[];
  /** Set when a relayed stream did not complete, or for a refusal returned as is. */
  errorCode: string | null;
}

/** Client headers forwarded upstream (lower-case); credentials and hop-by-hop headers never are. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta'] as const;

export function forwardedHeaders(state: RequestState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const v = state.req.headers[name];
    if (v) out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * One upstream attempt: build the request in the provider's format, send it, and classify what
 * came back into data the failover loop decides on. A stream is relayed from here, because a
 * stream failing before its first meaningful event may still fail over.
 */
export async function runAttempt(
  state: RequestState,
  deps: PipelineDeps,
  attempt: Attempt,
  forwardHeaders: Record<string, string>,
  signal: AttemptAbort,
  timer: AttemptTimer,
): Promise<AttemptResult<AttemptAnswer>> {
  const body = bodyOf(state);
  const plan = planFor(state.surface, { apiFormat: attempt.target.endpoint.apiFormat, surfaces: attempt.target.surfaces });
  const request = plan.request(body.json, attempt.spec, attempt.target.endpoint);
  const built = plan.upstream.buildRequest({
    endpoint: attempt.target.endpoint,
    model: attempt.model,
    credential: attempt.credential.secret,
    body: request.body,
    stream: body.stream,
    forwardHeaders,
  });
  state.removedParams = [...(body.removedByCaps ?? []), ...request.removed, ...built.removedParams];
  state.sent = attempt;
  const { perAttemptTimeoutMs } = accessOf(state);
  const call: UpstreamCall = {
    url: built.url,
    headers: built.headers,
    body: built.body,
    egress: attempt.target.egress,
    signal,
    headersTimeoutMs: perAttemptTimeoutMs,
    bodyTimeoutMs: perAttemptTimeoutMs,
  };

  if (body.stream) {
    const res = await deps.upstream.send(call);
    if (isSuccess(res.status)) return streamAttempt(state, deps, attempt, plan, res, built.injectedStreamUsage, timer);
    const text = await deps.upstream.readBody(res, ERROR_BODY_BYTES).catch(() => Buffer.alloc(0));
    return refused(state, attempt, plan, res.status, res.headers, text);
  }

  // A complete answer, collected whole; an error status's body comes best-effort (see fetch).
  let answer: UpstreamAnswer;
  try {
    answer = await deps.upstream.fetch(call, deps.maxResponseBodyBytes);
  } catch (err) {
    if (err instanceof ResponseTooLargeError) return tooLarge(state, err);
    throw err; // classified by the failover loop, which also tells timeouts and client aborts apart
  }
  if (!isSuccess(answer.status)) return refused(state, attempt, plan, answer.status, answer.headers, answer.body);
  const raw = answer.body;
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'failed', failure: { failureClass: 'transient', status: answer.status, message: 'upstream returned malformed JSON' } };
  }
  if (plan.upstream.isErrorBody(json)) {
    // Some OpenAI-compatible vendors answer 200 with an error body: a failure, never a success.
    return { kind: 'failed', failure: { failureClass: 'transient', status: answer.status, message: 'upstream returned an error body with status 200' } };
  }
  let usage = billableUsage(plan.upstream.readUsage(json));
  const estimated = !usage;
  usage ??= {
    inputTokens: estimateRequestInputTokens(state.surface, body.json),
    outputTokens: estimateTextTokens(plan.upstream.readOutputText(json)),
  };
  return {
    kind: 'done',
    status: answer.status,
    value: {
      reply: { status: answer.status, contentType: 'application/json', body: plan.translated ? JSON.stringify(plan.response(json, attempt.model, body.json)) : raw },
      usage,
      estimated,
      finishReasons: plan.upstream.readFinishReasons(json),
      errorCode: null,
    },
  };
}

/**
 * A 2xx answer past MAX_RESPONSE_BODY_BYTES, dropped unread: classify.ts decides whether it fails
 * over; when it does not (the rule today), the caller gets this 502 in its format. The provider
 * answered in full and bills it, so the event carries the prompt's estimate (all an embeddings
 * answer bills); the answer's own tokens are unknown, its body never read, and count as none.
 */
function tooLarge(state: RequestState, err: ResponseTooLargeError): AttemptResult<AttemptAnswer> {
  const { failure, reply } = tooLargeFailure(state, err);
  const usage = { inputTokens: estimateRequestInputTokens(state.surface, bodyOf(state).json), outputTokens: 0 };
  return { kind: 'failed', failure, value: { reply, usage, estimated: true, errorCode: reply.errorCode ?? null } };
}

/** An answer past the size limit: its failure (classify.ts) and the caller's 502 `upstream_response_too_large` in its format. */
export function tooLargeFailure(state: RequestState, err: ResponseTooLargeError): { failure: UpstreamFailure; reply: Reply } {
  return { failure: classifyNetworkError(err), reply: errorReply(state.path, state.requestId, new UpstreamResponseTooLargeError(err.limit)) };
}

/**
 * An attempt the upstream answered with an error status: classified for failover, and kept as the
 * reply when it does not fail over (the request itself was refused upstream): its status, and its
 * message re-emitted in the caller's format, never the upstream's bytes or content-type.
 */
function refused(
  state: RequestState,
  attempt: Attempt,
  plan: InferencePlan,
  status: number,
  headers: UpstreamHeaders,
  body: Buffer,
): AttemptResult<AttemptAnswer> {
  const text = body.toString('utf8');
  const parsed = plan.upstream.parseError(status, headers, text);
  // The message goes to usage rows, logs and fail-over summaries: never with this attempt's key in it.
  const failure = { ...parsed, message: redactCredential(parsed.message, attempt.credential.secret) };
  const reply: Reply = {
    status,
    contentType: 'application/json',
    body: translateErrorBody(state.surface === 'messages' ? 'anthropic' : 'openai', status, text, state.requestId, attempt.credential.secret),
  };
  return { kind: 'failed', failure, value: { reply, estimated: false, errorCode: 'upstream_client_error' } };
}
