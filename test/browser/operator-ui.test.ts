import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, flushUsage, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { fundAccount } from '../support/v1-client.js';
import { screenshot, useBrowser, VIEWPORTS } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SESSION_KEY = 'ai-gateway.session-token';
const PAGES: [string, string][] = [
  ['/access-keys', 'Access keys'],
  ['/configurations', 'Configurations'],
  ['/provider-keys', 'Provider keys'],
  ['/providers', 'Providers & models'],
  ['/usage', 'Usage'],
  ['/credits', 'Credits'],
  ['/quickstart', 'Quickstart'],
  ['/chat', 'Chat playground'],
  ['/settings', 'Settings'],
];

/** Critical and serious axe-core violations on the page as it stands, as "rule: selector" lines. */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so a Content-Security-Policy cannot block it.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(`(async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .flatMap((v) => v.nodes.slice(0, 3).map((n) => v.id + ': ' + n.target.join(' ')));
  })()`);
}

/**
 * The operator's walk-through from the UI review, against the real server (built SPA, own database) and the
 * simulated upstream: one server for the whole file, a fresh browser context per test.
 */
describe('operator UI against the real server', () => {
  let f: GatewayFixture;
  let session: string;
  let accessKey: { id: string; token: string };
  let failedOverRequestId: string;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    f = await startGatewayFixture({ SERVE_WEB: 'true', WEB_DIST_DIR: dist, CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32' });
    session = f.account.token;
    // Data every page shows: credits, two OpenAI keys and an Anthropic key, an access key, a failed-over request.
    await fundAccount(f.baseUrl, session, '20.00');
    await createProviderKey(f, 'openai', 'sk-ui-primary', 0, 'openai-primary');
    await createProviderKey(f, 'openai', 'sk-ui-backup', 5, 'openai-backup');
    await createProviderKey(f, 'anthropic', 'sk-ui-anthropic', 0, 'anthropic-team');
    accessKey = await createAccessKey(f, null, 'ui-app');
    f.upstream.scriptFor((req) => req.credential === 'sk-ui-primary', { kind: 'status', status: 429 });
    const res = await fetch(`${f.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessKey.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    failedOverRequestId = res.headers.get('x-request-id')!;
    await flushUsage(f);
  });
  afterAll(async () => {
    await f?.stop();
  });

  const browser = useBrowser({ baseURL: () => f.baseUrl });

  /** Signs the page in with `token` before any script of the SPA runs. */
  const signedIn = async (token = session, options: { dark?: boolean } = {}) => {
    const { page, context } = browser;
    await context.addInitScript(`window.localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(token)})`);
    if (options.dark) await page.emulateMedia({ colorScheme: 'dark' });
    return page;
  };
  const open = async (page: Page, path: string, heading: string) => {
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByRole('status').filter({ hasText: /^Loading/ }).first().waitFor({ state: 'detached' }).catch(() => undefined);
  };

  it('serves the login page precompressed and under 150 KB, with immutable hashed assets and no editor', async () => {
    const page = browser.page;
    const responses: { url: string; encoding: string | undefined; cache: string | undefined; vary: string | undefined; bytes: number }[] = [];
    page.on('requestfinished', (request) => {
      void (async () => {
        const response = await request.response();
        const sizes = await request.sizes();
        if (!response) return;
        const headers = await response.allHeaders();
        responses.push({ url: request.url(), encoding: headers['content-encoding'], cache: headers['cache-control'], vary: headers.vary, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
      })();
    });
    await page.goto('/login', { waitUntil: 'networkidle' });
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await expect.poll(() => responses.some((r) => r.url.endsWith('.js'))).toBe(true);
    const total = responses.reduce((sum, r) => sum + r.bytes, 0);
    expect(total, JSON.stringify(responses, null, 1)).toBeLessThan(150 * 1024);
    const assets = responses.filter((r) => /\/assets\/.+\.(js|css)$/.test(r.url));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    // Chromium accepts brotli on loopback (a secure context); files under 1 KB are sent as they are.
    for (const asset of assets) {
      if (asset.bytes > 1500) expect(asset.encoding, asset.url).toBe('br');
      expect(asset.cache, asset.url).toContain('immutable');
      expect(asset.vary?.toLowerCase(), asset.url).toContain('accept-encoding');
    }
    expect(responses.find((r) => r.url.endsWith('/login'))?.cache).toBe('no-cache');
    expect(responses.some((r) => /monaco|graphiql|playground-page/i.test(r.url))).toBe(false);

    // Brotli preferred whatever order the client lists, gzip without it, identity for clients that accept neither.
    const index = assets.filter((r) => r.url.endsWith('.js')).sort((a, b) => b.bytes - a.bytes)[0].url;
    const br = await fetch(index, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const size = (await br.arrayBuffer()).byteLength; // fetch decodes; content-length is the wire size
    expect(Number(br.headers.get('content-length'))).toBeLessThan(size / 3);
    const gzip = await fetch(index, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect((await gzip.arrayBuffer()).byteLength).toBe(size);
    const plain = await fetch(index, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.headers.get('content-length'))).toBe(size);
  });

  it('streams two models side by side in the chat playground through /v1, with latency, tokens and cost', async () => {
    const page = await signedIn();
    f.upstream.scriptFor((req) => req.format === 'chat', { kind: 'ok', chunks: 6, chunkDelayMs: 120 }, { kind: 'ok', chunks: 6, chunkDelayMs: 120 });
    await open(page, '/chat', 'Chat playground');
    await page.getByLabel('Or paste an access key token').fill(accessKey.token);
    await page.getByRole('button', { name: 'Use token' }).click();
    // The token stays in this tab only and is never shown.
    expect(await page.evaluate('Object.keys(sessionStorage).length')).toBe(1);
    expect(await page.content()).not.toContain(accessKey.token);
    await page.getByRole('combobox', { name: /^Model/ }).selectOption('openai:gpt-4o-mini');
    await page.getByRole('combobox', { name: /^Compare with/ }).selectOption('anthropic:claude-haiku-4-5');
    await page.getByLabel('Message').fill('Say hello');
    await page.getByRole('button', { name: 'Send' }).click();

    const panes = page.getByTestId('chat-pane');
    await expect.poll(() => panes.count()).toBe(2);
    // Streaming: part of an answer is on screen while its request is still running.
    await expect
      .poll(async () => {
        const busy = await panes.first().getAttribute('aria-busy');
        const text = (await panes.first().getByTestId('chat-answer').textContent()) ?? '';
        return busy === 'true' && text.length > 0 && !text.endsWith('gpt-4o-mini') ? 'partial' : text;
      }, { interval: 30 })
      .toBe('partial');
    await expect.poll(() => panes.nth(0).getByTestId('chat-answer').textContent()).toBe('Hello from fake gpt-4o-mini');
    await expect.poll(() => panes.nth(1).getByTestId('chat-answer').textContent()).toBe('Hello from fake claude-haiku-4-5');
    for (const pane of [panes.nth(0), panes.nth(1)]) {
      const metrics = pane.getByLabel('Request metrics');
      await expect.poll(() => metrics.textContent()).toMatch(/Tokens in \/ out\d+ \/ \d+/);
      expect(await metrics.textContent()).toMatch(/First token\d[\d,]* msTotal\d[\d,]* ms/);
      await expect.poll(() => pane.getByTestId('chat-cost').textContent(), { timeout: 15_000 }).toMatch(/^\$0\.\d+$/);
    }
    // Through the real /v1: the upstream saw the access key's routing (the Anthropic key), and both are usage events.
    expect(f.upstream.requests.some((r) => r.credential === 'sk-ui-anthropic')).toBe(true);
    await screenshot(page, 'chat-playground-laptop');
  });

  it('tests provider keys and warns about a loopback custom provider before saving', async () => {
    const page = await signedIn();
    await open(page, '/provider-keys', 'Provider keys');
    await page.getByRole('button', { name: 'Test anthropic-team' }).click();
    await expect.poll(() => page.getByRole('row', { name: /anthropic-team/ }).getByRole('status').textContent()).toMatch(/^Connected: the provider accepted the key/);

    await open(page, '/providers', 'Providers & models');
    // Embedding models are marked, with no output limit.
    const embeddingRow = page.getByRole('row', { name: /openai:text-embedding-3-small/ });
    expect(await embeddingRow.getByText('Embedding', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /openai:gpt-4o-mini/ }).getByText('Embedding', { exact: true }).count()).toBe(0);
    // The price of input read from the prompt cache, under the input price, where the catalog has one.
    expect(await page.getByRole('row', { name: /anthropic:claude-haiku-4-5/ }).textContent()).toContain('$1.00cached $0.10');
    await page.getByRole('button', { name: 'Add custom provider' }).click();
    const dialog = page.getByRole('dialog');
    // Dialogs focus their first field, not the close button.
    expect(await page.evaluate('document.activeElement?.getAttribute("placeholder")')).toBe('my-vllm');
    await dialog.getByLabel('Base URL').fill('http://127.0.0.1:11434/v1');
    expect(await dialog.getByRole('status').textContent()).toContain('CUSTOM_PROVIDER_ALLOW_PRIVATE');
    await dialog.getByLabel('Base URL').fill('https://llm.example.com/v1');
    expect(await dialog.getByText('CUSTOM_PROVIDER_ALLOW_PRIVATE').count()).toBe(0);
  });

  it('keeps usage filters in the URL and names the provider key of each attempt', async () => {
    const page = await signedIn();
    await open(page, '/usage?status=200&provider=openai', 'Usage');
    expect(await page.getByLabel('Status').inputValue()).toBe('200');
    await page.getByLabel('Status').selectOption('502');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=502/);
    expect(new URL(page.url()).searchParams.get('provider')).toBe('openai');
    await page.goBack();
    await page.waitForURL(/status=200/);
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('200');

    // Filters reach the summary too, not only the table: no 502 among these requests.
    const requestsStat = page.getByTestId('usage-charts').locator('.stat', { hasText: 'Requests' }).locator('.stat-value');
    expect(Number(await requestsStat.textContent())).toBeGreaterThan(0);
    await page.getByLabel('Status').selectOption('502');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => requestsStat.textContent()).toBe('0');
    await page.goBack();

    // Search by request id: one request in the summary and in the table.
    await open(page, `/usage?request=${failedOverRequestId}`, 'Usage');
    await expect.poll(() => requestsStat.textContent()).toBe('1');
    await expect.poll(() => page.getByRole('table', { name: 'Usage events' }).getByRole('button', { name: /^Show attempts/ }).count()).toBe(1);
    const row = page.getByRole('button', { name: `Show attempts for request ${failedOverRequestId}` });
    await row.click();
    const attempts = page.getByRole('list', { name: 'Attempts' });
    const text = (await attempts.textContent()) ?? '';
    expect(text).toContain('Your key “openai-primary”');
    expect(text).toContain('Your key “openai-backup”');
    // Timestamps state their zone; charts say they are UTC.
    expect(await page.getByRole('heading', { name: 'Requests per day (UTC)' }).count()).toBe(1);
  });

  it('makes an empty model allow-list an explicit choice, and states what gateway fallback costs', async () => {
    const page = await signedIn();
    await open(page, '/configurations', 'Configurations');
    await page.getByRole('button', { name: 'New configuration' }).click();
    const form = page.getByRole('form', { name: 'New configuration' });
    await form.getByLabel('Name', { exact: true }).fill('locked');
    await form.getByRole('radio', { name: /Only the models I pick/ }).check();
    await form.getByRole('button', { name: 'Create configuration' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('Pick at least one model, or choose “Block every model”');
    await form.getByRole('radio', { name: /Block every model/ }).check();
    expect(await form.getByRole('status').filter({ hasText: 'Every model is blocked' }).count()).toBe(1);

    await form.getByLabel('Add routing for provider').selectOption({ label: 'Anthropic' });
    await form.getByRole('button', { name: 'Add routing' }).click();
    const route = form.getByRole('region', { name: 'Routing for Anthropic' });
    const gateway = route.getByRole('switch', { name: /Gateway credentials/ });
    // Own keys exist, so the paid fallback starts off; when offered, its hint states the catalog prices.
    expect(await gateway.isChecked()).toBe(false);
    await form.getByRole('button', { name: 'Create configuration' }).click();
    await form.waitFor({ state: 'hidden' });
    const saved = await gqlOk<{ accessKeyConfigurations: { nodes: { name: string; allowedModels: string[] | null }[] } }>(
      f.baseUrl,
      '{ accessKeyConfigurations(first: 50) { nodes { name allowedModels } } }',
      {},
      session,
    );
    expect(saved.accessKeyConfigurations.nodes.find((c) => c.name === 'locked')?.allowedModels).toEqual([]);
  });

  it('asks before leaving a page with a one-time token that was not copied', async () => {
    const page = await signedIn();
    await open(page, '/access-keys', 'Access keys');
    await page.getByRole('button', { name: 'Create access key' }).click();
    expect(await page.evaluate('document.activeElement?.getAttribute("placeholder")')).toBe('e.g. production-backend');
    await page.keyboard.type('ui-app');
    expect(await page.getByRole('dialog').getByText('You already have an access key named “ui-app”').count()).toBe(1);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('secret-value').waitFor();
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Usage' }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('cannot be shown again');
    expect(new URL(page.url()).pathname).toBe('/access-keys');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL('**/usage');
  });

  it('follows prefers-color-scheme and the theme toggle', async () => {
    const page = await signedIn(session, { dark: true });
    await open(page, '/access-keys', 'Access keys');
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    const dark = await background();
    await page.getByLabel('Colour theme').selectOption('light');
    const light = await background();
    expect(light).not.toBe(dark);
    expect(light).toBe('rgb(246, 247, 251)');
    await page.reload();
    expect(await background()).toBe(light);
    await page.getByLabel('Colour theme').selectOption('system');
    expect(await background()).toBe(dark);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no critical or serious axe violations on any page (${scheme}), tables fit at 1280 px, charts hold no tab stops`, async () => {
      const page = await signedIn(session, { dark: scheme === 'dark' });
      const problems: string[] = [];
      for (const [path, heading] of PAGES) {
        await open(page, path, heading);
        if (path === '/usage') await page.locator('svg.recharts-surface').first().waitFor();
        for (const problem of await axeProblems(page)) problems.push(`${path}: ${problem}`);
        const clipped = await page.evaluate(`[...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.getAttribute('aria-label'))`);
        expect(clipped, `${path}: tables wider than their card at 1280 px`).toEqual([]);
        if (scheme === 'light') await screenshot(page, `operator-${path.slice(1)}-laptop`);
      }
      const focusableInCharts = await page.evaluate(`document.querySelectorAll('.chart [tabindex]:not([tabindex="-1"]), .chart a, .chart button').length`);
      expect(focusableInCharts).toBe(0);
      const login = await browser.context.browser()!.newContext({ baseURL: f.baseUrl, colorScheme: scheme });
      const loginPage = await login.newPage();
      await loginPage.goto('/login');
      await loginPage.getByRole('heading', { name: 'Log in' }).waitFor();
      for (const problem of await axeProblems(loginPage)) problems.push(`/login: ${problem}`);
      await login.close();
      expect(problems).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    });
  }

  it('turns lists into cards with labelled fields at phone width, without horizontal scrolling', async () => {
    const page = await signedIn();
    await page.setViewportSize(VIEWPORTS.phone);
    for (const [path, heading] of PAGES) {
      await open(page, path, heading);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, `${path} overflows horizontally`).toBe(0);
      await screenshot(page, `operator-${path.slice(1)}-phone`);
    }
    await open(page, '/usage', 'Usage');
    const cell = page.getByRole('table', { name: 'Usage events' }).locator('td[data-label="Cost"]').first();
    await cell.waitFor();
    expect(await page.evaluate(`getComputedStyle(document.querySelector('td[data-label="Cost"]'), '::before').content`)).toBe('"Cost"');
    expect(await cell.isVisible()).toBe(true);
  });

  it('walks a new account through the checklist: fee up front, $0 warning, ticks from real state', async () => {
    const fresh = await signUpAccount(f.baseUrl, 'Checklist');
    const page = await signedIn(fresh.token);
    await open(page, '/quickstart', 'Quickstart');
    const checklist = page.getByTestId('setup-checklist');
    await checklist.waitFor();
    expect(await checklist.textContent()).toContain('processing fee of $0.05 per million tokens');
    expect(await checklist.locator('[data-done="true"]').count()).toBe(0);
    expect(await page.getByTestId('zero-balance').textContent()).toContain('requests are refused (402)');

    await fundAccount(f.baseUrl, fresh.token, '5.00');
    const member = { ...f, account: fresh };
    await createProviderKey(member, 'openai', 'sk-checklist');
    const { token } = await createAccessKey(member);
    await open(page, '/quickstart', 'Quickstart');
    await expect.poll(() => checklist.locator('[data-done="true"]').count()).toBe(3);
    expect(await page.getByTestId('zero-balance').count()).toBe(0);

    const res = await fetch(`${f.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await flushUsage(f);
    await expect
      .poll(async () => {
        await page.reload();
        await checklist.waitFor();
        return checklist.locator('[data-done="true"]').count();
      })
      .toBe(4);
    expect(await page.getByRole('heading', { name: 'Set up: all done' }).count()).toBe(1);
  });
});
