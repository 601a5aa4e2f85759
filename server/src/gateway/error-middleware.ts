import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { InternalError } from '../errors/internal-error.js';
import {
  anthropicErrorTypeForStatus,
  openAiErrorTypeForStatus,
  toAnthropicErrorBody,
  toOpenAiErrorBody,
} from './translate/error-body.js';

/** /v1/messages speaks Anthropic's error shape; every other /v1 route OpenAI's. */
export function errorFormatFor(path: string): 'anthropic' | 'openai' {
  return path === '/v1/messages' || path.startsWith('/v1/messages/') ? 'anthropic' : 'openai';
}

/**
 * The /v1 error edge: AppError → the caller's error body, status and x-gateway-error-code.
 * Anything else is logged and answered as a generic 500 carrying the request id.
 */
export function gatewayErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const requestId = String(ctx.state.requestId);
      let e: AppError;
      if (err instanceof AppError) {
        e = err;
      } else {
        logger.error({ err, requestId }, 'unexpected /v1 error');
        e = new InternalError(requestId, err);
      }
      if (ctx.res.headersSent) {
        ctx.res.destroy();
        return;
      }
      const message = e.expose ? e.message : `Request failed (request ${requestId}).`;
      ctx.status = e.status;
      ctx.type = 'application/json';
      ctx.set('x-gateway-error-code', e.code);
      for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
      if (errorFormatFor(ctx.path) === 'anthropic') {
        ctx.body = toAnthropicErrorBody(anthropicErrorTypeForStatus(e.status), `${e.code}: ${message}`);
      } else {
        ctx.body = toOpenAiErrorBody(e.code, message, openAiErrorTypeForStatus(e.status));
      }
    }
  };
}
