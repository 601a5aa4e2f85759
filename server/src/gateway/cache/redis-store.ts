import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SecretBox } from '../../services/crypto.js';
import { deserializeAnswer, serializeAnswer, type CachedAnswer, type ResponseCacheStore } from './store.js';

/**
 * The cache shared by every instance (REDIS_URL). Answers are encrypted at rest with the master
 * key (AES-GCM via SecretBox), bound to their cache key as associated data, so an entry copied
 * under another key (another account's) does not decrypt. A Redis failure is a miss, never an
 * error for the client.
 */
export class RedisCacheStore implements ResponseCacheStore {
  private warned = 0;

  constructor(
    private readonly deps: {
      redis: Redis;
      secretBox: SecretBox;
      logger: Logger;
      /** Namespaces the keys (tests use a random one per file). */
      keyPrefix: string;
      /** Close the connection on close() (false when it is shared). */
      ownsConnection: boolean;
    },
  ) {}

  private redisKey(key: string): string {
    return `${this.deps.keyPrefix}response-cache:${key}`;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    try {
      const sealed = await this.deps.redis.get(this.redisKey(key));
      if (!sealed) return undefined;
      return deserializeAnswer(this.deps.secretBox.decrypt(sealed, aad(key)));
    } catch (err) {
      this.warn(err, 'response cache read failed; treating as a miss');
      return undefined;
    }
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    try {
      const sealed = this.deps.secretBox.encrypt(serializeAnswer(answer), aad(key));
      await this.deps.redis.set(this.redisKey(key), sealed, 'PX', Math.max(1, Math.round(ttlMs)));
    } catch (err) {
      this.warn(err, 'response cache write failed; answer not cached');
    }
  }

  async close(): Promise<void> {
    if (this.deps.ownsConnection) await this.deps.redis.quit().catch(() => this.deps.redis.disconnect());
  }

  /** Logged at the first failure and then every 100th, so an outage does not flood the log. */
  private warn(err: unknown, message: string): void {
    if (this.warned++ % 100 === 0) this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, message);
  }
}

function aad(key: string): string {
  return `response-cache:${key}`;
}
