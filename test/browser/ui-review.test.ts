import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { useBrowser } from './support/browser.js';
import { ensureWebBuild } from './support/web-build.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SESSION_KEY = 'ai-gateway.session-token';

/** The ids of the axe rules the page violates, at any impact. */
async function axeRules(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(`(async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => v.id))()`);
}

/**
 * Findings of the outside admin-UI review (/work/scratch/review-admin.md), each pinned through the built SPA
 * against the real server: row selects that saved on an arrow key, the organization shown as the signed-in
 * person, expired keys that looked active, a stale server error, an API key's overstated role, never-expiring
 * playground keys, landmarks, and credits granted without saying that nothing was paid.
 */
describe('admin UI review fixes', () => {
  let server: TestServer;
  let owner: { token: string; email: string };
  const members: Record<'viewer' | 'developer' | 'admin', { id: string; email: string; token: string }> = {} as never;

  const join = async (key: keyof typeof members, role: string, name: string) => {
    const email = `${key}-${Date.now()}@example.com`;
    const invited = await gqlOk<{ inviteMember: { token: string } }>(
      server.url,
      'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }',
      { input: { email, role } },
      owner.token,
    );
    const accepted = await gqlOk<{ acceptInvitation: { token: string } }>(
      server.url,
      'mutation($token: String!, $input: AcceptInvitationInput!) { acceptInvitation(token: $token, input: $input) { token } }',
      { token: invited.inviteMember.token, input: { name, password: `${key} password 123` } },
    );
    const { viewer } = await gqlOk<{ viewer: { id: string } }>(server.url, '{ viewer { id } }', {}, accepted.acceptInvitation.token);
    members[key] = { id: viewer.id, email, token: accepted.acceptInvitation.token };
  };

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    const dist = await ensureWebBuild();
    server = await startTestServer({ SERVE_WEB: 'true', WEB_DIST_DIR: dist, AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    owner = await signUpAccount(server.url, 'Olive Operator');
    await join('viewer', 'VIEWER', 'Vera Viewer');
    await join('developer', 'DEVELOPER', 'Dev Eloper');
    await join('admin', 'ADMIN', 'Adam Admin');
  }, 120_000);
  afterAll(async () => server?.stop());

  const session = useBrowser({ baseURL: () => server.url });

  /** Signs the page in with `token` before any script of the SPA runs, then opens `path`. */
  const open = async (path: string, heading: string, token = owner.token, page = session.page) => {
    await page.context().addInitScript(`window.localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(token)})`);
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
    return page;
  };
  const roleOf = async (id: string) =>
    (await gqlOk<{ members: { nodes: { id: string; role: string }[] } }>(server.url, '{ members(first: 100) { nodes { id role } } }', {}, owner.token)).members.nodes.find(
      (m) => m.id === id,
    )?.role;

  it('regression (#1): an arrow key on a member role select changes nothing until Save', async () => {
    const page = await open('/members', 'Members');
    const select = page.getByLabel(`Role of ${members.developer.email}`, { exact: true });
    await select.focus();
    await page.keyboard.press('ArrowDown'); // DEVELOPER → VIEWER in Chromium, without opening the list
    expect(await select.inputValue()).toBe('VIEWER');
    await page.getByRole('status').filter({ hasText: 'Not saved yet' }).waitFor();
    // Give a save-on-change a moment to reach the server: there must be none.
    await page.waitForTimeout(500);
    expect(await roleOf(members.developer.id)).toBe('DEVELOPER');

    await page.keyboard.press('Escape');
    expect(await select.inputValue()).toBe('DEVELOPER');
    expect(await page.getByRole('button', { name: `Save role of ${members.developer.email}` }).count()).toBe(0);

    await select.selectOption('ADMIN');
    await page.getByRole('button', { name: `Cancel change to role of ${members.developer.email}` }).click();
    expect(await select.inputValue()).toBe('DEVELOPER');
    expect(await roleOf(members.developer.id)).toBe('DEVELOPER');

    await select.selectOption('ADMIN');
    await page.getByRole('button', { name: `Save role of ${members.developer.email}` }).click();
    await expect.poll(() => roleOf(members.developer.id)).toBe('ADMIN');
    await page.getByRole('button', { name: `Save role of ${members.developer.email}` }).waitFor({ state: 'detached' });
    await gqlOk(server.url, 'mutation($id: ID!) { updateMemberRole(id: $id, role: DEVELOPER) { id } }', { id: members.developer.id }, owner.token);
    expect(session.pageErrors).toEqual([]);
  });

  it('regression (#1): an arrow key on an access key configuration select neither attaches nor detaches until Save', async () => {
    const { createAccessKeyConfiguration: config } = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
      server.url,
      'mutation { createAccessKeyConfiguration(input: { name: "strict-config" }) { id } }',
      {},
      owner.token,
    );
    const { createAccessKey } = await gqlOk<{ createAccessKey: { accessKey: { id: string } } }>(
      server.url,
      'mutation { createAccessKey(input: { name: "row-key" }) { accessKey { id } } }',
      {},
      owner.token,
    );
    const configurationOf = async () =>
      (await gqlOk<{ accessKeys: { nodes: { id: string; configuration: { id: string } | null }[] } }>(server.url, '{ accessKeys(first: 100) { nodes { id configuration { id } } } }', {}, owner.token))
        .accessKeys.nodes.find((k) => k.id === createAccessKey.accessKey.id)?.configuration?.id ?? null;

    const page = await open('/access-keys', 'Access keys');
    const select = page.getByLabel('Configuration for row-key', { exact: true });
    await select.focus();
    await page.keyboard.press('ArrowDown');
    expect(await select.inputValue()).toBe(config.id);
    await page.getByText('Requests with row-key will follow “strict-config” instead of no restrictions.').waitFor();
    await page.waitForTimeout(500);
    expect(await configurationOf()).toBeNull();

    await page.getByRole('button', { name: 'Save configuration for row-key' }).click();
    await expect.poll(configurationOf).toBe(config.id);
    // The page shows the saved configuration once its list is fetched again.
    await page.getByRole('button', { name: 'Save configuration for row-key' }).waitFor({ state: 'detached' });
    await expect.poll(() => select.inputValue()).toBe(config.id);
    await expect.poll(() => select.isEnabled()).toBe(true);

    // Detaching is staged the same way, and says what the key loses.
    await select.focus();
    await page.keyboard.press('ArrowUp');
    await page.getByText('row-key loses the restrictions, routing and firewall policies of “strict-config”.').waitFor();
    await page.waitForTimeout(500);
    expect(await configurationOf()).toBe(config.id);
    await page.getByRole('button', { name: 'Save configuration for row-key' }).click();
    await expect.poll(configurationOf).toBeNull();
    expect(session.pageErrors).toEqual([]);
  });

  it('regression (#2): the sidebar and Settings show the signed-in member, not the organization', async () => {
    const page = await open('/access-keys', 'Access keys', members.viewer.token);
    const sidebar = page.getByTestId('signed-in-as');
    await expect.poll(() => sidebar.textContent()).toContain(members.viewer.email);
    // The organization comes from its own query, which may answer after the member's.
    await expect.poll(() => sidebar.textContent()).toContain('Organization: Olive Operator');
    const text = (await sidebar.textContent()) ?? '';
    expect(text).toContain('Signed in as Vera Viewer');
    expect(text).toContain('VIEWER');
    expect(text).toContain('Organization: Olive Operator');
    expect(text).not.toContain(owner.email);

    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const card = page.getByRole('region', { name: 'Signed in as' });
    expect(await page.getByTestId('viewer-email').textContent()).toBe(members.viewer.email);
    expect(await card.textContent()).toContain('Vera Viewer');
    expect(await card.textContent()).not.toContain(owner.email);
  });

  it('regression (#3): an expired key says "Expired"; expiry (UTC) and rate limits show in the row; a past expiry is flagged in the form', async () => {
    // Expires two seconds from now (the server refuses a past expiresAt), then has expired by the time the page loads.
    await gqlOk(
      server.url,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }',
      { input: { name: 'soon-expired', limits: { expiresAt: new Date(Date.now() + 2000).toISOString() } } },
      owner.token,
    );
    await gqlOk(
      server.url,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }',
      { input: { name: 'rate-limited', limits: { requestsPerMinute: 60, tokensPerMinute: 50000, expiresAt: '2030-01-15T00:00:00Z' } } },
      owner.token,
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));

    // A browser far from UTC: the page's dates and the expiry field must still be UTC.
    const context = await session.browser.newContext({ baseURL: server.url, timezoneId: 'Asia/Kolkata' });
    try {
      const page = await open('/access-keys', 'Access keys', owner.token, await context.newPage());
      const row = (name: string) => page.getByRole('table', { name: 'Access keys' }).getByRole('row').filter({ hasText: name });
      await row('soon-expired').getByText('Expired', { exact: true }).waitFor();
      expect(await row('rate-limited').getByText('Expired', { exact: true }).count()).toBe(0);
      expect(await row('rate-limited').textContent()).toContain('Expires Jan 15, 2030, 00:00 UTC');
      expect(await row('rate-limited').textContent()).toContain('60 RPM · 50,000 TPM');

      await page.getByRole('button', { name: 'Create access key' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Create access key' });
      await dialog.getByLabel('Name').fill('utc-expiry');
      const expiry = dialog.getByLabel('Expires at (UTC)');
      await expiry.fill('2020-01-01T00:00');
      await dialog.getByText('Jan 1, 2020, 00:00 UTC is in the past').waitFor();
      await expiry.fill('2030-06-01T12:30');
      await dialog.getByText('Read as UTC').waitFor();
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      const keys = await gqlOk<{ accessKeys: { nodes: { name: string; limits: { expiresAt: string | null } }[] } }>(
        server.url,
        '{ accessKeys(first: 100) { nodes { name limits { expiresAt } } } }',
        {},
        owner.token,
      );
      expect(keys.accessKeys.nodes.find((k) => k.name === 'utc-expiry')?.limits.expiresAt).toBe('2030-06-01T12:30:00.000Z');
      await row('utc-expiry').getByText('Expires Jun 1, 2030, 12:30 UTC').waitFor();
    } finally {
      await context.close();
    }
  });

  it('regression (#11): a server error goes away once the input changes, even when the browser blocks the next submit', async () => {
    await gqlOk(server.url, 'mutation { createVirtualModel(input: { name: "smart", targets: [{ model: "gpt-4o-mini" }] }) { id } }', {}, owner.token);
    const page = await open('/virtual-models', 'Virtual models');
    await page.getByRole('button', { name: 'New virtual model' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New virtual model' });
    await dialog.getByLabel('Name').fill('smart');
    await dialog.getByLabel('Target 1 model').fill('gpt-4o-mini');
    await dialog.getByRole('button', { name: 'Create virtual model' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('already exists');

    // Not a valid name: the browser refuses to submit, so only the edit can clear the old message.
    await dialog.getByLabel('Name').fill('My Model');
    await dialog.getByRole('button', { name: 'Create virtual model' }).click();
    expect(await dialog.getByRole('alert').count()).toBe(0);

    await dialog.getByLabel('Name').fill('smart');
    await dialog.getByRole('button', { name: 'Create virtual model' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('already exists');
    await dialog.getByLabel('Name').fill('smart-two');
    await dialog.getByRole('button', { name: 'Create virtual model' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('regression (#14): an API key whose creator was demoted lists the role it acts with', async () => {
    await gqlOk(server.url, 'mutation { createApiKey(input: { name: "admin-ci", role: ADMIN }) { token } }', {}, members.admin.token);
    await gqlOk(server.url, 'mutation($id: ID!) { updateMemberRole(id: $id, role: VIEWER) { id } }', { id: members.admin.id }, owner.token);
    const page = await open('/settings', 'Settings');
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: 'admin-ci' });
    await row.waitFor();
    const cell = row.getByRole('cell').nth(2);
    expect(await cell.textContent()).toMatch(/^VIEWER \(created as ADMIN, limited by its creator's role\)$/);
  });

  it('regression (#16): the chat playground creates a key that expires after 24 hours, and says so', async () => {
    const page = await open('/chat', 'Chat playground');
    expect(await page.getByText('A playground key expires 24 hours after it is created').count()).toBe(1);
    const before = Date.now();
    await page.getByRole('button', { name: 'Create a playground key' }).click();
    await page.getByLabel('Use key').locator('option', { hasText: /expires .* UTC/ }).waitFor({ state: 'attached' });
    const keys = await gqlOk<{ accessKeys: { nodes: { name: string; limits: { expiresAt: string | null } }[] } }>(
      server.url,
      '{ accessKeys(first: 100) { nodes { name limits { expiresAt } } } }',
      {},
      owner.token,
    );
    const key = keys.accessKeys.nodes.find((k) => k.name.startsWith('playground '));
    const expiresAt = new Date(key?.limits.expiresAt ?? 0).getTime();
    expect(expiresAt - before).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(expiresAt - before).toBeLessThan(24 * 3600_000 + 60_000);
  });

  it('regression (#17): /accept-invitation has a main landmark; /members and /settings have no two landmarks of one name', async () => {
    const { page } = session;
    await page.goto('/accept-invitation?token=nginv-not-a-real-one');
    await page.getByRole('heading', { name: 'Join your team' }).waitFor();
    const invitation = await axeRules(page);
    expect(invitation).not.toContain('landmark-one-main');
    expect(invitation).not.toContain('region');

    for (const [path, heading] of [
      ['/members', 'Members'],
      ['/settings', 'Settings'],
    ]) {
      await open(path, heading);
      await page.getByRole('table').first().waitFor();
      expect(await axeRules(page), path).not.toContain('landmark-unique');
    }
  });

  it('regression (#18): the Credits page says that manual payments take no money', async () => {
    const page = await open('/credits', 'Credits');
    expect(await page.getByTestId('payment-mode-note').textContent()).toContain('no payment is taken');
    await page.getByLabel('Amount (USD)').fill('10');
    await page.getByRole('button', { name: 'Buy credits' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Added' }).textContent()).toMatch(/^Added \$10\.00 without any payment \(manual payments: nothing was charged\)/);
  });
});
