import Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Services } from '../services.js';
import { bearerToken } from './bearer-token.js';

/** Constant-time comparison of a presented secret (hashed first, so lengths never leak). */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

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
  const metricsToken = services.config.metricsToken;
  router.get('/metrics', async (ctx) => {
    if (metricsToken !== undefined && !sameSecret(bearerToken(ctx.get('authorization')) ?? '', metricsToken)) {
      ctx.status = 401;
      ctx.set('www-authenticate', 'Bearer');
      ctx.body = { error: 'METRICS_TOKEN required' };
      return;
    }
    ctx.type = services.metrics.registry.contentType;
    ctx.body = await services.metrics.registry.metrics();
  });
  return router;
}
