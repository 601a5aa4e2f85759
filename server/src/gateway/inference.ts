import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Surface } from '../catalog/types.js';
import type { UsageAttemptRecord } from '../entities/usage-event.entity.js';
import { AppError } from '../errors/app-error.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { InternalError } from '../errors/internal-error.js';
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { AccessContext, AccessContextCache } from './access-context.js';
import type { TokenUsage } from './adapters/adapter.js';
import { ClientClosedError, runWithFailover, type AttemptResult } from './failover.js';
import { planFor, type InferencePlan } from './inference-plan.js';
import type { ProviderDirectory } from './provider-directory.js';
import { relayStream } from './relay-stream.js';
import { parseInferenceBody, readRawBody, type InferenceBody } from './request-body.js';
import { resolveAttempts, type Attempt, type Resolution } from './resolve-model.js';
import { estimateRequestInputTokens, estimateTextTokens } from './tokens.js';
import { translateErrorBody } from './translate/error-body.js';
import type { UpstreamClient, UpstreamResponse } from './upstream.js';
import type { UsageWriter } from '../services/usage/usage-writer.js';
import type { CreditGate, SpendReservation } from './credit-gate.js';
import { bearerToken } from '../http/bearer-token.js';
import type { CircuitBreakers, RetryBudget } from './circuit-breaker.js';

export interface InferenceDeps {
  cache: AccessContextCache;
  directory: ProviderDirectory;
  upstream: UpstreamClient;
  usage: UsageWriter;
  credits: CreditGate;
  accessKeyLimiter: RateLimiter;
  metrics: Metrics;
  logger: Logger;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  breakers: CircuitBreakers | undefined;
  retryBudget: RetryBudget;
  /** epoch ms; the credits' clock, so budget periods and usage times follow a test's controlled clock. */
  now: () => number;
}

/** Client headers forwarded upstream (lower-case); credentials and hop-by-hop headers never are. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta'];

const ENDPOINTS: Record<Surface, string> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  messages: '/v1/messages',
};

export function extractAccessToken(ctx: Context): string | undefined {
  const auth = ctx.get('authorization');
  if (auth) return bearerToken(auth);
  const apiKey = ctx.get('x-api-key');
  return apiKey ? apiKey.trim() : undefined;
}

export async function authenticateAccess(ctx: Context, cache: AccessContextCache): Promise<AccessContext> {
  const token = extractAccessToken(ctx);
  if (!token) throw new AuthenticationError('Missing access key: send Authorization: Bearer <key> or x-api-key: <key>.');
  const access = await cache.lookup(token);
  if (!access) throw new AuthenticationError('Invalid or revoked access key.');
  return access;
}

/** Per-request state the usage event is built from. */
interface Outcome {
  status: number;
  errorCode: string | null;
  attempt: Attempt | undefined;
  usage: TokenUsage | undefined;
  estimated: boolean;
  streamed: boolean;
  /** The last attempt whose request went to a provider (charged for its prompt if the client leaves before an answer). */
  sent: Attempt | undefined;
}

function setGatewayHeaders(ctx: Context, log: UsageAttemptRecord[], resolution: Resolution | undefined, attempt: Attempt | undefined): void {
  const res = ctx.res;
  if (res.headersSent) return;
  const last = attempt ?? resolution?.attempts[0];
  res.setHeader('x-gateway-attempts', String(log.length));
  res.setHeader('x-gateway-provider', headerSafe(last?.provider ?? ''));
  res.setHeader('x-gateway-model', headerSafe(last?.model ?? ''));
  res.setHeader('x-gateway-rejected-models', (resolution?.rejectedModels ?? []).map((m) => encodeURIComponent(wellFormed(m))).join(','));
  if (last?.virtualModel) res.setHeader('x-gateway-virtual-model', last.virtualModel);
}

/** Lone surrogates (valid in JSON strings) become U+FFFD so encodeURIComponent cannot throw. */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * Client-chosen names (pass-through models) may hold CR/LF, NUL or non-Latin-1 characters, which
 * setHeader refuses (a 500) and which must never split a header: percent-encode everything but
 * visible ASCII, leaving ordinary model ids unchanged.
 */
function headerSafe(value: string): string {
  return /^[\x21-\x7e]*$/.test(value) ? value : wellFormed(value).replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

/**
 * One /v1 inference request: authenticate, read and check the body, resolve candidates, reserve
 * credit, run the failover loop, relay the answer, then settle and record usage. Warm requests
 * touch no database: the access context is cached and credit comes from an in-memory grant.
 */
export async function handleInference(ctx: Context, surface: Surface, deps: InferenceDeps): Promise<void> {
  const started = performance.now();
  const admittedAt = deps.now();
  const requestId = String(ctx.state.requestId);
  const log: UsageAttemptRecord[] = [];
  let resolution: Resolution | undefined;
  let access: AccessContext | undefined;
  let body: InferenceBody | undefined;
  const outcome: Outcome = { status: 500, errorCode: null, attempt: undefined, usage: undefined, estimated: false, streamed: false, sent: undefined };
  let reservation: SpendReservation | undefined;

  const client = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) client.abort(new ClientClosedError());
  };
  ctx.res.once('close', onClose);

  try {
    access = await authenticateAccess(ctx, deps.cache);
    ctx.state.accessKeyId = access.accessKeyId;
    deps.accessKeyLimiter.consume(access.accessKeyId);
    body = parseInferenceBody(await readRawBody(ctx.req, deps.maxRequestBodyBytes));
    outcome.streamed = body.stream;
    resolution = resolveAttempts(surface, body.model, body.fallbacks, access, deps.directory);
    reservation = await deps.credits.reserve(access, surface, resolution.attempts, body, admittedAt);

    const forwardHeaders: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const v = ctx.get(name);
      if (v) forwardHeaders[name] = v;
    }
    const req = body;
    const resolved = resolution;
    const perAttemptTimeoutMs = access.perAttemptTimeoutMs;
    const result = await runWithFailover<() => void>({
      attempts: resolution.attempts,
      totalTimeoutMs: access.totalTimeoutMs,
      perAttemptTimeoutMs: access.perAttemptTimeoutMs,
      clientSignal: client.signal,
      log,
      breakers: deps.breakers,
      budget: deps.retryBudget,
      onAttempt: (a, outcomeLabel) => deps.metrics.upstreamAttempts.inc({ provider: a.provider, outcome: outcomeLabel }),
      run: (attempt, signal, timer) =>
        runAttempt({
          ctx,
          surface,
          attempt,
          body: req,
          forwardHeaders,
          signal,
          timer,
          deps,
          outcome,
          log,
          resolution: resolved,
          perAttemptTimeoutMs,
        }),
    });
    outcome.attempt = result.attempt;
    outcome.status = result.status;
    result.value();
  } catch (err) {
    if (err instanceof ClientClosedError || client.signal.aborted) {
      outcome.status = 499;
      outcome.errorCode = 'client_closed';
      if (outcome.sent && !outcome.usage && body) {
        // The provider already had the request: it processed (and bills) at least the prompt.
        outcome.attempt = outcome.sent;
        outcome.estimated = true;
        outcome.usage = { inputTokens: estimateRequestInputTokens(surface, body.json), outputTokens: 0 };
      }
      if (!ctx.res.headersSent) ctx.respond = false;
      return;
    }
    const appError = err instanceof AppError ? err : new InternalError(requestId, err);
    if (!(err instanceof AppError)) deps.logger.error({ err, requestId }, 'unexpected error in /v1 handler');
    outcome.status = appError.status;
    outcome.errorCode = appError.code;
    throw appError;
  } finally {
    ctx.res.off('close', onClose);
    setGatewayHeaders(ctx, log, resolution, outcome.attempt);
    if (access) finish(surface, deps, access, body, outcome, log, started, admittedAt, requestId, reservation);
  }
}

interface AttemptInput {
  ctx: Context;
  surface: Surface;
  attempt: Attempt;
  body: InferenceBody;
  forwardHeaders: Record<string, string>;
  signal: AbortSignal;
  timer: { cancel(): void };
  deps: InferenceDeps;
  outcome: Outcome;
  log: UsageAttemptRecord[];
  resolution: Resolution;
  perAttemptTimeoutMs: number;
}

/** Never let a discarded undici body raise an unhandled 'error'. */
function discard(res: UpstreamResponse): void {
  const b = res.body as { on?(e: string, f: () => void): void; destroy?(err?: Error): void };
  b.on?.('error', () => undefined);
  b.destroy?.();
}

async function runAttempt(a: AttemptInput): Promise<AttemptResult<() => void>> {
  const { attempt, deps, surface } = a;
  const plan = planFor(surface, attempt.target.endpoint.apiFormat);
  const built = plan.upstream.buildRequest({
    endpoint: attempt.target.endpoint,
    model: attempt.model,
    credential: attempt.credential.secret,
    body: plan.request(a.body.json, attempt.spec),
    stream: a.body.stream,
    forwardHeaders: a.forwardHeaders,
  });
  a.outcome.sent = attempt;
  const res = await deps.upstream.send({
    url: built.url,
    headers: built.headers,
    body: built.body,
    egress: attempt.target.egress,
    signal: a.signal,
    headersTimeoutMs: a.perAttemptTimeoutMs,
    bodyTimeoutMs: a.perAttemptTimeoutMs,
  });

  if (res.status < 200 || res.status >= 300) {
    const text = (await deps.upstream.readBody(res, 256 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
    const failure = plan.upstream.parseError(res.status, res.headers, text);
    return {
      kind: 'failed',
      failure,
      respond: () => () => {
        // Returned as is: the request itself was refused upstream.
        const contentType = String(res.headers['content-type'] ?? 'application/json');
        a.ctx.status = res.status;
        if (plan.translated) {
          a.ctx.type = 'application/json';
          a.ctx.body = translateErrorBody(surface === 'messages' ? 'anthropic' : 'openai', res.status, text);
        } else {
          a.ctx.type = contentType;
          a.ctx.body = text;
        }
        a.outcome.errorCode = 'upstream_client_error';
        a.ctx.set('x-gateway-error-code', 'upstream_client_error');
      },
    };
  }

  if (a.body.stream) return streamAttempt(a, plan, res, built.injectedStreamUsage);

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
  if (isErrorBody(json)) {
    // Some OpenAI-compatible vendors answer 200 with an error body: a failure, never a success.
    return { kind: 'failed', failure: { failureClass: 'transient', status: res.status, message: 'upstream returned an error body with status 200' } };
  }
  a.outcome.usage = plan.upstream.readUsage(json);
  if (!a.outcome.usage) {
    a.outcome.estimated = true;
    a.outcome.usage = {
      inputTokens: estimateRequestInputTokens(surface, a.body.json),
      outputTokens: estimateTextTokens(outputTextOf(json)),
    };
  }
  return {
    kind: 'done',
    status: res.status,
    value: () => {
      a.ctx.status = res.status;
      a.ctx.type = 'application/json';
      a.ctx.body = plan.translated ? JSON.stringify(plan.response(json, a.body.model)) : raw;
    },
  };
}

async function streamAttempt(
  a: AttemptInput,
  plan: InferencePlan,
  res: UpstreamResponse,
  injectedStreamUsage: boolean,
): Promise<AttemptResult<() => void>> {
  const { ctx } = a;
  const observer = plan.upstream.observeStream({ hideUsageChunk: injectedStreamUsage && !a.body.clientWantsStreamUsage });
  const translator = plan.stream(a.body.model, {
    includeUsage: a.body.clientWantsStreamUsage,
    inputTokens: undefined,
  });
  const outcome = await relayStream({
    body: res.body,
    observer,
    translator,
    rewrite: injectedStreamUsage && !a.body.clientWantsStreamUsage,
    res: ctx.res,
    clientSurface: a.surface,
    commit: () => {
      a.timer.cancel();
      a.outcome.attempt = a.attempt;
      ctx.respond = false;
      setGatewayHeaders(ctx, a.log, a.resolution, a.attempt);
      ctx.res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(ctx.state.requestId),
      });
      ctx.res.flushHeaders();
      a.deps.metrics.openStreams.inc();
      ctx.res.once('close', () => a.deps.metrics.openStreams.dec());
    },
  });
  if (outcome.kind === 'failed') {
    discard(res);
    return { kind: 'failed', failure: outcome.failure };
  }
  const reported = observer.usage();
  if (reported && outcome.complete) {
    a.outcome.usage = reported;
  } else if (reported) {
    // Cut short (client gone, upstream broke off): counts sent early in the stream (Anthropic's
    // message_start says output_tokens: 1) predate the text already relayed, so never charge less
    // than that text.
    const relayed = estimateTextTokens(observer.outputText());
    a.outcome.estimated = relayed > reported.outputTokens || reported.inputTokens === 0;
    a.outcome.usage = {
      inputTokens: reported.inputTokens > 0 ? reported.inputTokens : estimateRequestInputTokens(a.surface, a.body.json),
      outputTokens: Math.max(reported.outputTokens, relayed),
    };
  } else {
    a.outcome.estimated = true;
    a.outcome.usage = {
      inputTokens: estimateRequestInputTokens(a.surface, a.body.json),
      outputTokens: estimateTextTokens(observer.outputText()),
    };
  }
  if (!outcome.complete) {
    a.outcome.errorCode = ctx.res.destroyed && !ctx.res.writableFinished
      ? 'client_closed'
      : outcome.timedOut
        ? 'upstream_timeout'
        : 'upstream_stream_interrupted';
  }
  return {
    kind: 'done',
    status: 200,
    value: () => {
      if (!ctx.res.writableEnded) ctx.res.end();
    },
  };
}

/** `{"error": {...}}` (OpenAI style) or `{"type": "error", ...}` (Anthropic) with no answer in it. */
function isErrorBody(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const j = json as Record<string, unknown>;
  if (j.type === 'error') return true;
  return typeof j.error === 'object' && j.error !== null && !('choices' in j) && !('content' in j) && !('output' in j);
}

/** Text generated in a non-streaming answer of any format (for estimates when usage is missing). */
function outputTextOf(json: unknown): string {
  if (typeof json !== 'object' || json === null) return '';
  const j = json as Record<string, unknown>;
  const parts: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
  };
  if (Array.isArray(j.choices)) {
    for (const c of j.choices as Record<string, unknown>[]) {
      const m = c?.message as Record<string, unknown> | undefined;
      push(m?.content);
    }
  }
  if (Array.isArray(j.content)) for (const b of j.content as Record<string, unknown>[]) push(b?.text);
  push(j.output_text);
  if (Array.isArray(j.output)) {
    for (const o of j.output as Record<string, unknown>[]) {
      if (Array.isArray(o?.content)) for (const c of o.content as Record<string, unknown>[]) push(c?.text);
    }
  }
  return parts.join('');
}

function finish(
  surface: Surface,
  deps: InferenceDeps,
  access: AccessContext,
  body: InferenceBody | undefined,
  outcome: Outcome,
  log: UsageAttemptRecord[],
  started: number,
  admittedAt: number,
  requestId: string,
  reservation: SpendReservation | undefined,
): void {
  const attempt = outcome.attempt;
  const last = log[log.length - 1];
  const usage = outcome.usage ?? { inputTokens: 0, outputTokens: 0 };
  const keySource = attempt?.credential.keySource ?? (last?.keySource as 'user' | 'gateway' | 'none' | undefined) ?? null;
  const cost = deps.credits.cost(usage, attempt?.spec, attempt?.credential.keySource ?? 'user');
  reservation?.settle(cost);
  deps.usage.record({
    requestId,
    accountId: access.accountId,
    accessKeyId: access.accessKeyId,
    endpoint: ENDPOINTS[surface],
    provider: attempt?.provider ?? last?.provider ?? null,
    model: attempt?.model ?? last?.model ?? body?.model ?? null,
    status: outcome.status,
    streamed: outcome.streamed,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    tokensEstimated: outcome.estimated,
    latencyMs: Math.round(performance.now() - started),
    keySource: keySource === 'none' ? null : keySource,
    providerKeyId: attempt?.credential.providerKeyId ?? last?.providerKeyId ?? null,
    feeNano: cost.feeNano,
    upstreamCostNano: cost.upstreamCostNano,
    providerCostNano: cost.providerCostNano,
    totalCostNano: cost.totalNano,
    errorCode: outcome.errorCode,
    attempts: log,
    virtualModel: (attempt ?? outcome.sent)?.virtualModel ?? null,
    // The admission time: the budget period the request was reserved in is the one its spend counts in.
    createdAt: new Date(admittedAt),
  });
}
