import Router from '@koa/router';
import type { Services } from '../services.js';

export function healthRouter(services: Services): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await services.orm.em.getConnection().execute('select 1');
      ctx.body = { status: 'ok', database: 'reachable' };
    } catch (err) {
      services.logger.warn({ err }, 'readiness check failed');
      ctx.status = 503;
      ctx.body = { status: 'unavailable', database: 'unreachable' };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = services.metrics.registry.contentType;
    ctx.body = await services.metrics.registry.metrics();
  });
  return router;
}
