import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { Metrics } from '../metrics.js';

const V1_ROUTES = new Set(['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/messages/count_tokens', '/v1/models']);

/** Route label from a fixed set, so arbitrary paths cannot blow up label cardinality. */
function routeLabel(path: string): string {
  if (path.startsWith('/v1/models/')) return '/v1/models/{id}';
  if (path.startsWith('/v1/')) return V1_ROUTES.has(path) ? path : '/v1/other';
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  return '/web';
}

interface Series {
  count: { inc(): void };
  duration: { observe(v: number): void };
}

/** Request count and latency per route, method and status; shared by /v1 (plain node:http) and Koa. */
export class HttpMetrics {
  // Label objects and their lookups cost more than the counting itself: resolve each series once.
  private readonly series = new Map<string, Series>();

  constructor(private readonly metrics: Metrics) {}

  observe(path: string, method: string, status: number, startNs: bigint): void {
    const route = routeLabel(path);
    const key = `${route} ${method} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      const labels = { route, method, status: String(status) };
      series = { count: this.metrics.httpRequests.labels(labels), duration: this.metrics.httpDuration.labels(labels) };
      this.series.set(key, series);
    }
    series.count.inc();
    series.duration.observe(Number(process.hrtime.bigint() - startNs) / 1e9);
  }

  /**
   * Counts a plain node:http response when it completes (streams finish long after their handler
   * returns). A response cut before its headers is labelled 499, the client-closed convention.
   */
  track(req: IncomingMessage, res: ServerResponse, path: string): void {
    const start = process.hrtime.bigint();
    res.once('close', () => this.observe(path, req.method ?? 'GET', res.headersSent ? res.statusCode : 499, start));
  }
}

export function httpMetrics(recorder: HttpMetrics): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const done = () => recorder.observe(ctx.path, ctx.method, ctx.status, start);
    try {
      await next();
    } finally {
      // Streams finish after the middleware chain returns: count them when the response ends.
      if (ctx.res.writableFinished || ctx.res.destroyed) done();
      else ctx.res.once('close', done);
    }
  };
}
