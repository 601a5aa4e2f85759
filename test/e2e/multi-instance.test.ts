import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two gateway processes on one PostgreSQL behave as one (LISTEN/NOTIFY invalidation). */
describe.skipIf(!hasPostgres)('two gateway instances on one database', () => {
  let db: TestDatabase;
  let upstream: FakeUpstream;
  let a: SpawnedServer;
  let b: SpawnedServer;
  let session: string;

  const chat = (server: SpawnedServer, token: string, model = 'gpt-4o-mini') =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await startFakeUpstream();
    const env = {
      DATABASE_URL: db.databaseUrl ?? '',
      SECRET_KEY: randomBytes(32).toString('base64'),
      PROVIDER_BASE_URL_OPENAI: `${upstream.url}`,
      CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.0/8',
      DATA_DIR: db.dataDir,
    };
    [a, b] = await Promise.all([spawnServer({ ...env, INSTANCE_ID: 'a' }), spawnServer({ ...env, INSTANCE_ID: 'b' })]);
    session = (await signUpAccount(a.url)).token;
    await gqlOk(a.url, 'mutation { purchaseCredits(amountUsd: "50.00") { id } }', {}, session);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await upstream?.close();
    await db?.drop();
  });

  it('applies revocation, configuration edits, key rotation and new custom providers on the other instance within a second', async () => {
    const pk = await gqlOk<{ createProviderKey: { id: string } }>(
      a.url,
      'mutation { createProviderKey(input: { provider: "openai", name: "k", key: "sk-first-key" }) { id } }',
      {},
      session,
    );
    const created = await gqlOk<{ createAccessKey: { token: string; accessKey: { id: string } } }>(
      a.url,
      'mutation { createAccessKey(input: { name: "app" }) { token accessKey { id } } }',
      {},
      session,
    );
    const token = created.createAccessKey.token;
    expect((await chat(b, token)).status).toBe(200); // B warms its cache
    expect(upstream.requests.at(-1)?.credential).toBe('sk-first-key');

    // Rotation on A → B uses the new key.
    await gqlOk(a.url, 'mutation($id: ID!) { rotateProviderKey(id: $id, key: "sk-second-key") { id } }', { id: pk.createProviderKey.id }, session);
    await eventually(async () => {
      await chat(b, token);
      return upstream.requests.at(-1)?.credential === 'sk-second-key';
    }, 1000);

    // A configuration that forbids openai, attached on A → B refuses.
    const cfg = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      a.url,
      'mutation { createAccessKeyConfiguration(input: { name: "none", allowedProviders: [] }) { id } }',
      {},
      session,
    );
    await gqlOk(
      a.url,
      'mutation($id: ID!, $c: ID) { updateAccessKey(id: $id, input: { configurationId: $c }) { id } }',
      { id: created.createAccessKey.accessKey.id, c: cfg.createAccessKeyConfiguration.id },
      session,
    );
    await eventually(async () => (await chat(b, token)).status === 403, 1000);

    // Allow everything again, then add a custom provider on A → B can call it.
    await gqlOk(
      a.url,
      'mutation($id: ID!) { updateAccessKeyConfiguration(id: $id, input: { name: "all" }) { id } }',
      { id: cfg.createAccessKeyConfiguration.id },
      session,
    );
    await eventually(async () => (await chat(b, token)).status === 200, 1000);
    await gqlOk(
      a.url,
      `mutation($url: String!) { createCustomProvider(input: { providerId: "local", name: "Local", baseUrl: $url, apiFormat: OPENAI, models: ["tiny"] }) { id } }`,
      { url: `http://127.0.0.1:${upstream.port}/custom/v1` },
      session,
    );
    await eventually(async () => (await chat(b, token, 'local:tiny')).status === 200, 1000);

    // Revocation on A → B answers 401.
    await gqlOk(a.url, 'mutation($id: ID!) { revokeAccessKey(id: $id) }', { id: created.createAccessKey.accessKey.id }, session);
    const took = await eventually(async () => (await chat(b, token)).status === 401, 1000);
    expect(took).toBeLessThan(1000);
  });

  it('lands usage from both instances', async () => {
    const created = await gqlOk<{ createAccessKey: { token: string } }>(
      a.url,
      'mutation { createAccessKey(input: { name: "usage" }) { token } }',
      {},
      session,
    );
    const token = created.createAccessKey.token;
    const responses = await Promise.all([...Array(5)].flatMap(() => [chat(a, token), chat(b, token)]));
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await eventually(async () => {
      const data = await gqlOk<{ usageEvents: { nodes: { requestId: string }[] } }>(
        a.url,
        'query { usageEvents(first: 100) { nodes { requestId } } }',
        {},
        session,
      );
      const seen = new Set(data.usageEvents.nodes.map((n) => n.requestId));
      return ids.every((id) => id && seen.has(id));
    }, 5000);
  });
});
