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
  /**
   * Series by route, method and status, each resolved once: label objects and their lookups cost
   * more than the counting itself, and nested maps keyed by the (interned) route and method strings
   * and the status number spare building and hashing a key string per request.
   */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(private readonly metrics: Metrics) {}

  /** `started`: performance.now() when the request arrived. */
  observe(path: string, method: string, status: number, started: number): void {
    const route = routeLabel(path);
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      const labels = { route, method, status: String(status) };
      series = { count: this.metrics.httpRequests.labels(labels), duration: this.metrics.httpDuration.labels(labels) };
      byStatus.set(status, series);
    }
    series.count.inc();
    series.duration.observe((performance.now() - started) / 1000);
  }

  /**
   * Counts a plain node:http response when it completes (streams finish long after their handler
   * returns). A response cut before its headers is labelled 499, the client-closed convention.
   * A response closes once, so a plain listener does (`once` wraps it in a bound function more).
   */
  track(req: IncomingMessage, res: ServerResponse, path: string, started: number): void {
    res.on('close', () => this.observe(path, req.method ?? 'GET', res.headersSent ? res.statusCode : 499, started));
  }
}

export function httpMetrics(recorder: HttpMetrics): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const done = () => recorder.observe(ctx.path, ctx.method, ctx.status, started);
    try {
      await next();
    } finally {
      // Streams finish after the middleware chain returns: count them when the response ends.
      if (ctx.res.writableFinished || ctx.res.destroyed) done();
      else ctx.res.once('close', done);
    }
  };
}
