import 'reflect-metadata';
// Before anything that loads MikroORM (see the module).
import './db/orm-async-context.js';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { EMBEDDED_HEAP_GROWING_PERCENT, limitHeapGrowth, scavengeOnMainThreadOnOneCpu } from './gc-settings.js';
import { fixMmapThreshold, loadMallocControls, startMallocTrimmer } from './malloc-tuning.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // Before the embedded database and the app load, so start-up already sizes the heap this way.
  if (!config.databaseUrl) limitHeapGrowth(EMBEDDED_HEAP_GROWING_PERCENT);
  if (scavengeOnMainThreadOnOneCpu()) logger.info('one CPU usable: young-generation GC runs on the main thread only');
  // Before the embedded database's worker and the load start allocating.
  const malloc = loadMallocControls();
  if (fixMmapThreshold(malloc, config.mallocMmapThresholdFromEnv)) logger.debug('glibc malloc: mmap threshold fixed at 32 MB');
  const server = await startServer(config, { logger });
  startMallocTrimmer(malloc, config.mallocTrimIntervalMs, (err) => logger.warn({ err }, 'malloc_trim failed'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // A ConfigError found at start-up (e.g. REDIS_URL unreachable) is a sentence for the operator, not a stack.
  console.error('gateway failed to start:', err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
