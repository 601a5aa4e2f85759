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

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    f = await startGatewayFixture({ SERVE_WEB: 'true', WEB_DIST_DIR: dist, CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.1/32' });
    session = f.account.token;
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
    const index = assets.find((r) => r.url.endsWith('.js'))!.url;
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
