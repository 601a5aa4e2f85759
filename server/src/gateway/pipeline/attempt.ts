import type { TokenUsage } from '../adapters/adapter.js';
import type { FinishReason } from '../pivot.js';
import type { AttemptAbort, AttemptResult, AttemptTimer } from '../failover.js';
import { planFor } from '../formats/index.js';
import type { Attempt } from '../resolve-model.js';
import { estimateRequestInputTokens, estimateTextTokens } from '../tokens.js';
import { redactCredential, translateErrorBody } from '../translate/error-body.js';
import type { UpstreamResponse } from '../upstream.js';
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

/** Never let a discarded undici body raise an unhandled 'error'. */
export function discard(res: UpstreamResponse): void {
  const b = res.body as { on?(e: string, f: () => void): void; destroy?(err?: Error): void };
  b.on?.('error', () => undefined);
  b.destroy?.();
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
  const request = plan.request(body.json, attempt.spec);
  const built = plan.upstream.buildRequest({
    endpoint: attempt.target.endpoint,
    model: attempt.model,
    credential: attempt.credential.secret,
    body: request.body,
    stream: body.stream,
    forwardHeaders,
  });
  state.removedParams = [...request.removed, ...built.removedParams];
  state.sent = attempt;
  const { perAttemptTimeoutMs } = accessOf(state);
  const res = await deps.upstream.send({
    url: built.url,
    headers: built.headers,
    body: built.body,
    egress: attempt.target.egress,
    signal,
    headersTimeoutMs: perAttemptTimeoutMs,
    bodyTimeoutMs: perAttemptTimeoutMs,
  });

  if (res.status < 200 || res.status >= 300) {
    const text = (await deps.upstream.readBody(res, 256 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
    const parsed = plan.upstream.parseError(res.status, res.headers, text);
    // The message goes to usage rows, logs and fail-over summaries: never with this attempt's key in it.
    const failure = { ...parsed, message: redactCredential(parsed.message, attempt.credential.secret) };
    // Returned when it does not fail over (the request itself was refused upstream): its status,
    // and its message re-emitted in the caller's format, never the upstream's bytes or content-type.
    const reply: Reply = {
      status: res.status,
      contentType: 'application/json',
      body: translateErrorBody(state.surface === 'messages' ? 'anthropic' : 'openai', res.status, text, attempt.credential.secret),
    };
    return { kind: 'failed', failure, value: { reply, estimated: false, errorCode: 'upstream_client_error' } };
  }

  if (body.stream) return streamAttempt(state, deps, attempt, plan, res, built.injectedStreamUsage, timer);

  let raw: Buffer;
  try {
    raw = await deps.upstream.readBody(res, deps.maxResponseBodyBytes);
  } catch (err) {
    discard(res);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'failed', failure: { failureClass: 'transient', status: res.status, message: 'upstream returned malformed JSON' } };
  }
  if (plan.upstream.isErrorBody(json)) {
    // Some OpenAI-compatible vendors answer 200 with an error body: a failure, never a success.
    return { kind: 'failed', failure: { failureClass: 'transient', status: res.status, message: 'upstream returned an error body with status 200' } };
  }
  let usage = plan.upstream.readUsage(json);
  const estimated = !usage;
  usage ??= {
    inputTokens: estimateRequestInputTokens(state.surface, body.json),
    outputTokens: estimateTextTokens(plan.upstream.readOutputText(json)),
  };
  return {
    kind: 'done',
    status: res.status,
    value: {
      reply: { status: res.status, contentType: 'application/json', body: plan.translated ? JSON.stringify(plan.response(json, body.model)) : raw },
      usage,
      estimated,
      finishReasons: plan.upstream.readFinishReasons(json),
      errorCode: null,
    },
  };
}
