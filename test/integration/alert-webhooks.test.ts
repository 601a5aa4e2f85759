/**
 * Alert webhooks end to end: budget thresholds (80%, 100%) once per key and period with a
 * controlled clock, low balance once per dip, Stripe-style signatures checked by a receiver that
 * recomputes the HMAC, retries with exponential backoff, the egress guard on webhook URLs, and the
 * write-only signing secret.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlErr, gqlOk } from '../support/graphql.js';
import { fundAccount } from '../support/v1-client.js';
import { startWebhookReceiver, verifiedTimestamp, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';

interface DeliveryRow {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  payload: string;
  createdAt: string;
}

const DELIVERY_FIELDS = 'id eventType status attempts responseStatus lastError nextAttemptAt lastAttemptAt payload createdAt';
const RETRY = { baseDelayMs: 60_000, maxDelayMs: 600_000, maxAttempts: 3 };

async function deliveries(f: GatewayFixture): Promise<DeliveryRow[]> {
  const data = await gqlOk<{ alertDeliveries: { nodes: DeliveryRow[] } }>(
    f.baseUrl,
    `{ alertDeliveries(first: 100) { nodes { ${DELIVERY_FIELDS} } } }`,
    {},
    f.account.token,
  );
  return data.alertDeliveries.nodes;
}

/** Writes pending usage (alerts are detected there), then runs delivery rounds until none is due. */
async function drain(f: GatewayFixture): Promise<void> {
  await f.server.services.usage.flush();
  while ((await f.server.services.alertDeliveries.runOnce()) > 0);
}

async function configureWebhook(f: GatewayFixture, url: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { rotateAlertWebhookSecret } = await gqlOk<{ rotateAlertWebhookSecret: { secret: string } }>(
    f.baseUrl,
    'mutation { rotateAlertWebhookSecret { secret settings { webhookSecretSet } } }',
    {},
    f.account.token,
  );
  await gqlOk(
    f.baseUrl,
    'mutation($input: AlertSettingsInput!) { updateAlertSettings(input: $input) { enabled } }',
    { input: { webhookUrl: url, enabled: true, ...extra } },
    f.account.token,
  );
  return rotateAlertWebhookSecret.secret;
}

const ofType = (received: ReceivedWebhook[], type: string) => received.filter((r) => r.json.type === type);

describe('alert webhooks', () => {
  let f: GatewayFixture;
  let receiver: WebhookReceiver;
  let clock = Date.parse('2026-10-05T10:00:00Z');
  let secret: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The receiver listens on loopback: allowed here the way custom providers are allowed.
    f = await startGatewayFixture(
      { CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32' },
      { credits: { now: () => clock }, alerts: { pollMs: 3_600_000, retry: RETRY, random: () => 0.5 } },
    );
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-own');
  });
  afterAll(async () => {
    await f?.stop();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });

  it('refuses bad settings with clear errors', async () => {
    const update = (input: Record<string, unknown>) =>
      gqlErr(f.baseUrl, 'mutation($input: AlertSettingsInput!) { updateAlertSettings(input: $input) { enabled } }', { input }, f.account.token);
    expect(await update({ webhookUrl: 'ftp://example.com/x' })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('http') });
    expect(await update({ webhookUrl: 'not a url' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await update({ lowBalanceThresholdUsd: '-1' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await update({ webhookSecret: 'short' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    // No secret yet: alerts cannot be turned on.
    expect(await update({ webhookUrl: receiver.url, enabled: true })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('secret') });
    expect((await gqlErr(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token)).code).toBe('BAD_USER_INPUT');
  });

  it('signs a test webhook the way Stripe does; the secret is shown once and never again', async () => {
    secret = await configureWebhook(f, receiver.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const { sendTestWebhook } = await gqlOk<{ sendTestWebhook: DeliveryRow }>(
      f.baseUrl,
      `mutation { sendTestWebhook { ${DELIVERY_FIELDS} } }`,
      {},
      f.account.token,
    );
    expect(sendTestWebhook.status).toBe('pending');
    await drain(f);

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(verifiedTimestamp(hook.headers['x-gateway-signature'], hook.body, secret)).toBe(Math.floor(clock / 1000));
    // Any change to the body or another secret breaks the signature.
    expect(verifiedTimestamp(hook.headers['x-gateway-signature'], hook.body.replace('webhook.test', 'webhook.tesT'), secret)).toBeNull();
    expect(verifiedTimestamp(hook.headers['x-gateway-signature'], hook.body, `${secret}x`)).toBeNull();
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['x-gateway-event']).toBe('webhook.test');
    expect(hook.json).toMatchObject({ id: sendTestWebhook.id, type: 'webhook.test', created: Math.floor(clock / 1000), account: f.account.accountId });

    const [row] = await deliveries(f);
    expect(row).toMatchObject({ id: sendTestWebhook.id, status: 'succeeded', attempts: 1, responseStatus: 200, nextAttemptAt: null, payload: hook.body });

    // Write-only: not in settings, deliveries, the audit log or the server's logs.
    const settings = await gqlOk(f.baseUrl, '{ alertSettings { enabled webhookUrl webhookSecretSet lowBalanceThresholdUsd } }', {}, f.account.token);
    expect(settings).toEqual({ alertSettings: { enabled: true, webhookUrl: receiver.url, webhookSecretSet: true, lowBalanceThresholdUsd: null } });
    const audit = await gqlOk(f.baseUrl, '{ auditEvents(first: 100) { nodes { action targetType targetId actorName } } }', {}, f.account.token);
    expect(JSON.stringify(audit)).toContain('alertWebhook.rotateSecret');
    for (const text of [JSON.stringify(settings), JSON.stringify(await deliveries(f)), JSON.stringify(audit), f.server.logs.join('\n')]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(6, 30));
    }
    // Sealed at rest like provider keys.
    const { rows } = await f.server.services.sql.query<{ encrypted_secret: string }>('select encrypted_secret from alert_settings');
    expect(rows[0].encrypted_secret).toMatch(/^v1\./);
    expect(rows[0].encrypted_secret).not.toContain(secret.slice(6));
  });

  it('retries with exponential backoff and jitter until the receiver answers 2xx', async () => {
    receiver.answers.push(500, 503);
    const { sendTestWebhook } = await gqlOk<{ sendTestWebhook: { id: string } }>(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token);
    const row = async () => (await deliveries(f)).find((d) => d.id === sendTestWebhook.id)!;
    await drain(f);
    // random() = 0.5 → half the step fixed plus a quarter: 45 s after the first failure, 90 s after the second.
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500, nextAttemptAt: new Date(clock + 45_000).toISOString() });
    expect(await row()).toMatchObject({ lastError: expect.stringContaining('500') });

    clock += 44_000;
    expect(await f.server.services.alertDeliveries.runOnce()).toBe(0); // not due yet
    clock += 1_000;
    await drain(f);
    expect(await row()).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 503, nextAttemptAt: new Date(clock + 90_000).toISOString() });

    clock += 90_000;
    await drain(f);
    expect(await row()).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 200, nextAttemptAt: null, lastError: null });
    // Same event each time (receivers dedupe by id), each attempt signed at its own time.
    expect(receiver.received.map((r) => r.json.id)).toEqual([sendTestWebhook.id, sendTestWebhook.id, sendTestWebhook.id]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const stamps = receiver.received.map((r) => verifiedTimestamp(r.headers['x-gateway-signature'], r.body, secret));
    expect(stamps).toEqual([clock - 135_000, clock - 90_000, clock].map((ms) => Math.floor(ms / 1000)));
  });

  it('gives up after the last attempt', async () => {
    receiver.answers.push(500, 500, 500);
    const { sendTestWebhook } = await gqlOk<{ sendTestWebhook: { id: string } }>(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token);
    for (let i = 0; i < RETRY.maxAttempts; i++) {
      await drain(f);
      clock += RETRY.maxDelayMs;
    }
    await drain(f);
    const row = (await deliveries(f)).find((d) => d.id === sendTestWebhook.id)!;
    expect(row).toMatchObject({ status: 'failed', attempts: 3, responseStatus: 500, nextAttemptAt: null });
    expect(receiver.received).toHaveLength(3);
  });

  it('alerts at 80% and 100% of a key budget once per period, again in the next period', async () => {
    clock = Date.parse('2026-10-06T08:00:00Z');
    const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
    // What one request spends, from an unbudgeted key.
    const probe = await createAccessKey(f, null, 'probe');
    await ask(new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: probe.token, maxRetries: 0 }));
    await f.server.services.usage.flush();
    const { rows } = await f.server.services.sql.query<{ spend: string }>(
      'select (fee_nano + provider_cost_nano)::text as spend from usage_event where access_key_id = $1',
      [probe.id],
    );
    const perRequest = BigInt(rows[0].spend);
    const budgetNano = perRequest * 20n;
    const budgetUsd = `0.${budgetNano.toString().padStart(9, '0')}`;
    const key = await createAccessKey(f, null, 'budgeted', { budgetUsd, budgetPeriod: 'DAY' });
    const client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 });

    /** Requests until the budget refuses one; returns how many were served. */
    const spendDown = async () => {
      for (let served = 0; served < 40; served++) {
        try {
          await ask(client);
        } catch (err) {
          expect((err as { status?: number }).status).toBe(402);
          return served;
        }
        await drain(f); // a batch per request: the 80% alert comes with the request that crossed it
      }
      throw new Error('the budget never refused');
    };
    const budgetAlerts = () => ofType(receiver.received, 'budget.threshold_reached').map((r) => r.json.data);

    const served = await spendDown();
    expect(served).toBeGreaterThanOrEqual(16);
    await drain(f);
    const day1 = budgetAlerts();
    expect(day1.map((d) => d.thresholdPercent)).toEqual([80, 100]);
    expect(day1[0]).toMatchObject({
      accessKey: { id: key.id, name: 'budgeted' },
      budgetUsd: expect.any(String),
      period: 'DAY',
      periodStart: '2026-10-06T00:00:00.000Z',
      periodResetsAt: '2026-10-07T00:00:00.000Z',
      reason: 'spent',
    });
    // The 80% alert went out with the batch that crossed it: its spend is within one request of 80%.
    const spentAt80 = BigInt(Math.round(Number(day1[0].spentUsd) * 1e9));
    expect(spentAt80 * 100n >= budgetNano * 80n).toBe(true);
    expect((spentAt80 - perRequest) * 100n < budgetNano * 80n).toBe(true);

    // More refusals the same day: nothing new.
    await expect(ask(client)).rejects.toMatchObject({ status: 402 });
    await drain(f);
    expect(budgetAlerts()).toHaveLength(2);

    // The next UTC day is a new period: both thresholds alert again, once.
    clock = Date.parse('2026-10-07T00:00:01Z');
    await spendDown();
    await drain(f);
    const all = budgetAlerts();
    expect(all.map((d) => [d.periodStart, d.thresholdPercent])).toEqual([
      ['2026-10-06T00:00:00.000Z', 80],
      ['2026-10-06T00:00:00.000Z', 100],
      ['2026-10-07T00:00:00.000Z', 80],
      ['2026-10-07T00:00:00.000Z', 100],
    ]);
    for (const hook of ofType(receiver.received, 'budget.threshold_reached')) {
      expect(verifiedTimestamp(hook.headers['x-gateway-signature'], hook.body, secret)).not.toBeNull();
    }
  });

  it('alerts once when the credit balance falls below the threshold, again after it recovered', async () => {
    const key = await createAccessKey(f, null, 'spender');
    const client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    const balance = async () =>
      (await gqlOk<{ me: { creditBalanceUsd: string } }>(f.baseUrl, '{ me { creditBalanceUsd } }', {}, f.account.token)).me.creditBalanceUsd;
    const setThreshold = (usd: string) =>
      gqlOk(f.baseUrl, 'mutation($t: String) { updateAlertSettings(input: { lowBalanceThresholdUsd: $t }) { lowBalanceThresholdUsd } }', { t: usd }, f.account.token);
    const lowAlerts = () => ofType(receiver.received, 'credits.balance_low').map((r) => r.json.data);

    // Threshold just at the current balance: the next request's fee takes it below.
    await setThreshold(await balance());
    await ask();
    await drain(f);
    expect(lowAlerts()).toHaveLength(1);
    expect(lowAlerts()[0]).toMatchObject({ thresholdUsd: expect.any(String), balanceUsd: expect.any(String) });
    expect(Number(lowAlerts()[0].balanceUsd)).toBeLessThan(Number(lowAlerts()[0].thresholdUsd));
    await ask();
    await ask();
    await drain(f);
    expect(lowAlerts()).toHaveLength(1); // still the same dip

    // A purchase brings it back above (re-armed by the next batch), then spending below again alerts again.
    const before = await balance();
    await fundAccount(f.baseUrl, f.account.token, '5.00');
    await setThreshold(before); // a changed threshold re-arms too; here it sits between the old and new balance
    await ask();
    await drain(f);
    expect(lowAlerts()).toHaveLength(1);
    await setThreshold(await balance());
    await ask();
    await drain(f);
    expect(lowAlerts()).toHaveLength(2);
  });

  it('caps test webhooks waiting for delivery', async () => {
    receiver.answers.push(...Array<number>(10).fill(500));
    const send = () => gqlOk(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token);
    for (let i = 0; i < 5; i++) await send();
    const refused = await gqlErr(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('waiting') });
    // Once they are settled (here: given up), tests can be sent again.
    for (let i = 0; i < RETRY.maxAttempts + 1; i++) {
      await drain(f);
      clock += RETRY.maxDelayMs;
    }
    await send();
  });

  it('turned off: no alerts are queued', async () => {
    await gqlOk(f.baseUrl, 'mutation { updateAlertSettings(input: { enabled: false, lowBalanceThresholdUsd: "1000" }) { enabled } }', {}, f.account.token);
    const before = (await deliveries(f)).length;
    const key = await createAccessKey(f, null, 'quiet');
    await new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
    await drain(f);
    expect(await deliveries(f)).toHaveLength(before);
  });

  it('keeps settled deliveries 30 days in the delivery log', async () => {
    const before = await deliveries(f);
    expect(before.filter((d) => d.status !== 'pending').length).toBeGreaterThan(0);
    clock += 31 * 86_400_000;
    while ((await f.server.services.alertDeliveries.runOnce()) > 0);
    const after = await deliveries(f);
    expect(after.length).toBeLessThan(before.length);
    expect(after.filter((d) => d.status !== 'pending' && Date.parse(d.createdAt) < clock - 30 * 86_400_000)).toEqual([]);
  });
});

describe('alert webhooks: egress guard', () => {
  let f: GatewayFixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    f = await startGatewayFixture({}, { alerts: { pollMs: 3_600_000 } });
  });
  afterAll(async () => {
    await f?.stop();
    await receiver?.close();
  });

  it('refuses a webhook URL on a private address unless CUSTOM_PROVIDER_ALLOW_PRIVATE allows it', async () => {
    await configureWebhook(f, receiver.url);
    await gqlOk(f.baseUrl, 'mutation { sendTestWebhook { id } }', {}, f.account.token);
    await drain(f);
    expect(receiver.received).toHaveLength(0);
    const [row] = await deliveries(f);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(row.lastError).toMatch(/EGRESS_BLOCKED: egress to 127\.0\.0\.1 refused \(loopback\)/);
  });
});
