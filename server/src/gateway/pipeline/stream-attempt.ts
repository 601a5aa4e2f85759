import { billableUsage } from '../adapters/adapter.js';
import type { AttemptResult, AttemptTimer } from '../failover.js';
import type { InferencePlan } from '../formats/index.js';
import { FirewallStreamFilter } from '../policies/stream-guard.js';
import { relayStream } from '../relay-stream.js';
import type { Attempt } from '../resolve-model.js';
import { estimateRequestInputTokens, estimateTextTokens } from '../tokens.js';
import { discardBody, type UpstreamResponse } from '../upstream.js';
import type { AttemptAnswer } from './attempt.js';
import { openStream } from './respond.js';
import { bodyOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * A 2xx stream: relayed to the client (held until its first meaningful event, so an early
 * error can still fail over), then its usage reconciled from what the upstream reported and
 * what was actually relayed.
 */
export async function streamAttempt(
  state: RequestState,
  deps: PipelineDeps,
  attempt: Attempt,
  plan: InferencePlan,
  upstream: UpstreamResponse,
  injectedStreamUsage: boolean,
  timer: AttemptTimer,
): Promise<AttemptResult<AttemptAnswer>> {
  const body = bodyOf(state);
  const { res } = state;
  const hideUsage = injectedStreamUsage && !body.clientWantsStreamUsage;
  // The model that serves the stream, as a same-format stream's own frames name it (a fallback's, say).
  const translator = plan.stream(attempt.model, {
    includeUsage: body.clientWantsStreamUsage,
    request: body.json,
    // Announced in message_start, where Anthropic clients read the prompt size before any answer.
    inputTokens: plan.translated && state.surface === 'messages' ? estimateRequestInputTokens(state.surface, body.json) : undefined,
  });
  const observer = translator ? undefined : plan.upstream.observeStream({ hideUsageChunk: hideUsage });
  /** Usage and generated text, from whichever stage parsed the events (each event is parsed once). */
  const tracker = translator ?? observer;
  const capture = state.cache?.capture;
  const relayed = await relayStream({
    body: upstream.body,
    observer,
    translator,
    rewrite: hideUsage,
    res,
    clientSurface: state.surface,
    onWrite: capture ? (data) => capture.append(data) : undefined,
    outputFilter: state.answerGuard ? new FirewallStreamFilter(state.surface, state.answerGuard) : undefined,
    commit: () => {
      timer.cancel();
      state.attempt = attempt;
      openStream(state);
      deps.metrics.openStreams.inc();
      res.once('close', () => deps.metrics.openStreams.dec());
    },
  });
  if (relayed.kind === 'failed') {
    discardBody(upstream.body);
    return { kind: 'failed', failure: relayed.failure };
  }
  const answer: AttemptAnswer = { estimated: false, errorCode: null, finishReasons: tracker?.finishReasons() };
  const reported = billableUsage(tracker?.usage());
  if (reported && relayed.complete) {
    answer.usage = reported;
  } else if (reported) {
    // Cut short (client gone, upstream broke off): counts sent early in the stream (Anthropic's
    // message_start says output_tokens: 1) predate the text already relayed, so never charge less
    // than that text.
    const text = estimateTextTokens(tracker?.outputText() ?? '');
    answer.estimated = text > reported.outputTokens || reported.inputTokens === 0;
    answer.usage = {
      inputTokens: reported.inputTokens > 0 ? reported.inputTokens : estimateRequestInputTokens(state.surface, body.json),
      outputTokens: Math.max(reported.outputTokens, text),
    };
  } else {
    answer.estimated = true;
    answer.usage = {
      inputTokens: estimateRequestInputTokens(state.surface, body.json),
      outputTokens: estimateTextTokens(tracker?.outputText() ?? ''),
    };
  }
  if (relayed.blockedByPolicy) {
    answer.errorCode = 'policy_violation';
  } else if (!relayed.complete) {
    answer.errorCode =
      res.destroyed && !res.writableFinished ? 'client_closed' : relayed.timedOut ? 'upstream_timeout' : 'upstream_stream_interrupted';
  }
  if (!res.writableEnded) res.end();
  return { kind: 'done', status: 200, value: answer };
}
