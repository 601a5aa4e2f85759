import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import Koa from 'koa';
import type { Services } from './services.js';
import { requestId } from './http/request-id.js';
import { HttpMetrics, httpMetrics } from './http/metrics-middleware.js';
import { healthRouter } from './http/health.js';
import { staticWeb } from './http/static-web.js';
import { mountGraphql } from './graphql/mount.js';
import { createV1Handler, isV1Path, pathOf } from './gateway/http-handler.js';
import { v1Cors } from './http/v1-cors.js';
import { CircuitBreakers, RetryBudget } from './gateway/circuit-breaker.js';
import { stripeWebhookRouter } from './http/stripe-webhook.js';
import { usageExportRouter } from './http/usage-export.js';

export interface GatewayApp {
  /** The admin surface: /graphql, health, metrics, Stripe webhook, the SPA. */
  app: Koa;
  /** The node:http `request` listener: /v1 to the data plane, everything else to Koa. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  stop(): Promise<void>;
}

/** Builds the /v1 data plane and the Koa admin surface behind one request listener. Never listens. */
export async function createApp(services: Services): Promise<GatewayApp> {
  // Behind N trusted proxies the client is the N-th address from the right of X-Forwarded-For;
  // anything left of it was written by the client itself.
  const app = new Koa({ proxy: services.config.trustProxy, maxIpsCount: services.config.trustProxyHops });
  app.silent = true;
  app.on('error', (err: Error) => {
    const code = (err as NodeJS.ErrnoException).code;
    // Client hang-ups are routine for an SSE gateway; everything else is worth a log line.
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    services.logger.error({ err }, 'unhandled HTTP error');
  });

  const graphql = await mountGraphql(services);
  const health = healthRouter(services);

  const metrics = new HttpMetrics(services.metrics);
  app.use(requestId());
  app.use(httpMetrics(metrics));
  app.use(health.routes());
  const v1 = createV1Handler({
    cache: services.accessContexts,
    directory: services.providers,
    upstream: services.upstream,
    usage: services.usage,
    tracing: services.tracing,
    credits: services.creditGate,
    rateLimits: services.keyRateLimits,
    metrics: services.metrics,
    logger: services.logger,
    maxRequestBodyBytes: services.config.maxRequestBodyBytes,
    maxResponseBodyBytes: services.config.maxResponseBodyBytes,
    // A credential failing N times in a row is skipped for a while (longer if the upstream says Retry-After).
    breakers:
      services.config.circuitBreakerFailures > 0
        ? new CircuitBreakers({
            failureThreshold: services.config.circuitBreakerFailures,
            openMs: services.config.circuitBreakerOpenMs,
            maxOpenMs: 300_000,
          })
        : undefined,
    // Failover may add at most one extra attempt per two requests once a burst allowance is spent.
    retryBudget: new RetryBudget(0.5, 1000),
    responseCache: services.responseCache,
    now: services.credits.now,
  }, metrics);
  // Reads its own raw body (the signature covers the exact bytes), so no body parser before it.
  app.use(stripeWebhookRouter(services).routes());
  app.use(usageExportRouter(services).routes());
  app.use(graphql.router.routes());
  app.use(graphql.router.allowedMethods());
  if (services.config.serveWeb) {
    const { webDistDir } = services.config;
    // Without a build every UI path answers 404: say so once instead of leaving the operator to guess.
    if (!existsSync(join(webDistDir, 'index.html'))) {
      services.logger.warn({ webDistDir }, 'admin UI not built: / answers 404 (run npm run build:web, set WEB_DIST_DIR, or SERVE_WEB=false)');
    }
    app.use(staticWeb(webDistDir, services.config.publicUrl));
  }

  // Koa snapshots its middleware here, so this comes after every app.use().
  const admin = app.callback();
  const cors = v1Cors(services.config.v1CorsOrigins);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    if (!isV1Path(path)) void admin(req, res);
    else if (!cors?.(req, res)) v1(req, res, path);
  };
  return { app, handle, stop: () => graphql.stop() };
}
