import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { pageObjects } from './support/pages.js';
import { ensureWebBuild } from './support/web-build.js';

/**
 * The built SPA served by the real server (in-process, own database), with a simulated OpenAI upstream:
 * everything a user does in the browser, checked through the official OpenAI SDK.
 */
describe('admin SPA against the real server', () => {
  let server: TestServer;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    upstream = await startFakeUpstream();
    server = await startTestServer({
      SERVE_WEB: 'true',
      WEB_DIST_DIR: dist,
      PROVIDER_BASE_URL_OPENAI: `http://127.0.0.1:${upstream.port}/openai/v1`,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
  });

  const session = useBrowser({ baseURL: () => server.url });

  it('signs up, routes provider keys, issues a key the OpenAI SDK can use, shows its usage, and revokes it', async () => {
    const { page } = session;
    const po = pageObjects(page);

    await po.auth.signUp({ name: 'Browser Flow', email: `flow-${Date.now()}@example.com`, password: 'password-123' });
    await po.shell.heading('Quickstart').waitFor();

    // Credits first: every request pays the processing fee.
    await po.shell.navigateTo('Credits');
    await po.credits.buy('10');
    await expect.poll(() => po.credits.balance(), { timeout: 10_000 }).toBe('$10.00');

    await po.shell.navigateTo('Provider keys');
    await po.providerKeys.add({ provider: 'OpenAI', name: 'oa-1', key: 'sk-flow-openai-1' });
    await po.providerKeys.add({ provider: 'OpenAI', name: 'oa-2', key: 'sk-flow-openai-2', priority: 5 });

    await po.shell.navigateTo('Configurations');
    await po.configurations.create({ name: 'flow-config', providers: ['OpenAI'], routing: { provider: 'OpenAI', keys: ['oa-2', 'oa-1'] } });
    await page.getByRole('region', { name: 'flow-config' }).getByText('oa-2 → oa-1').waitFor();

    await po.shell.navigateTo('Access keys');
    const token = await po.accessKeys.createKey('flow-key', { configuration: 'flow-config' });
    expect(token).toMatch(/^ng-/);
    await po.accessKeys.dismissToken();
    await po.accessKeys.row('flow-key').waitFor();

    // The routing order chosen in the UI decides which credential reaches the provider.
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.choices[0].message.content).toContain('Hello from fake');
    expect(upstream.requests.at(-1)?.credential).toBe('sk-flow-openai-2');

    await po.shell.navigateTo('Usage');
    await expect
      .poll(
        async () => {
          await page.reload();
          await po.shell.heading('Usage').waitFor();
          await page.getByRole('table', { name: 'Usage events' }).locator('tbody tr').first().waitFor();
          return po.usage.eventsTable().textContent();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toContain('gpt-4o-mini');
    await po.usage.waitForChart();
    const attempts = await po.usage.expandFirstEvent();
    expect(await attempts.textContent()).toContain('openai:gpt-4o-mini');

    // The CSV export streams in: the events received are counted as they arrive, then saved.
    const exportStatus = page.getByRole('status').filter({ hasText: /Download|Export/ });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toMatch(/^created_at,request_id,/);
    expect(rows.slice(1).some((r) => r.includes('gpt-4o-mini'))).toBe(true);
    await expect.poll(() => exportStatus.textContent()).toBe(`Downloaded ${rows.length - 1} ${rows.length === 2 ? 'event' : 'events'}.`);
    // A long export can be cancelled while it runs (here: an answer that never comes).
    await page.route('**/api/usage/export**', () => undefined);
    await page.getByRole('button', { name: 'Download CSV' }).click();
    await expect.poll(() => exportStatus.textContent()).toBe('Downloading… 0 events (0.0 MB)');
    await page.getByRole('button', { name: 'Cancel export' }).click();
    await expect.poll(() => exportStatus.textContent()).toBe('Export cancelled.');
    await page.getByRole('button', { name: 'Download CSV' }).waitFor();
    await page.unroute('**/api/usage/export**');

    // A referenced provider key cannot be deleted; the CONFLICT message is shown in the dialog.
    await po.shell.navigateTo('Provider keys');
    const dialog = await po.providerKeys.delete('oa-1');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('flow-config');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await po.shell.navigateTo('Access keys');
    await po.accessKeys.revoke('flow-key');
    await expect.poll(() => po.accessKeys.row('flow-key').count()).toBe(0);
    await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('serves the UI with security headers, and the GraphiQL playground works under its CSP (audit LOW: framing)', async () => {
    const root = await fetch(`${server.url}/`);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await root.text())?.[1];
    expect(asset).toBeDefined();
    for (const res of [root, await fetch(`${server.url}${asset}`)]) {
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      // PUBLIC_URL is not https here: no HSTS.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }

    const { page, pageErrors } = session;
    const po = pageObjects(page);
    await po.auth.signUp({ email: `csp-${Date.now()}@example.com`, password: 'password-123' });
    await po.shell.heading('Quickstart').waitFor();
    await page.goto('/playground');
    // The standard introspection query loads the schema (Docs), and running the default operation reaches /graphql.
    // The editor loads lazily (Monaco): wait until it shows the default operation, and click again
    // if a click landed before GraphiQL was ready to run it.
    await page.getByText('creditBalanceUsd').first().waitFor();
    await expect
      .poll(
        async () => {
          const text = (await page.locator('.graphiql-response').textContent()) ?? '';
          if (!text.includes('creditBalanceUsd')) await page.getByRole('button', { name: /execute/i }).first().click();
          return text;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain('creditBalanceUsd');
    await page.getByRole('button', { name: /documentation explorer/i }).first().click();
    await page.getByText('Root Types').first().waitFor();
    expect(pageErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
