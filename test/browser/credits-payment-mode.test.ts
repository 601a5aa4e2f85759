import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutRequest, PaymentsGateway } from '../../server/src/services/credits/payments.js';
import { signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

const SESSION_KEY = 'ai-gateway.session-token';
const CHECKOUT_ORIGIN = 'https://checkout.stripe.test';

class FakeCheckout implements PaymentsGateway {
  async createCheckoutSession(_request: CheckoutRequest) {
    const id = `cs_test_${randomUUID().replace(/-/g, '')}`;
    return { id, url: `${CHECKOUT_ORIGIN}/c/pay/${id}` };
  }
}

/** The Credits page says what Buy credits will do on this gateway (gatewayPricing.paymentMode) before anyone clicks. */
describe('Credits page payment mode in the browser', () => {
  let stripe: TestServer;
  let manual: TestServer;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    const web = { SERVE_WEB: 'true', WEB_DIST_DIR: dist };
    [stripe, manual] = await Promise.all([
      startTestServer({ ...web, PAYMENTS: 'stripe', STRIPE_SECRET_KEY: 'sk_test_not_used', STRIPE_WEBHOOK_SECRET: 'whsec_test_browser' }, { credits: { payments: new FakeCheckout() } }),
      startTestServer(web),
    ]);
  }, 120_000);
  afterAll(async () => Promise.all([stripe?.stop(), manual?.stop()]));

  const session = useBrowser({ baseURL: () => stripe.url });

  /** Opens the Credits page of `server` signed in as a new organization's OWNER. */
  async function openCredits(server: TestServer) {
    const { page } = session;
    const { token } = await signUpAccount(server.url);
    await page.context().addInitScript(`window.localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(token)})`);
    await page.goto(`${server.url}/credits`);
    await page.getByRole('heading', { level: 1, name: 'Credits', exact: true }).waitFor();
    const note = page.getByTestId('payment-mode-note');
    await note.waitFor();
    return { page, note: (await note.textContent()) ?? '' };
  }

  it('with PAYMENTS=stripe says Buy credits goes to Stripe Checkout, and it does', async () => {
    const { page, note } = await openCredits(stripe);
    expect(note).toMatch(/^Payments go through Stripe \(PAYMENTS=stripe\): Buy credits takes you to Stripe Checkout/);
    expect(note).not.toContain('no payment is taken');

    await page.route(`${CHECKOUT_ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Checkout</title><h1>Stripe Checkout (test)</h1>' }));
    await page.getByLabel('Amount (USD)').fill('10');
    await page.getByRole('button', { name: 'Buy credits' }).click();
    await page.waitForURL(`${CHECKOUT_ORIGIN}/c/pay/**`);
  });

  it('with PAYMENTS=manual says Buy credits adds the credit at once and takes no payment', async () => {
    const { note } = await openCredits(manual);
    expect(note).toMatch(/^Purchases are recorded manually \(PAYMENTS=manual\): Buy credits adds the credit at once and no payment is taken/);
    expect(note).not.toContain('Stripe');
  });
});
