import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

/** Access-key limits in the UI against the real server: set in the create dialog, changed in the edit dialog. */
describe('Access key limits', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: await ensureWebBuild() });
  });
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  it('creates a key with a budget and a rate limit, shows the budget bar, and clears the rate limit', async () => {
    const { page } = session;
    const { token } = await signUpAccount(server.url, 'Limits');
    await page.goto('/');
    await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('ai-gateway.session-token', t), token);
    await page.goto('/access-keys');
    await page.getByRole('heading', { level: 1, name: 'Access keys' }).waitFor();

    await page.getByRole('button', { name: 'Create access key' }).first().click();
    await page.getByLabel('Name').fill('limited-app');
    await page.getByLabel('Budget (USD)').fill('25');
    await page.getByLabel('Budget period').selectOption('DAY');
    await page.getByLabel('Requests per minute').fill('60');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('$0.00 of $25.00').waitFor();
    await page.getByRole('meter', { name: /Budget used/ }).waitFor();

    const read = async () =>
      (await gqlOk<{ accessKeys: { nodes: { limits: Record<string, unknown> }[] } }>(server.url, '{ accessKeys { nodes { limits { budgetUsd budgetPeriod requestsPerMinute tokensPerMinute } } } }', {}, token))
        .accessKeys.nodes[0].limits;
    expect(await read()).toEqual({ budgetUsd: '25.00', budgetPeriod: 'DAY', requestsPerMinute: 60, tokensPerMinute: null });

    await page.getByRole('button', { name: 'Done' }).click().catch(() => undefined);
    await page.getByRole('button', { name: /Edit limited-app/ }).click();
    await page.getByLabel('Requests per minute').fill('');
    await page.getByLabel('Tokens per minute').fill('50000');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(read).toEqual({ budgetUsd: '25.00', budgetPeriod: 'DAY', requestsPerMinute: null, tokensPerMinute: 50000 });
    expect(session.pageErrors).toEqual([]);
  });
});
