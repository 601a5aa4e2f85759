import 'reflect-metadata';
// Before anything that loads MikroORM (see the module).
import './db/orm-async-context.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { openOrm, migrateUp } from './db/orm.js';
import { createSqlPool } from './db/pool.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { prepareDataDir, restrictDataDir } from './db/data-dir.js';
import { loadOrCreateMasterKey } from './services/master-key.js';
import { buildServices, type ServiceInputs, type Services } from './services.js';
import { createApp } from './app.js';
import { answerClientErrors } from './http/client-error.js';
import { startTracing } from './telemetry/tracing.js';
import { startPgChangeFeed } from './services/pg-change-feed.js';
import { checkRedisReachable } from './services/rate-limits/counter-store.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  httpServer: Server;
  /** Stops accepting, drains in-flight requests up to the grace period, flushes, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Test hooks for credits: clock, fake payments gateway, timings. */
  credits?: ServiceInputs['creditOptions'];
  /** Test hooks for alert webhook delivery: retry policy, timeouts, polling. */
  alerts?: ServiceInputs['alertOptions'];
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Before anything is opened, so a bad REDIS_URL stops start-up with nothing to clean up.
  if (config.redisUrl) await checkRedisReachable(config.redisUrl);
  let embedded: EmbeddedDatabase | undefined;
  let clientUrl = config.databaseUrl;
  if (!clientUrl) {
    prepareDataDir(config.dataDir);
    embedded = await startEmbeddedDatabase(config.dataDir);
    clientUrl = embedded.clientUrl;
    logger.info({ dataDir: config.dataDir }, 'using the embedded database (set DATABASE_URL for PostgreSQL)');
  }
  // Embedded: the socket server's connections are split between the ORM and the plain pool.
  const orm = await openOrm({ clientUrl, poolMax: embedded ? embedded.maxConnections - 2 : 10 });
  const sql = createSqlPool(clientUrl, embedded ? 2 : 10);
  await migrateUp(orm, config.databaseUrl, (message) => logger.info(message));

  const masterKey = config.secretKey ?? loadOrCreateMasterKey(config.dataDir, logger);
  if (embedded) restrictDataDir(config.dataDir);
  const tracing = config.otelEndpoint
    ? await startTracing({ endpoint: config.otelEndpoint, serviceName: config.otelServiceName, logger })
    : undefined;
  const services = buildServices({
    tracing,
    config,
    logger,
    orm,
    sql,
    metrics: createMetrics(),
    masterKey,
    creditOptions: options.credits,
    alertOptions: options.alerts,
  });
  const gateway = await createApp(services);
  // Embedded mode is single-process (one process per data dir), so only PostgreSQL needs the feed.
  const changeFeed = config.databaseUrl
    ? await startPgChangeFeed({
        connectionString: config.databaseUrl,
        events: services.events,
        instanceId: config.instanceId,
        logger,
        notify: async (channel, payload) => {
          await orm.em.getConnection().execute('select pg_notify(?, ?)', [channel, payload]);
        },
        onResync: () => services.accessContexts.invalidateAll(),
      })
    : undefined;

  const httpServer = createServer({
    // A client gets this long for its headers and for its whole request (body included); the
    // answer, e.g. a long stream, is not limited by either. Idle keep-alive sockets close after
    // keepAliveTimeout. Without these, half-open connections pile up until file descriptors run out.
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    // Node checks the two timeouts only this often (default 30 s), which would stretch them.
    connectionsCheckingInterval: Math.min(1000, config.httpHeadersTimeoutMs),
  });
  httpServer.on('request', gateway.handle);
  answerClientErrors(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  services.listenAddresses.push({ host: config.host, port });
  services.start();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url }, 'gateway listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      httpServer.close();
      httpServer.closeIdleConnections();
      const deadline = Date.now() + config.shutdownGraceMs;
      // Keep-alive sockets whose response has finished are closed as they go idle, so the wait
      // ends as soon as the last in-flight request or stream does.
      while (Date.now() < deadline && (await connectionCount(httpServer)) > 0) {
        await new Promise((r) => setTimeout(r, 50));
        httpServer.closeIdleConnections();
      }
      httpServer.closeAllConnections();
      await changeFeed?.stop();
      await services.stop();
      await gateway.stop();
      await orm.close(true);
      await sql.end();
      await embedded?.stop();
      if (embedded) restrictDataDir(config.dataDir);
    })());

  return { url, port, services, httpServer, close };
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((_err, n) => resolve(n ?? 0)));
}
