import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { SecretBox } from '../../services/crypto.js';
import { warnOnRedisErrors } from '../../services/redis-connection-errors.js';
import { MemoryCacheStore } from './memory-store.js';
import { RedisCacheStore } from './redis-store.js';
import { ResponseCache } from './response-cache.js';

export { ResponseCache, type CacheLookup, type CacheStatus } from './response-cache.js';
export type { CachedAnswer } from './store.js';
export { AnswerCapture } from './answer-capture.js';

/** Redis (shared by every instance) when REDIS_URL is set, else a byte-bounded in-process LRU. */
export function createResponseCache(config: Config, secretBox: SecretBox, logger: Logger): ResponseCache {
  if (!config.redisUrl) {
    return new ResponseCache(new MemoryCacheStore({ maxBytes: Math.max(1, config.responseCacheMaxBytes) }), config.responseCacheMaxEntryBytes);
  }
  const redis = new Redis(config.redisUrl, {
    // A slow or absent Redis must cost a request little: fail fast, count it as a miss.
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectionName: `gateway-${config.instanceId}`,
  });
  // Cache lookups count as misses while Redis is away: requests go on, the cache does not.
  warnOnRedisErrors(redis, logger, 'the response cache misses until it is back');
  return new ResponseCache(
    new RedisCacheStore({ redis, secretBox, logger, keyPrefix: config.redisKeyPrefix, ownsConnection: true }),
    config.responseCacheMaxEntryBytes,
  );
}
