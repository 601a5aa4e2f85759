import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCacheStore } from '../../server/src/gateway/cache/redis-store.js';
import type { CachedAnswer } from '../../server/src/gateway/cache/store.js';
import { SecretBox } from '../../server/src/services/crypto.js';

const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!redisUrl)('RedisCacheStore', () => {
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const box = new SecretBox([randomBytes(32).toString('base64')]);
  let redis: Redis;
  let store: RedisCacheStore;
  const answer: CachedAnswer = {
    body: Buffer.from('{"choices":[{"message":{"content":"the secret answer"}}]}'),
    contentType: 'application/json',
    streamed: false,
    provider: 'openai',
    model: 'gpt-4o-mini',
    virtualModel: 'fast',
    inputTokens: 5,
    outputTokens: 7,
    tokensEstimated: false,
  };

  beforeAll(() => {
    redis = new Redis(redisUrl!);
    store = new RedisCacheStore({ redis, secretBox: box, logger: pino({ level: 'silent' }), keyPrefix: prefix, ownsConnection: false });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('round-trips an answer and encrypts it at rest', async () => {
    await store.set('acc-1:abc', answer, 10_000);
    expect(await store.get('acc-1:abc')).toEqual(answer);
    const [key] = await redis.keys(`${prefix}*`);
    const raw = (await redis.get(key))!;
    expect(raw).not.toContain('secret answer');
    expect(Buffer.from(raw.split('.').at(-1)!, 'base64url').toString('utf8')).not.toContain('secret');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('an entry copied under another key (another account) does not decrypt: a miss', async () => {
    await store.set('acc-1:copy', answer, 10_000);
    const sealed = (await redis.get(`${prefix}response-cache:acc-1:copy`))!;
    await redis.set(`${prefix}response-cache:acc-2:copy`, sealed, 'PX', 10_000);
    expect(await store.get('acc-2:copy')).toBeUndefined();
  });

  it('a store under another master key cannot read it', async () => {
    await store.set('acc-1:other-key', answer, 10_000);
    const other = new RedisCacheStore({
      redis,
      secretBox: new SecretBox([randomBytes(32).toString('base64')]),
      logger: pino({ level: 'silent' }),
      keyPrefix: prefix,
      ownsConnection: false,
    });
    expect(await other.get('acc-1:other-key')).toBeUndefined();
  });

  it('an unreachable Redis is a miss, not an error', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const s = new RedisCacheStore({ redis: dead, secretBox: box, logger: pino({ level: 'silent' }), keyPrefix: prefix, ownsConnection: true });
    await s.set('k', answer, 1000);
    expect(await s.get('k')).toBeUndefined();
    await s.close();
  });
});
