import type { Middleware } from 'koa';
import type { Metrics } from '../metrics.js';

const V1_ROUTES = new Set(['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/models']);

/** Route label from a fixed set, so arbitrary paths cannot blow up label cardinality. */
function routeLabel(path: string): string {
  if (path.startsWith('/v1/')) return V1_ROUTES.has(path) ? path : '/v1/other';
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  return '/web';
}

export function httpMetrics(metrics: Metrics): Middleware {
  // Label objects and their lookups cost more than the counting itself: resolve each series once.
  const children = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>();
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const done = () => {
      const route = routeLabel(ctx.path);
      const key = `${route} ${ctx.method} ${ctx.status}`;
      let series = children.get(key);
      if (!series) {
        const labels = { route, method: ctx.method, status: String(ctx.status) };
        series = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
        children.set(key, series);
      }
      series.count.inc();
      series.duration.observe(Number(process.hrtime.bigint() - start) / 1e9);
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
