import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAccount } from '../support/graphql.js';
import { invite } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser, VIEWPORTS } from './support/browser.js';
import { pageObjects } from './support/pages.js';
import { ensureWebBuild } from './support/web-build.js';

/** The accept-invitation page reads the invitation (invitationPreview) before the invitee sets a password. */
describe('accept-invitation page in the browser', () => {
  let server: TestServer;
  let owner: { token: string; accountId: string };
  const sql = (query: string, params: unknown[] = []) => server.services.orm.em.fork().execute(query, params);
  const acceptPath = (token: string) => `/accept-invitation?token=${encodeURIComponent(token)}`;

  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: dist, AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    owner = await signUpAccount(server.url, 'Olive Owner');
    // The organization's own name, so the page cannot pass off the inviter's as the organization's.
    await sql('update account set name = ? where id = ?', ['Acme Robotics', owner.accountId]);
  }, 120_000);
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  it('shows the organization, role, inviter, email and expiry before the form, then accepts', async () => {
    const { page } = session;
    const inv = await invite(server.url, owner.token, 'DEVELOPER');
    await page.goto(acceptPath(inv.token));
    const summary = page.getByTestId('invitation-summary');
    await summary.waitFor();
    const text = (await summary.textContent()) ?? '';
    expect(text).toMatch(/^You.re invited to Acme Robotics as DEVELOPER by Olive Owner; expires .+\./);
    expect(text).toContain(`You will sign in as ${inv.email}.`);
    // Password managers save the new password under the login it belongs to.
    expect(await page.locator('form[aria-label="Accept invitation"] input[autocomplete="username"]').inputValue()).toBe(inv.email);

    await page.getByLabel('Name').fill('Dana Developer');
    await page.getByLabel('Password').fill('developer password 1');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await pageObjects(page).shell.heading('Access keys').waitFor();
  });

  it('keeps a long organization name and email inside the card at laptop and phone widths', async () => {
    const { page } = session;
    const long = await signUpAccount(server.url, 'Long');
    await sql('update account set name = ? where id = ?', ['Extraordinarily Long Organization Name '.repeat(6).slice(0, 200), long.accountId]);
    const email = `someone.with.a.really.long.address.${Date.now()}@subdomain.example-company-with-a-long-domain.test`;
    const inv = await invite(server.url, long.token, 'DEVELOPER', email);
    for (const viewport of [VIEWPORTS.laptop, VIEWPORTS.phone]) {
      await page.setViewportSize(viewport);
      await page.goto(acceptPath(inv.token));
      const summary = page.getByTestId('invitation-summary');
      await summary.waitFor();
      const card = await page.locator('.auth-card').boundingBox();
      const boxes = await page.locator('.auth-card :is(p, input, button)').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
      // Nothing sticks out of the card (the email has no space to break at), and the page does not scroll sideways.
      expect(Math.max(...boxes), `${viewport.width}px`).toBeLessThanOrEqual(card!.x + card!.width);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${viewport.width}px`).toBeLessThanOrEqual(viewport.width);
    }
  });

  it('says an expired or unknown link cannot be used, and shows no form to fill in', async () => {
    const { page } = session;
    const expired = await invite(server.url, owner.token, 'VIEWER');
    await sql(`update invitation set expires_at = now() - interval '1 second' where id = ?`, [expired.id]);
    await page.goto(acceptPath(expired.token));
    const unusable = page.getByTestId('invitation-unusable');
    // An unusable invitation names nothing (it may have gone to the wrong address): no organization, no inviter.
    expect(await unusable.textContent()).toBe('This invitation has expired; ask whoever invited you, or another admin of the organization, for a new one.');
    expect(await page.getByRole('form', { name: 'Accept invitation' }).count()).toBe(0);

    await page.goto(acceptPath(`nginv-${randomBytes(32).toString('base64url')}`));
    await page.getByRole('heading', { name: 'Join your team' }).waitFor();
    expect(await unusable.textContent()).toMatch(/^This invitation link is not valid\./);
    expect(await page.getByRole('form', { name: 'Accept invitation' }).count()).toBe(0);
  });
});
