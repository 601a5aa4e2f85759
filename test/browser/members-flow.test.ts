import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { pageObjects } from './support/pages.js';
import { ensureWebBuild } from './support/web-build.js';

/** Members in the real SPA and server: an owner invites, the invitee accepts, a VIEWER sees a read-only UI. */
describe('members and roles in the browser', () => {
  let server: TestServer;
  let owner: { token: string; email: string };

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: dist, AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    owner = await signUpAccount(server.url, 'Owner');
    // Something to look at (and not be allowed to change).
    await gqlOk(server.url, 'mutation { createAccessKey(input: { name: "shared-key" }) { token } }', {}, owner.token);
    await gqlOk(server.url, 'mutation { createProviderKey(input: { provider: "openai", name: "team-openai", key: "sk-browser-team-1" }) { id } }', {}, owner.token);
  }, 120_000);
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  it('invites a VIEWER with a copy-once link; the invitee accepts it and gets a read-only UI', async () => {
    const { page, browser } = session;
    const po = pageObjects(page);
    await po.auth.logIn(owner.email, 'correct horse battery');
    await po.shell.heading('Access keys').waitFor();

    await po.shell.navigateTo('Members');
    await page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite member' });
    const email = `viewer-${Date.now()}@example.com`;
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByLabel('Role').selectOption('VIEWER');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const link = (await page.getByTestId('secret-value').textContent()) ?? '';
    expect(link).toMatch(new RegExp(`^${server.url}/accept-invitation\\?token=nginv-`));
    await page.getByRole('table', { name: 'Pending invitations' }).getByText(email).waitFor();
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await expect.poll(() => page.getByTestId('secret-value').count()).toBe(0);

    // The invitee, in another browser profile.
    const context = await browser.newContext({ baseURL: server.url });
    try {
      const invitee = await context.newPage();
      await invitee.goto(link);
      await invitee.getByRole('heading', { name: 'Join your team' }).waitFor();
      // What the invitation offers shows before the form is filled in.
      await invitee.getByTestId('invitation-summary').getByText('VIEWER', { exact: true }).waitFor();
      await invitee.getByLabel('Name').fill('Vera Viewer');
      await invitee.getByLabel('Password').fill('viewer password 1');
      await invitee.getByRole('button', { name: 'Accept invitation' }).click();
      const ipo = pageObjects(invitee);
      await ipo.shell.heading('Access keys').waitFor();
      await ipo.accessKeys.row('shared-key').waitFor();

      // Read-only: no button to create, rename or revoke; no Members or Audit pages.
      expect(await invitee.getByRole('button', { name: /Create|Rename|Revoke/ }).count()).toBe(0);
      const nav = invitee.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
      await ipo.shell.navigateTo('Provider keys');
      await invitee.getByText('team-openai').waitFor();
      expect(await invitee.getByRole('button', { name: /Add|Edit|Rotate|Delete/ }).count()).toBe(0);
      await ipo.shell.navigateTo('Credits');
      expect(await invitee.getByRole('button', { name: /Buy|Purchase/ }).count()).toBe(0);
      await ipo.shell.navigateTo('Settings');
      await invitee.getByRole('table', { name: 'Your sessions' }).waitFor();
      expect(await invitee.getByRole('button', { name: /Save timeouts|Create API key/ }).count()).toBe(0);
    } finally {
      await context.close();
    }

    // The owner sees the new member, and the invitation is no longer pending.
    await page.reload();
    await page.getByRole('table', { name: 'Members' }).getByText('Vera Viewer').waitFor();
    await page.getByRole('table', { name: 'Pending invitations' }).waitFor({ state: 'detached' });

    // The audit log shows what happened, filterable by action.
    await po.shell.navigateTo('Audit log');
    await page.getByLabel('Action').fill('invitation.accept');
    await page.getByRole('table', { name: 'Audit events' }).getByText('invitation.accept').waitFor();
    expect(await page.getByRole('table', { name: 'Audit events' }).getByText('member.invite').count()).toBe(0);

    // An event says what changed: the role, from → to (the arrow read out as "changed to").
    const members = await gqlOk<{ members: { nodes: { id: string; email: string }[] } }>(server.url, '{ members(first: 100) { nodes { id email } } }', {}, owner.token);
    const vera = members.members.nodes.find((m) => m.email === email)!;
    await gqlOk(server.url, 'mutation($id: ID!) { updateMemberRole(id: $id, role: DEVELOPER) { id } }', { id: vera.id }, owner.token);
    await page.getByLabel('Action').fill('member.updateRole');
    const change = page.getByRole('table', { name: 'Audit events' }).getByRole('listitem').filter({ hasText: 'role:' });
    await change.waitFor();
    expect(await change.textContent()).toBe('role: VIEWER → changed to DEVELOPER');
    expect(await page.getByRole('table', { name: 'Audit events' }).getByRole('listitem').filter({ hasText: 'email:' }).textContent()).toBe(`email: ${email}`);

    // The target is a short chip that filters the log by it; the table fits a laptop screen.
    await page.getByLabel('Action').fill('');
    await page.getByRole('button', { name: `Show the events of member ${vera.id}` }).first().click();
    await expect.poll(() => page.getByLabel('Target id').inputValue()).toBe(vera.id);
    const targets = page.getByRole('table', { name: 'Audit events' }).getByRole('button', { name: /^Show the events of / });
    await expect.poll(async () => (await targets.allTextContents()).length).toBeGreaterThan(1);
    expect(new Set(await targets.allTextContents())).toEqual(new Set([`${vera.id.slice(0, 8)}…`]));
    await page.setViewportSize({ width: 1280, height: 800 });
    const table = page.getByRole('table', { name: 'Audit events' });
    const fits = await table.evaluate((el) => el.scrollWidth <= (el.parentElement?.clientWidth ?? 0) + 1);
    expect(fits).toBe(true);
  });
});
