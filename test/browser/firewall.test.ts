import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

/** The Firewall page against the real server: create a policy, try it on sample text, attach it. */
describe('Firewall page', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: await ensureWebBuild() });
  });
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  it('creates a redaction policy, shows what it would redact, and attaches it to a configuration', async () => {
    const { page } = session;
    const { token } = await signUpAccount(server.url, 'Firewall');
    await page.goto('/');
    // Signed in as the SPA stores its session (this file has no DOM types, hence the structural type).
    await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('ai-gateway.session-token', t), token);
    await page.goto('/firewall');
    await page.getByRole('heading', { level: 1, name: 'Firewall' }).waitFor();

    await page.getByRole('button', { name: 'Create a policy' }).click();
    await page.getByLabel('Name').fill('Customer data');
    await page.getByLabel('Mode').selectOption('ENFORCE');
    // The first rule defaults to PII redaction with restore on.
    await expect.poll(() => page.getByLabel('E-mail addresses').isChecked()).toBe(true);

    await page.getByLabel('Sample text, as a user message').fill('Write to jane@example.com about order 12345678 on 2024-05-17.');
    await page.getByRole('button', { name: 'Check this text' }).click();
    const result = page.getByRole('status').filter({ hasText: 'What the provider would receive' });
    await result.getByText('Write to <EMAIL_1> about order 12345678 on 2024-05-17.').waitFor();
    await result.getByText('REDACT_PII: redacted × 1').waitFor();

    await page.getByRole('button', { name: 'Create policy' }).click();
    const card = page.getByRole('region', { name: 'Customer data' });
    await card.getByText('Enforce').waitFor();
    await card.getByText('Redact PII').waitFor();

    await page.goto('/configurations');
    await page.getByRole('button', { name: 'Create a configuration' }).click();
    await page.getByLabel('Name').fill('guarded');
    await page.getByRole('checkbox', { name: /Customer data/ }).check();
    await page.getByRole('button', { name: 'Create configuration' }).click();
    await page.getByRole('region', { name: 'guarded' }).getByText('Customer data').waitFor();
    expect(session.pageErrors).toEqual([]);
  });
});
