import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutRequest, PaymentsGateway } from '../../server/src/services/credits/payments.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';

const WEBHOOK_SECRET = 'whsec_test_credits_secret';
const PURCHASE = `mutation($a: String!) { purchaseCredits(amountUsd: $a) { id amountUsd status checkoutUrl } }`;

class FakeCheckout implements PaymentsGateway {
  readonly requests: CheckoutRequest[] = [];
  fail = false;
  async createCheckoutSession(request: CheckoutRequest) {
    if (this.fail) throw new Error('stripe is down');
    this.requests.push(request);
    const id = `cs_test_${randomUUID().replace(/-/g, '')}`;
    return { id, url: `https://checkout.stripe.test/c/pay/${id}` };
  }
}

function sessionEvent(type: string, session: Record<string, unknown>): string {
  return JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { object: 'checkout.session', currency: 'usd', payment_status: 'paid', ...session } },
  });
}

describe('credits with PAYMENTS=stripe', () => {
  let server: TestServer;
  const checkout = new FakeCheckout();

  beforeAll(async () => {
    server = await startTestServer(
      { PAYMENTS: 'stripe', STRIPE_SECRET_KEY: 'sk_test_not_used', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_URL: 'https://gw.example.com' },
      { credits: { payments: checkout } },
    );
  });
  afterAll(async () => server?.stop());

  const post = (payload: string, signature?: string) =>
    fetch(`${server.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'stripe-signature': signature }) },
      body: payload,
    });
  const sign = (payload: string, secret = WEBHOOK_SECRET) => Stripe.webhooks.generateTestHeaderString({ payload, secret });
  const balance = async (token: string) =>
    (await gqlOk<{ me: { creditBalanceUsd: string } }>(server.url, '{ me { creditBalanceUsd } }', {}, token)).me.creditBalanceUsd;
  const purchases = async (token: string) =>
    (await gqlOk<{ creditPurchases: { nodes: { id: string; status: string; checkoutUrl: string | null }[] } }>(
      server.url,
      '{ creditPurchases { nodes { id status checkoutUrl } } }',
      {},
      token,
    )).creditPurchases.nodes;

  async function startPurchase(amount = '12.34') {
    const account = await signUpAccount(server.url);
    const { purchaseCredits } = await gqlOk<{ purchaseCredits: { id: string; amountUsd: string; status: string; checkoutUrl: string } }>(
      server.url,
      PURCHASE,
      { a: amount },
      account.token,
    );
    const request = checkout.requests.find((r) => r.purchaseId === purchaseCredits.id)!;
    const sessionId = purchaseCredits.checkoutUrl.split('/').pop()!;
    return { ...account, purchase: purchaseCredits, request, sessionId };
  }

  it('tells anyone up front that purchases go through Stripe (gatewayPricing.paymentMode)', async () => {
    expect(await gqlOk(server.url, '{ gatewayPricing { paymentMode } }')).toEqual({ gatewayPricing: { paymentMode: 'STRIPE' } });
  });

  it('creates a pending purchase with a Checkout URL and grants nothing yet', async () => {
    const { token, accountId, purchase, request } = await startPurchase('12.34');
    expect(purchase).toMatchObject({ amountUsd: '12.34', status: 'pending' });
    expect(purchase.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    expect(request).toMatchObject({ accountId, amountCents: 1234 });
    expect(request.successUrl).toMatch(/^https:\/\/gw\.example\.com\/credits\?/);
    expect(await balance(token)).toBe('0.00');
  });

  it('rejects a webhook whose signature does not verify (400) and grants nothing', async () => {
    const { token, purchase, sessionId } = await startPurchase('5.00');
    const payload = sessionEvent('checkout.session.completed', { id: sessionId, amount_total: 500, client_reference_id: purchase.id });
    expect((await post(payload)).status).toBe(400); // no header
    expect((await post(payload, sign(payload, 'whsec_wrong'))).status).toBe(400);
    expect((await post(payload, sign(payload.replace('500', '5000')))).status).toBe(400); // body changed after signing
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await post(payload, stale)).status).toBe(400);
    expect(await balance(token)).toBe('0.00');
    expect((await purchases(token))[0].status).toBe('pending');
  });

  it('grants a verified paid session exactly once, however often it is delivered', async () => {
    const { token, purchase, sessionId } = await startPurchase('12.34');
    const payload = sessionEvent('checkout.session.completed', { id: sessionId, amount_total: 1234, client_reference_id: purchase.id });
    const first = await post(payload, sign(payload));
    expect(first.status).toBe(200);
    expect(await balance(token)).toBe('12.34');
    expect((await purchases(token))[0]).toMatchObject({ status: 'completed', checkoutUrl: null });

    // Replays: the same event, a new event for the same session, and concurrent deliveries.
    expect((await post(payload, sign(payload))).status).toBe(200);
    const again = sessionEvent('checkout.session.async_payment_succeeded', { id: sessionId, amount_total: 1234 });
    const results = await Promise.all([1, 2, 3, 4].map(() => post(again, sign(again))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await balance(token)).toBe('12.34');
    const txs = await gqlOk<{ creditTransactions: { nodes: { kind: string }[] } }>(
      server.url,
      '{ creditTransactions { nodes { kind } } }',
      {},
      token,
    );
    expect(txs.creditTransactions.nodes.filter((t) => t.kind === 'purchase')).toHaveLength(1);
    // The money arriving is a change like any other: audited once, by the system, however often delivered.
    const audit = await gqlOk<{ auditEvents: { nodes: { action: string; actorType: string; targetId: string; details: { fields: { field: string; value: string }[] } | null }[] } }>(
      server.url,
      '{ auditEvents(filter: { action: "credits.purchaseCompleted" }, first: 10) { nodes { action actorType targetId details { fields { field value } } } } }',
      {},
      token,
    );
    expect(audit.auditEvents.nodes).toEqual([
      {
        action: 'credits.purchaseCompleted',
        actorType: 'system',
        targetId: purchase.id,
        details: { fields: [{ field: 'amountUsd', value: '12.34' }, { field: 'method', value: 'stripe' }] },
      },
    ]);
  });

  it('does not grant an unpaid session, a different amount, or an unknown session', async () => {
    const { token, purchase, sessionId } = await startPurchase('20.00');
    const unpaid = sessionEvent('checkout.session.completed', { id: sessionId, amount_total: 2000, payment_status: 'unpaid' });
    expect((await post(unpaid, sign(unpaid))).status).toBe(200);
    const wrongAmount = sessionEvent('checkout.session.completed', { id: sessionId, amount_total: 500, client_reference_id: purchase.id });
    expect((await post(wrongAmount, sign(wrongAmount))).status).toBe(200);
    const unknown = sessionEvent('checkout.session.completed', { id: 'cs_test_unknown', amount_total: 2000 });
    expect((await post(unknown, sign(unknown))).status).toBe(200);
    expect(await balance(token)).toBe('0.00');
  });

  it('marks an expired session’s purchase failed', async () => {
    const { token, sessionId } = await startPurchase('5.00');
    const expired = sessionEvent('checkout.session.expired', { id: sessionId, amount_total: 500, payment_status: 'unpaid' });
    expect((await post(expired, sign(expired))).status).toBe(200);
    expect((await purchases(token))[0]).toMatchObject({ status: 'failed', checkoutUrl: null });
  });

  it('reports a payment provider outage without leaving a usable pending purchase', async () => {
    const account = await signUpAccount(server.url);
    checkout.fail = true;
    try {
      const res = await gql(server.url, PURCHASE, { a: '5.00' }, account.token);
      expect(res.errors?.[0]?.message).toMatch(/payment provider is unavailable/);
    } finally {
      checkout.fail = false;
    }
    expect((await purchases(account.token))[0].status).toBe('failed');
  });
});

describe('credits with PAYMENTS=manual', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('tells anyone up front that purchases are recorded without payment (gatewayPricing.paymentMode)', async () => {
    expect(await gqlOk(server.url, '{ gatewayPricing { paymentMode } }')).toEqual({ gatewayPricing: { paymentMode: 'MANUAL' } });
  });

  it('does not serve the Stripe webhook', async () => {
    const res = await fetch(`${server.url}/webhooks/stripe`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
