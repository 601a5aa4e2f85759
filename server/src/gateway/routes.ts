import Router from '@koa/router';
import type { Context } from 'koa';
import type { Surface } from '../catalog/types.js';
import { AppError } from '../errors/app-error.js';
import { gatewayErrors } from './error-middleware.js';
import { authenticateAccess, handleInference, type InferenceDeps } from './inference.js';
import { listModelsFor } from './list-models.js';

/** The /v1 inference surface. */
export function gatewayRouter(deps: InferenceDeps): Router {
  const router = new Router({ prefix: '/v1' });
  router.use(gatewayErrors(deps.logger));
  router.use(async (ctx, next) => {
    // Headers the contract promises on every /v1 response, errors included.
    ctx.set('x-gateway-attempts', '0');
    ctx.set('x-gateway-provider', '');
    ctx.set('x-gateway-model', '');
    ctx.set('x-gateway-rejected-models', '');
    await next();
  });
  const inference = (surface: Surface) => (ctx: Context) => handleInference(ctx, surface, deps);
  router.post('/chat/completions', inference('chat'));
  router.post('/responses', inference('responses'));
  router.post('/messages', inference('messages'));
  router.get('/models', async (ctx) => {
    const access = await authenticateAccess(ctx, deps.cache);
    ctx.body = { object: 'list', data: listModelsFor(access, deps.directory) };
  });
  router.all('/{*rest}', () => {
    throw new AppError('not_found', 404, 'Unknown /v1 route. Supported: POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, GET /v1/models.');
  });
  return router;
}
