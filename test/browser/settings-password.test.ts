import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { screenshot, useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

/** Settings against the real server: a member changes their own password (security review finding 10). */
describe('Settings: change password', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: await ensureWebBuild() });
  });
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  it('shows a wrong current password or a mismatch, then changes it and ends the other sessions only', async () => {
    const { page } = session;
    const { token, email } = await signUpAccount(server.url, 'Passwords');
    const other = (await gqlOk<{ logIn: { token: string } }>(server.url, 'mutation($e: String!) { logIn(input: { email: $e, password: "correct horse battery" }) { token } }', { e: email })).logIn.token;
    await page.goto('/');
    await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('ai-gateway.session-token', t), token);
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    const fill = async (current: string, next: string, repeat: string) => {
      await page.getByLabel('Current password').fill(current);
      await page.getByLabel(/^New password/).fill(next);
      await page.getByLabel('Repeat new password').fill(repeat);
      await page.getByRole('button', { name: 'Change password' }).click();
    };
    await fill('correct horse battery', 'lantern orbit pebble meadow', 'lantern orbit pebble');
    await page.getByText('The new password and its repetition differ.').waitFor();
    await fill('not my password', 'lantern orbit pebble meadow', 'lantern orbit pebble meadow');
    await page.getByText(/current password: is incorrect/i).waitFor();
    await fill('correct horse battery', 'lantern orbit pebble meadow', 'lantern orbit pebble meadow');
    await page.getByText('Password changed. Your other sessions have ended.').waitFor();
    await screenshot(page, 'settings-change-password');

    expect(await page.getByLabel('Current password').inputValue()).toBe('');
    expect((await gql(server.url, '{ me { id } }', {}, token)).errors).toBeUndefined();
    expect((await gql(server.url, '{ me { id } }', {}, other)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await gqlOk(server.url, 'mutation($e: String!) { logIn(input: { email: $e, password: "lantern orbit pebble meadow" }) { token } }', { e: email });
  });
});
