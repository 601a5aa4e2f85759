import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** ioredis reports every failed reconnect (several a second while Redis is down): one warning a minute says it. */
const WARN_EVERY_MS = 60_000;

/**
 * Logs a Redis connection's errors at warn, at most once a minute, with what the outage costs
 * (`consequence`): an operator sees Redis is gone without a log line per retry.
 */
export function warnOnRedisErrors(redis: Redis, logger: Logger, consequence: string): void {
  let lastWarned = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastWarned < WARN_EVERY_MS) return;
    lastWarned = now;
    logger.warn({ err: err.message }, `redis connection error: ${consequence}`);
  });
}
