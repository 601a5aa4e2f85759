import type { Middleware } from 'koa';
import type { Metrics } from '../metrics.js';

/** Route label from a fixed set, so arbitrary paths cannot blow up label cardinality. */
function routeLabel(path: string): string {
  if (path.startsWith('/v1/')) return path.length < 40 ? path : '/v1/other';
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  return '/web';
}

export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const done = () => {
      const labels = { route: routeLabel(ctx.path), method: ctx.method, status: String(ctx.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    };
    try {
      await next();
    } finally {
      // Streams finish after the middleware chain returns: count them when the response ends.
      if (ctx.res.writableFinished || ctx.res.destroyed) done();
      else ctx.res.once('close', done);
    }
  };
}
