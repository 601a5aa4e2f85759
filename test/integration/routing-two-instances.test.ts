import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase, sharedInstanceEnv, type TestDatabase } from '../support/db.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { fundAccount } from '../support/v1-client.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

/** Two gateway instances on one PostgreSQL and one Redis: one cache, one set of virtual models. */
describe.skipIf(!databaseUrl || !redisUrl)('two instances sharing Redis and PostgreSQL', () => {
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  let db: TestDatabase;
  let upstream: FakeUpstream;
  let a: RunningServer;
  let b: RunningServer;
  let session: string;
  let token: string;

  const chat = (server: RunningServer, model: string, content: string) =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await startFakeUpstream();
    const env = {
      ...sharedInstanceEnv(db),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      PROVIDER_BASE_URL_OPENAI: upstream.url,
      MANAGED_OPENAI_API_KEY: 'sk-managed',
    };
    a = await startServer(loadConfig({ ...env, INSTANCE_ID: 'a' }), { logger: createLogger('silent') });
    b = await startServer(loadConfig({ ...env, INSTANCE_ID: 'b' }), { logger: createLogger('silent') });
    session = (await signUpAccount(a.url)).token;
    await fundAccount(a.url, session);
    const cfg = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      a.url,
      'mutation { createAccessKeyConfiguration(input: { name: "cached", cache: { enabled: true, ttlSeconds: 60 } }) { id } }',
      {},
      session,
    );
    const key = await gqlOk<{ createAccessKey: { token: string } }>(
      a.url,
      'mutation($id: ID!) { createAccessKey(input: { name: "k", configurationId: $id }) { token } }',
      { id: cfg.createAccessKeyConfiguration.id },
      session,
    );
    token = key.createAccessKey.token;
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await upstream?.close();
    await db?.drop();
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('an answer cached by one instance is a hit on the other, stored encrypted', async () => {
    const first = await chat(a, 'gpt-4o-mini', 'shared question');
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    const body = await first.text();
    // The store is not awaited on the request path: wait until the entry is there.
    const redis = new Redis(redisUrl!);
    try {
      const deadline = Date.now() + 2000;
      while ((await redis.keys(`${prefix}response-cache:*`)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const [key] = await redis.keys(`${prefix}response-cache:*`);
      expect(await redis.get(key)).not.toContain('Hello from fake');
    } finally {
      await redis.quit();
    }
    const second = await chat(b, 'gpt-4o-mini', 'shared question');
    expect(second.headers.get('x-gateway-cache')).toBe('hit');
    expect(await second.text()).toBe(body);
    expect(upstream.requests).toHaveLength(1);
  });

  it('a virtual model created or changed on one instance is used by the other within a second', async () => {
    const created = await gqlOk<{ createVirtualModel: { id: string } }>(
      a.url,
      'mutation { createVirtualModel(input: { name: "team-default", targets: [{ model: "gpt-4o-mini" }] }) { id } }',
      {},
      session,
    );
    const waitForModel = async (expected: string) => {
      const started = Date.now();
      for (;;) {
        const res = await chat(b, 'team-default', `q ${Date.now()}`);
        if (res.headers.get('x-gateway-model') === expected) return Date.now() - started;
        if (Date.now() - started > 1000) throw new Error(`instance b did not follow within a second (got ${res.status} ${res.headers.get('x-gateway-model')})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await waitForModel('gpt-4o-mini');
    await gqlOk(
      a.url,
      'mutation($id: ID!) { updateVirtualModel(id: $id, input: { name: "team-default", targets: [{ model: "gpt-4o" }] }) { id } }',
      { id: created.createVirtualModel.id },
      session,
    );
    expect(await waitForModel('gpt-4o')).toBeLessThan(1000);
  });
});
