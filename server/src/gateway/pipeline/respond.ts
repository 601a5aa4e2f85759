import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.js';
import { InternalError } from '../../errors/internal-error.js';
import {
  anthropicErrorTypeForStatus,
  openAiErrorTypeForStatus,
  toAnthropicErrorBody,
  toOpenAiErrorBody,
} from '../translate/error-body.js';
import { shouldRetryHeader } from '../formats/client-headers.js';
import { atTurnEnd } from '../turn-end.js';
import type { Reply, RequestState } from './state.js';

/**
 * The /v1 response edge: status and headers are written exactly once, every response carries
 * x-request-id and the x-gateway-* headers the contract promises, and errors leave in the
 * caller's format.
 */

/**
 * /v1/messages speaks Anthropic's error shape; every other /v1 route OpenAI's, except the models
 * routes, which both SDKs call: a caller sending `anthropic-version` (the Anthropic SDKs always do)
 * gets Anthropic's shape there, which its SDK turns into a readable message.
 */
export function errorFormatFor(path: string, req?: IncomingMessage): 'anthropic' | 'openai' {
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  return req?.headers['anthropic-version'] !== undefined && (path === '/v1/models' || path.startsWith('/v1/models/')) ? 'anthropic' : 'openai';
}

/**
 * The headers every /v1 response carries: the request id (also as `request-id` in Anthropic's
 * format, which its SDKs and Claude Code report), `x-should-retry: false` where a retry cannot
 * help, and the contract's x-gateway-* headers (empty defaults without an inference state).
 */
function responseHeaders(requestId: string, path: string, status: number, state: RequestState | undefined, req?: IncomingMessage): OutgoingHttpHeaders {
  const last = state?.attempt ?? state?.resolution?.attempts[0];
  const headers: OutgoingHttpHeaders = {
    'x-request-id': requestId,
    'x-gateway-attempts': String(state?.log.length ?? 0),
    'x-gateway-provider': headerSafe(last?.provider ?? ''),
    'x-gateway-model': headerSafe(last?.model ?? ''),
    'x-gateway-rejected-models': (state?.resolution?.rejectedModels ?? []).map((m) => encodeURIComponent(wellFormed(m))).join(','),
  };
  if (last?.virtualModel) headers['x-gateway-virtual-model'] = headerSafe(last.virtualModel);
  const cache = state?.cache;
  if (cache) {
    headers['x-gateway-cache'] = cache.status;
    // A hit names what served the stored answer.
    if (cache.answer) {
      headers['x-gateway-provider'] = headerSafe(cache.answer.provider);
      headers['x-gateway-model'] = headerSafe(cache.answer.model);
    }
  }
  const removed = state?.removedParams;
  if (removed !== undefined && removed.length > 0) headers['x-gateway-removed-params'] = removed.map((p) => encodeURIComponent(wellFormed(p))).join(',');
  if (errorFormatFor(path, req) === 'anthropic') headers['request-id'] = requestId;
  const retry = shouldRetryHeader(status);
  if (retry !== undefined) headers['x-should-retry'] = retry;
  return headers;
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

/** Text and JSON bodies are UTF-8: say so as the admin surface (Koa) does, unless the type names a charset. */
function withCharset(type: string): string {
  return /;\s*charset=/i.test(type) || !/^(text\/|application\/([\w.-]+\+)?json\b)/i.test(type) ? type : `${type}; charset=utf-8`;
}

function writeComplete(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, contentType: string, body: string | Buffer): void {
  headers['content-type'] = withCharset(contentType);
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, headers);
  // The head waits with the body: both leave in one write, with the turn's others (turn-end.ts).
  atTurnEnd(endResponse, res, body);
}

function endResponse(res: ServerResponse, body: string | Buffer): void {
  res.end(body);
}

/** A complete answer with the /v1 headers, its error code and an error's own headers. */
function writeAnswer(res: ServerResponse, requestId: string, path: string, reply: Reply, state: RequestState | undefined): void {
  const headers = responseHeaders(requestId, path, reply.status, state, res.req);
  if (reply.errorCode) headers['x-gateway-error-code'] = reply.errorCode;
  if (reply.headers) for (const [k, v] of Object.entries(reply.headers)) headers[k.toLowerCase()] = v;
  writeComplete(res, reply.status, headers, reply.contentType, reply.body);
}

/** A complete answer (or an upstream refusal returned as is). */
export function writeReply(state: RequestState, reply: Reply): void {
  writeAnswer(state.res, state.requestId, state.path, reply, state);
}

/** A JSON answer outside the inference pipeline (the models list). */
export function writeJson(res: ServerResponse, requestId: string, path: string, value: unknown): void {
  writeComplete(res, 200, responseHeaders(requestId, path, 200, undefined, res.req), 'application/json', JSON.stringify(value));
}

/**
 * Status and headers of a relayed stream, set when its first meaningful event arrives. They leave
 * with the first write of that event (not flushed alone, which would cost a socket write each).
 */
export function openStream(state: RequestState): void {
  const headers = responseHeaders(state.requestId, state.path, 200, state);
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers.connection = 'keep-alive';
  headers['x-accel-buffering'] = 'no';
  state.res.writeHead(200, headers);
}

/** Any error as the AppError the caller is told about; anything unexpected is logged, never sent. */
export function toAppError(err: unknown, requestId: string, logger: Logger): AppError {
  if (err instanceof AppError) return err;
  logger.error({ err, requestId }, 'unexpected /v1 error');
  return new InternalError(requestId, err);
}

/** An AppError as a complete answer in the caller's format: status, body, `x-gateway-error-code` and the error's headers. */
export function errorReply(path: string, requestId: string, e: AppError, req?: IncomingMessage): Reply {
  const message = e.expose ? e.message : `Request failed (request ${requestId}).`;
  const body =
    errorFormatFor(path, req) === 'anthropic'
      ? toAnthropicErrorBody(anthropicErrorTypeForStatus(e.status), `${e.code}: ${message}`, requestId)
      : toOpenAiErrorBody(e.code, message, openAiErrorTypeForStatus(e.status));
  return { status: e.status, contentType: 'application/json', body: JSON.stringify(body), errorCode: e.code, headers: e.headers };
}

/** The error in the caller's format; once the answer has started, the connection is cut instead. */
export function writeError(res: ServerResponse, requestId: string, path: string, e: AppError, state?: RequestState): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeAnswer(res, requestId, path, errorReply(path, requestId, e, res.req), state);
}
