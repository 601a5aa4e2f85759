import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { startWebhookReceiver, verifiedTimestamp, type WebhookReceiver } from '../support/webhook-receiver.js';
import { screenshot, useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

/** Settings against the real server: account token caps, alert webhook settings, a test webhook and its delivery log. */
describe('Settings: token caps and alert webhooks', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: await ensureWebBuild(), CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32' });
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  const session = useBrowser({ baseURL: () => server.url });

  it('sets token caps and alert settings, generates the signing secret once, and shows the test delivery', async () => {
    const { page } = session;
    const { token } = await signUpAccount(server.url, 'Alerts');
    await page.goto('/');
    await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('ai-gateway.session-token', t), token);
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    // Token caps: a number, and empty for no cap.
    await page.getByLabel('Max input tokens').fill('8000');
    await page.getByLabel('Max output tokens').fill('');
    await page.getByRole('button', { name: 'Save token caps' }).click();
    await page.getByText('Token caps saved.').waitFor();
    const caps = async () =>
      (await gqlOk<{ me: { settings: Record<string, unknown> } }>(server.url, '{ me { settings { maxInputTokens maxOutputTokens } } }', {}, token)).me.settings;
    expect(await caps()).toEqual({ maxInputTokens: 8000, maxOutputTokens: null });

    // Enabling before a secret exists is refused with the server's message.
    await page.getByLabel('Webhook URL').fill(receiver.url);
    await page.getByLabel('Send alerts').check();
    await page.getByRole('button', { name: 'Save alert settings' }).click();
    await page.getByText(/signing secret/i).first().waitFor();

    await page.getByRole('button', { name: 'Generate signing secret' }).click();
    const secret = (await page.getByTestId('secret-value').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('button', { name: 'Rotate signing secret' }).waitFor();

    await page.getByLabel('Webhook URL').fill(receiver.url);
    await page.getByLabel('Low-balance threshold (USD)').fill('12.5');
    await page.getByLabel('Send alerts').check();
    await page.getByRole('button', { name: 'Save alert settings' }).click();
    await page.getByText('Alert settings saved.').waitFor();
    const settings = async () =>
      (await gqlOk<{ alertSettings: Record<string, unknown> }>(server.url, '{ alertSettings { enabled webhookUrl webhookSecretSet lowBalanceThresholdUsd } }', {}, token))
        .alertSettings;
    expect(await settings()).toEqual({ enabled: true, webhookUrl: receiver.url, webhookSecretSet: true, lowBalanceThresholdUsd: '12.50' });
    // Write-only: the page no longer holds the secret.
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Send test webhook' }).click();
    await page.getByText('Test webhook queued').waitFor();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(verifiedTimestamp(receiver.received[0].headers['x-gateway-signature'], receiver.received[0].body, secret)).not.toBeNull();
    const log = page.getByRole('table', { name: 'Webhook deliveries' });
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return log.getByText('succeeded').count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    await log.getByText('webhook.test').waitFor();
    await screenshot(page, 'settings-alert-webhooks');
    expect(session.pageErrors).toEqual([]);
  });
});
