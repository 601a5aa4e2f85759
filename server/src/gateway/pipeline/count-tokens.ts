import { buildCountTokensRequest } from '../adapters/anthropic-messages.js';
import { parseUpstreamError } from '../adapters/common.js';
import { runWithFailover, type AttemptAbort, type AttemptResult } from '../failover.js';
import type { Attempt } from '../resolve-model.js';
import { estimateRequestInputTokens, warmTokenizer } from '../tokens.js';
import { forAnthropic } from '../formats/anthropic-messages.js';
import { translateErrorBody } from '../translate/error-body.js';
import { isSuccess, ResponseTooLargeError, type UpstreamAnswer } from '../upstream.js';
import { forwardedHeaders, tooLargeFailure } from './attempt.js';
import { failoverOver } from './attempts.js';
import { authenticate } from './authenticate.js';
import { readCountTokensBody } from './body.js';
import { applyPolicies } from './policies.js';
import { resolve } from './resolve.js';
import type { PipelineStep } from './run.js';
import { accessOf, bodyOf, type PipelineDeps, type Reply, type RequestState } from './state.js';

/**
 * `POST /v1/messages/count_tokens`: the inference pipeline's front half (key, body, firewall,
 * model resolution) without credit or limits, since counting is free. The first candidate served
 * by an Anthropic-format provider is asked (its `/messages/count_tokens`, failing over like
 * inference); any other candidate is answered from the local tiktoken estimate, with no upstream
 * call. The usage event records the request at no cost and no tokens (nothing was generated):
 * `state.usage` is never set, and neither is `state.sent`, which would bill an estimated prompt
 * to a client that leaves early.
 */
export const COUNT_TOKENS_STEPS: readonly PipelineStep[] = [authenticate, readCountTokensBody, applyPolicies, resolve, countTokens];

async function countTokens(state: RequestState, deps: PipelineDeps): Promise<void> {
  // A `stream: true` in the body is ignored: counting never streams.
  state.streamed = false;
  const forwardHeaders = forwardedHeaders(state);
  // A local answer is nothing but the count: it waits for the encoder rather than estimating by characters.
  const options = failoverOver<Reply>(state, deps, (attempt, signal) =>
    attempt.target.endpoint.apiFormat === 'anthropic' ? askProvider(state, deps, attempt, forwardHeaders, signal) : warmTokenizer().then(() => localEstimate(state)),
  );
  const countAttempt = options.onAttempt;
  // Only real upstream calls count in the upstream-attempt metric, not local estimates.
  options.onAttempt = (a, outcome) => (a.target.endpoint.apiFormat === 'anthropic' ? countAttempt?.(a, outcome) : undefined);
  const result = await runWithFailover(options);
  state.attempt = result.attempt;
  state.status = result.status;
  state.reply = result.value;
  if (result.status >= 400) state.errorCode = result.value.errorCode ?? 'upstream_client_error';
}

function localEstimate(state: RequestState): AttemptResult<Reply> {
  const inputTokens = estimateRequestInputTokens('messages', bodyOf(state).json);
  return { kind: 'done', status: 200, value: { status: 200, contentType: 'application/json', body: JSON.stringify({ input_tokens: inputTokens }) } };
}

async function askProvider(
  state: RequestState,
  deps: PipelineDeps,
  attempt: Attempt,
  forwardHeaders: Record<string, string>,
  signal: AttemptAbort,
): Promise<AttemptResult<Reply>> {
  const built = buildCountTokensRequest({
    endpoint: attempt.target.endpoint,
    model: attempt.model,
    credential: attempt.credential.secret,
    // Refused by Anthropic's counting as by its answering: another vendor's unsigned thinking.
    body: forAnthropic(bodyOf(state).json).body,
    forwardHeaders,
  });
  const timeoutMs = accessOf(state).perAttemptTimeoutMs;
  let res: UpstreamAnswer;
  try {
    res = await deps.upstream.fetch(
      { url: built.url, headers: built.headers, body: built.body, egress: attempt.target.egress, signal, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs },
      deps.maxResponseBodyBytes,
    );
  } catch (err) {
    if (!(err instanceof ResponseTooLargeError)) throw err; // classified by the failover loop
    const { failure, reply } = tooLargeFailure(state, err);
    return { kind: 'failed', failure, value: reply };
  }
  if (isSuccess(res.status)) return { kind: 'done', status: res.status, value: { status: res.status, contentType: 'application/json', body: res.body } };
  const text = res.body.toString('utf8');
  // An Anthropic-compatible provider without the endpoint (many custom ones): count locally instead.
  if (res.status === 404 || res.status === 405) return localEstimate(state);
  const reply: Reply = { status: res.status, contentType: 'application/json', body: translateErrorBody('anthropic', res.status, text, state.requestId, attempt.credential.secret) };
  return { kind: 'failed', failure: parseUpstreamError(res.status, res.headers, text), value: reply };
}
