import Koa from 'koa';
import type { Services } from './services.js';
import { requestId } from './http/request-id.js';
import { httpMetrics } from './http/metrics-middleware.js';
import { healthRouter } from './http/health.js';
import { staticWeb } from './http/static-web.js';
import { mountGraphql } from './graphql/mount.js';
import { gatewayRoutes } from './gateway/routes.js';
import { CircuitBreakers, RetryBudget } from './gateway/circuit-breaker.js';
import { stripeWebhookRouter } from './http/stripe-webhook.js';

export interface GatewayApp {
  app: Koa;
  stop(): Promise<void>;
}

/** Mounts /v1, /graphql, health and the SPA on one Koa app. Never listens. */
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

  app.use(requestId());
  app.use(httpMetrics(services.metrics));
  app.use(health.routes());
  const v1 = gatewayRoutes({
    cache: services.accessContexts,
    directory: services.providers,
    upstream: services.upstream,
    usage: services.usage,
    credits: services.creditGate,
    accessKeyLimiter: services.accessKeyLimiter,
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
    now: services.credits.now,
  });
  app.use(v1);
  // Reads its own raw body (the signature covers the exact bytes), so no body parser before it.
  app.use(stripeWebhookRouter(services).routes());
  app.use(graphql.router.routes());
  app.use(graphql.router.allowedMethods());
  if (services.config.serveWeb) app.use(staticWeb(services.config.webDistDir));

  return { app, stop: () => graphql.stop() };
}
