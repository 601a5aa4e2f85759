/**
 * Alert webhooks on two gateway instances sharing one PostgreSQL: every alert is raised once
 * (budget thresholds per key and period) and every delivery is sent once, while both instances
 * write usage and poll the delivery queue at the same time.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { sqlOf } from '../../server/src/db/pool.js';
import { ALERT_EVENT_TYPES } from '../../server/src/services/alerts/alert-events.js';
import { enqueueAlerts } from '../../server/src/services/alerts/delivery-store.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase, sharedInstanceEnv, type TestDatabase } from '../support/db.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { fundAccount } from '../support/v1-client.js';
import { startWebhookReceiver, verifiedTimestamp, type WebhookReceiver } from '../support/webhook-receiver.js';

const databaseUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!databaseUrl)('alert webhooks on two instances sharing one database', () => {
  let db: TestDatabase;
  let upstream: FakeUpstream;
  let receiver: WebhookReceiver;
  let a: RunningServer;
  let b: RunningServer;
  let session: string;
  let secret: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await startFakeUpstream();
    receiver = await startWebhookReceiver();
    const env = {
      ...sharedInstanceEnv(db),
      PROVIDER_BASE_URL_OPENAI: `http://127.0.0.1:${upstream.port}/openai/v1`,
      CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32',
    };
    // Both poll the queue every 20 ms, so their claims really race.
    const options = { logger: createLogger('silent'), alerts: { pollMs: 20 } };
    a = await startServer(loadConfig({ ...env, INSTANCE_ID: 'a' }), options);
    b = await startServer(loadConfig({ ...env, INSTANCE_ID: 'b' }), options);
    session = (await signUpAccount(a.url)).token;
    await fundAccount(a.url, session);
    await gqlOk(a.url, 'mutation { createProviderKey(input: { provider: "openai", name: "own", key: "sk-own" }) { id } }', {}, session);
    secret = (await gqlOk<{ rotateAlertWebhookSecret: { secret: string } }>(a.url, 'mutation { rotateAlertWebhookSecret { secret } }', {}, session))
      .rotateAlertWebhookSecret.secret;
    await gqlOk(b.url, 'mutation($url: String!) { updateAlertSettings(input: { webhookUrl: $url, enabled: true }) { enabled } }', { url: receiver.url }, session);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    await receiver?.close();
    await db?.drop();
  });

  const pending = async () =>
    Number((await a.services.sql.query<{ n: string }>(`select count(*)::text as n from alert_delivery where status = 'pending'`)).rows[0].n);
  const settle = async () => {
    await Promise.all([a.services.usage.flush(), b.services.usage.flush()]);
    const deadline = Date.now() + 10_000;
    while ((await pending()) > 0) {
      if (Date.now() > deadline) throw new Error('deliveries still pending');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('raises each budget threshold once and delivers it once while both instances spend the key', async () => {
    const create = async (name: string, limits: Record<string, unknown> | null) =>
      (
        await gqlOk<{ createAccessKey: { token: string; accessKey: { id: string } } }>(
          a.url,
          'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { id } } }',
          { input: { name, limits } },
          session,
        )
      ).createAccessKey;
    const ask = (server: RunningServer, token: string) =>
      new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
      });
    const probe = await create('probe', null);
    await ask(a, probe.token);
    await a.services.usage.flush();
    const { rows } = await a.services.sql.query<{ spend: string }>(
      'select (fee_nano + provider_cost_nano)::text as spend from usage_event where access_key_id = $1',
      [probe.accessKey.id],
    );
    const budgetNano = BigInt(rows[0].spend) * 24n;
    const key = await create('shared', { budgetUsd: `0.${budgetNano.toString().padStart(9, '0')}`, budgetPeriod: 'TOTAL' });

    // Waves of 4 concurrent requests, 2 per instance, each wave's usage written by both instances at once.
    let refusedWaves = 0;
    for (let wave = 0; wave < 30 && refusedWaves < 2; wave++) {
      const results = await Promise.allSettled([a, b, a, b].map((s) => ask(s, key.token)));
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { status?: number }).status).toBe(402);
      if (results.some((r) => r.status === 'rejected')) refusedWaves++;
      await Promise.all([a.services.usage.flush(), b.services.usage.flush()]);
    }
    expect(refusedWaves).toBe(2);
    await settle();
    expect(receiver.received.filter((r) => r.json.type === 'budget.threshold_reached')).toHaveLength(2);
    // Refused requests keep arriving on both instances: their batches see the thresholds reached again, and raise nothing new.
    for (let wave = 0; wave < 3; wave++) {
      await Promise.allSettled([a, b, a, b].map((s) => ask(s, key.token)));
      await Promise.all([a.services.usage.flush(), b.services.usage.flush()]);
    }
    await settle();

    const budget = receiver.received.filter((r) => r.json.type === 'budget.threshold_reached');
    expect(budget.map((r) => r.json.data.thresholdPercent).sort()).toEqual([100, 80]);
    const ids = receiver.received.map((r) => r.json.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const hook of budget) expect(verifiedTimestamp(hook.headers['x-gateway-signature'], hook.body, secret)).not.toBeNull();
  });

  it('sends each queued delivery once while both instances claim from the queue', async () => {
    receiver.received.length = 0;
    // Queued directly (sendTestWebhook caps pending test events per organization).
    const accountId = (await gqlOk<{ me: { id: string } }>(a.url, '{ me { id } }', {}, session)).me.id;
    const sent = await enqueueAlerts(
      sqlOf(a.services.sql),
      Array.from({ length: 30 }, () => ({ accountId, type: ALERT_EVENT_TYPES.test, data: {}, dedupeKey: null })),
      Date.now(),
    );
    await Promise.all([a, b, a, b].map((s) => s.services.alertDeliveries.runOnce()));
    await settle();
    const ids = receiver.received.map((r) => r.json.id);
    expect(ids.sort()).toEqual([...sent].sort());
  });
});
