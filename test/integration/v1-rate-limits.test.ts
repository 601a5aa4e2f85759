/**
 * Per-key rate limits shared by every instance: two gateways on one database answer 429 with
 * retry-after once the key's requestsPerMinute is used up between them; the sliding window and
 * the token correction against the PostgreSQL store and (with TEST_REDIS_URL) Redis.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitError } from '../../server/src/errors/rate-limit-error.js';
import { createKeyRateLimits, type KeyRateLimits } from '../../server/src/services/rate-limits/key-rate-limits.js';
import { createCounterStore } from '../../server/src/services/rate-limits/counter-store.js';
import { createAccessKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const redisUrl = process.env.TEST_REDIS_URL;

async function refusal(p: Promise<unknown>): Promise<RateLimitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitError);
  return err as RateLimitError;
}

/** The same behaviour whatever the store: two instances (two limiters) share one key's window. */
function sharedWindowSuite(name: string, make: (clock: () => number) => Promise<{ a: KeyRateLimits; b: KeyRateLimits; close(): Promise<void> }>) {
  describe(name, () => {
    let clock = Date.parse('2026-05-05T10:00:10Z'); // 10 s into a minute
    let pair: Awaited<ReturnType<typeof make>>;
    beforeAll(async () => {
      pair = await make(() => clock);
    });
    afterAll(async () => pair?.close());

    it('requestsPerMinute across two instances, retry-after from the sliding window', async () => {
      const limits = { accessKeyId: randomUUID(), requestsPerMinute: 10, tokensPerMinute: null };
      for (let i = 0; i < 10; i++) await (i % 2 ? pair.a : pair.b).admit(limits, 0);
      const err = await refusal(pair.a.admit(limits, 0));
      expect(err.status).toBe(429);
      expect(err.code).toBe('rate_limited');
      const retryAfter = Number(err.headers?.['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      await refusal(pair.b.admit(limits, 0)); // a refusal is not counted: still exactly 10 in the window
      // Next minute, 12 s in: the previous minute still weighs 10 × 48/60 = 8 → two more fit, not a third.
      clock = Date.parse('2026-05-05T10:01:12Z');
      await pair.b.admit(limits, 0);
      await pair.a.admit(limits, 0);
      await refusal(pair.a.admit(limits, 0));
      // A fixed window would allow 10 here; the sliding one frees them gradually.
      clock = Date.parse('2026-05-05T10:01:40Z'); // previous weighs 10 × 20/60 ≈ 3.3, current 2
      for (let i = 0; i < 4; i++) await pair.a.admit(limits, 0);
      await refusal(pair.b.admit(limits, 0));
    });

    it('tokensPerMinute counts the estimate and is corrected by the real usage', async () => {
      clock = Date.parse('2026-05-05T11:00:00Z');
      const limits = { accessKeyId: randomUUID(), requestsPerMinute: null, tokensPerMinute: 1000 };
      const first = await pair.a.admit(limits, 800);
      await refusal(pair.b.admit(limits, 300)); // 800 + 300 > 1000
      first?.settle(100); // it really used 100
      await new Promise((r) => setTimeout(r, 100)); // the correction is written in the background
      await pair.b.admit(limits, 850); // 100 + 850 ≤ 1000
      const huge = await refusal(pair.a.admit(limits, 5000));
      expect(huge.message).toContain('more than');
    });
  });
}

describe('per-key rate limits', () => {
  let f: GatewayFixture;
  const secretKey = randomBytes(32).toString('base64');
  beforeAll(async () => {
    f = await startGatewayFixture({ MANAGED_OPENAI_API_KEY: 'sk-managed', ...(hasPostgres ? { SECRET_KEY: secretKey } : {}) });
    await fundAccount(f.baseUrl, f.account.token);
  });
  afterAll(async () => f?.stop());

  /** Two instances: each its own counter store (its own Redis connection, or the one database). */
  const twoInstances = (clock: () => number, redis: { redisUrl: string; redisKeyPrefix: string } | undefined) => {
    const stores = [0, 1].map(() =>
      createCounterStore({ redisUrl: redis?.redisUrl, redisKeyPrefix: redis?.redisKeyPrefix ?? '', sql: f.server.services.sql, logger: f.server.services.logger, instanceId: 'x' }),
    );
    const [a, b] = stores.map((store) => createKeyRateLimits(store, clock));
    return { a, b, close: async () => void (await Promise.all(stores.map((store) => store.close()))) };
  };

  sharedWindowSuite('PostgreSQL store (one database, two instances)', async (clock) => twoInstances(clock, undefined));

  describe.skipIf(!redisUrl)('Redis store (TEST_REDIS_URL)', () => {
    sharedWindowSuite('two instances on one Redis', async (clock) =>
      twoInstances(clock, { redisUrl: redisUrl!, redisKeyPrefix: `test-${randomBytes(6).toString('hex')}:` }),
    );
  });

  describe.skipIf(!hasPostgres)('two gateways sharing one database', () => {
    let second: TestServer;
    beforeAll(async () => {
      const env: Record<string, string> = {
        DATABASE_URL: f.server.db.databaseUrl!,
        SECRET_KEY: secretKey,
        MANAGED_OPENAI_API_KEY: 'sk-managed',
        PROVIDER_BASE_URL_OPENAI: `http://127.0.0.1:${f.upstream.port}/openai/v1`,
      };
      second = await startTestServer(env);
    });
    afterAll(async () => second?.stop());

    it('answers rate_limited 429 with retry-after once requestsPerMinute is used up between them', async () => {
      const key = await createAccessKey(f, null, 'rpm', { requestsPerMinute: 4 });
      const clients = [f.baseUrl, second.url].map((base) => new OpenAI({ baseURL: `${base}/v1`, apiKey: key.token, maxRetries: 0 }));
      for (let i = 0; i < 4; i++) await clients[i % 2].chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      for (const client of clients) {
        const err = (await client.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
          .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(err.status).toBe(429);
        expect((err.error as { code?: string }).code).toBe('rate_limited');
        const retryAfter = Number(err.headers?.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        // Up to two minutes: this minute's requests still weigh on the next minute's estimate (sliding-window.ts).
        expect(retryAfter).toBeLessThanOrEqual(120);
      }
    });
  });
});
