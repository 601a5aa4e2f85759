import type { Middleware } from 'koa';
import type { Surface } from '../catalog/types.js';
import { AppError } from '../errors/app-error.js';
import { errorFormatFor, gatewayErrors } from './error-middleware.js';
import { shouldRetryHeader } from './formats/client-headers.js';
import { authenticateAccess, handleInference, type InferenceDeps } from './inference.js';
import { listModelsFor } from './list-models.js';

const INFERENCE_ROUTES: Record<string, Surface> = {
  '/v1/chat/completions': 'chat',
  '/v1/responses': 'responses',
  '/v1/messages': 'messages',
};

const GATEWAY_HEADERS = ['x-gateway-attempts', 'x-gateway-provider', 'x-gateway-model', 'x-gateway-rejected-models'];

/**
 * The /v1 inference surface. A plain middleware with a table lookup rather than a router: this is
 * the hot path, and four fixed routes need no pattern matching.
 */
export function gatewayRoutes(deps: InferenceDeps): Middleware {
  const errors = gatewayErrors(deps.logger);
  const handle: Middleware = async (ctx) => {
    const surface = INFERENCE_ROUTES[ctx.path];
    if (surface && ctx.method === 'POST') return handleInference(ctx, surface, deps);
    if (ctx.path === '/v1/models' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      const access = await authenticateAccess(ctx, deps.cache);
      ctx.body = { object: 'list', data: listModelsFor(access, deps.directory) };
      return;
    }
    if (surface || ctx.path === '/v1/models') {
      throw new AppError('method_not_allowed', 405, `Method ${ctx.method} is not allowed on ${ctx.path}.`);
    }
    throw new AppError(
      'not_found',
      404,
      'Unknown /v1 route. Supported: POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, GET /v1/models.',
    );
  };
  return async (ctx, next) => {
    if (ctx.path !== '/v1' && !ctx.path.startsWith('/v1/')) return next();
    // Anthropic's SDKs and Claude Code report `request-id` in errors and logs. Set before anything
    // is written, so streamed answers (writeHead) carry it too.
    if (errorFormatFor(ctx.path) === 'anthropic') ctx.res.setHeader('request-id', String(ctx.state.requestId));
    try {
      await errors(ctx, () => handle(ctx, next));
    } finally {
      // Headers the contract promises on every /v1 response, errors included.
      if (!ctx.res.headersSent) {
        const retry = shouldRetryHeader(ctx.status);
        if (retry !== undefined) ctx.res.setHeader('x-should-retry', retry);
        for (const name of GATEWAY_HEADERS) if (!ctx.res.hasHeader(name)) ctx.res.setHeader(name, name === 'x-gateway-attempts' ? '0' : '');
      }
    }
  };
}
