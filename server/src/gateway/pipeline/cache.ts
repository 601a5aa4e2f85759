import type { AnswerCapture, CachedAnswer, CacheLookup, CacheStatus } from '../cache/index.js';
import { forwardedHeaders } from './attempt.js';
import { accessOf, bodyOf, resolutionOf, type PipelineDeps, type RequestState } from './state.js';

/** The request's relation to the response cache (only when its configuration caches). */
export interface CacheState {
  plan: CacheLookup;
  status: CacheStatus;
  /** The stored answer that served a hit. */
  answer?: CachedAnswer;
  /** Collects a streamed answer's bytes for storing (only when it may be stored). */
  capture?: AnswerCapture;
}

/**
 * Pipeline step between resolve and attempts: a hit answers from the cache (a stream is replayed
 * as the stored SSE bytes, already in the caller's format) and skips every attempt; a miss or a
 * bypass prepares the answer to be stored once it is complete.
 */
export function lookupCache(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  // Without a cache in the key's configuration the step costs one check and no promise.
  if (accessOf(state).responseCache) return lookupConfiguredCache(state, deps);
}

async function lookupConfiguredCache(state: RequestState, deps: PipelineDeps): Promise<void> {
  const access = accessOf(state);
  if (!access.responseCache) return;
  const body = bodyOf(state);
  const first = resolutionOf(state).attempts[0];
  const cacheControl = state.req.headers['cache-control'];
  const plan = deps.responseCache.plan({
    settings: access.responseCache,
    accountId: access.accountId,
    surface: state.surface,
    resolvedModel: `${first.provider}:${first.model}`,
    body: body.json,
    forwardedHeaders: forwardedHeaders(state),
    cacheControl: Array.isArray(cacheControl) ? cacheControl.join(',') : cacheControl,
  });
  if (!plan) return;
  if (state.answerGuard || state.firewall?.decisions.some((d) => d.action === 'redacted')) {
    // The firewall rewrote the request or watches the answer: a stored answer could carry another
    // request's restored values, or skip tool rules changed since. Such requests never use the cache.
    state.cache = { plan: { ...plan, store: false }, status: 'bypass' };
    return;
  }
  const answer = await deps.responseCache.lookup(plan);
  if (answer && answer.streamed === body.stream) {
    state.cache = { plan, status: 'hit', answer };
    state.status = 200;
    state.usage = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
    state.estimated = answer.tokensEstimated;
    state.reply = { status: 200, contentType: answer.contentType, body: answer.body };
    return;
  }
  state.cache = { plan, status: plan.bypass ? 'bypass' : 'miss', capture: body.stream ? deps.responseCache.capture(plan) : undefined };
}

/**
 * After the attempts: stores a complete, successful answer exactly as the client received it.
 * Errors, upstream refusals, interrupted or abandoned streams are never stored. Not awaited: the
 * store (Redis) must not delay the answer, and its failures are logged there.
 */
export function storeAnswer(state: RequestState, deps: PipelineDeps): void {
  const c = state.cache;
  const attempt = state.attempt;
  if (!c || c.status === 'hit' || !c.plan.store || !attempt || !state.usage) return;
  if (state.status < 200 || state.status >= 300 || state.errorCode !== null) return;
  const streamed = !state.reply;
  const bytes = state.reply ? Buffer.from(state.reply.body) : c.capture?.result();
  if (!bytes || bytes.length === 0) return;
  void deps.responseCache.save(c.plan, {
    body: bytes,
    contentType: state.reply?.contentType ?? 'text/event-stream',
    streamed,
    provider: attempt.provider,
    model: attempt.model,
    virtualModel: attempt.virtualModel,
    inputTokens: state.usage.inputTokens,
    outputTokens: state.usage.outputTokens,
    tokensEstimated: state.estimated,
  });
}
