import Koa from 'koa';
import type { Services } from './services.js';
import { requestId } from './http/request-id.js';
import { httpMetrics } from './http/metrics-middleware.js';
import { healthRouter } from './http/health.js';
import { staticWeb } from './http/static-web.js';
import { mountGraphql } from './graphql/mount.js';
import { gatewayRouter } from './gateway/routes.js';

export interface GatewayApp {
  app: Koa;
  stop(): Promise<void>;
}

/** Mounts /v1, /graphql, health and the SPA on one Koa app. Never listens. */
export async function createApp(services: Services): Promise<GatewayApp> {
  const app = new Koa({ proxy: services.config.trustProxy });
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
  const v1 = gatewayRouter({
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
  });
  app.use(v1.routes());
  app.use(graphql.router.routes());
  app.use(graphql.router.allowedMethods());
  if (services.config.serveWeb) app.use(staticWeb(services.config.webDistDir));

  return { app, stop: () => graphql.stop() };
}
