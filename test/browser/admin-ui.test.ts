import { describe, expect, it } from 'vitest';
import { screenshot, VIEWPORTS } from './support/browser.js';
import { NEW_ACCESS_KEY_TOKEN, SESSION_TOKEN } from './support/mock-fixtures.js';
import { useMockedSpa } from './support/mocked-spa.js';
import { pageObjects } from './support/pages.js';

/** The built SPA against a canned GraphQL endpoint: rendering and client-side behaviour only. */
describe('admin SPA (mocked GraphQL)', () => {
  const spa = useMockedSpa();
  const { session } = spa;

  const logIn = async () => {
    const { auth, shell } = pageObjects(session.page);
    await auth.logIn('ada@example.com', 'correct-horse');
    await shell.heading('Access keys').waitFor();
  };

  it('redirects to the login page and shows a failed login where it happened', async () => {
    const { page } = session;
    await page.goto('/usage');
    await page.waitForURL('**/login');
    const { auth } = pageObjects(page);
    await auth.logIn('ada@example.com', 'wrong');
    await expect.poll(() => auth.error().textContent()).toContain('Invalid email or password');
    expect(page.url()).toMatch(/\/login$/);
  });

  it('logs in, lists access keys and keeps the session across a reload', async () => {
    const { page } = session;
    await logIn();
    const { accessKeys } = pageObjects(page);
    await accessKeys.row('backend-prod').waitFor();
    expect(await accessKeys.row('backend-prod').textContent()).toContain('ng-…a41f');
    expect(spa.mock.requests.some((r) => r.operationName === 'AccessKeysPage' && r.authorization === `Bearer ${SESSION_TOKEN}`)).toBe(true);

    await page.reload();
    await pageObjects(page).shell.heading('Access keys').waitFor();
    await accessKeys.row('notebook').waitFor();
  });

  it('shows a new access key token once, with a warning and copy button', async () => {
    const { page } = session;
    await logIn();
    const { accessKeys } = pageObjects(page);
    const token = await accessKeys.createKey('ci-runner', { description: 'GitHub Actions' });
    expect(token).toBe(NEW_ACCESS_KEY_TOKEN);
    await expect.poll(() => page.getByTestId('secret-reveal').textContent()).toContain('only time it is shown');
    expect(await page.getByTestId('secret-reveal').getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    // The quickstart snippets use this origin and the new token.
    expect(await page.getByTestId('openai-base-url').textContent()).toBe(`${spa.server.url}/v1`);
    expect(await page.locator('pre code').first().textContent()).toContain(NEW_ACCESS_KEY_TOKEN);
    await accessKeys.row('ci-runner').waitFor();

    await accessKeys.dismissToken();
    expect(await page.getByText(NEW_ACCESS_KEY_TOKEN).count()).toBe(0);
    await page.reload();
    await accessKeys.row('ci-runner').waitFor();
    expect(await page.content()).not.toContain(NEW_ACCESS_KEY_TOKEN);
  });

  it('renders usage charts and the attempt trace of a request', async () => {
    const { page } = session;
    await logIn();
    const { shell, usage } = pageObjects(page);
    await shell.navigateTo('Usage');
    await usage.waitForChart();
    expect(await usage.charts().locator('svg.recharts-surface').count()).toBeGreaterThanOrEqual(3);
    const attempts = await usage.expandFirstEvent();
    expect(await attempts.getByRole('listitem').count()).toBe(2);
    expect(await attempts.textContent()).toContain('Rate limit reached');
    // The Claude request's input read from and written to the provider's prompt cache.
    expect(await usage.eventsTable().locator('.event-detail').first().textContent()).toContain('Prompt cache600 read · 1,200 writtenWeb searches3');

    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => usage.eventsTable().locator('tbody tr').count()).toBeGreaterThan(30);
    expect(spa.mock.requests.some((r) => r.operationName === 'UsageEvents' && r.variables.after === '25')).toBe(true);
    expect(await page.getByTestId('usage-event-storage').count()).toBe(0);
  });

  it('says in words when the CSV export loses its connection, and lets it be retried', async () => {
    const { page } = session;
    await logIn();
    await pageObjects(page).shell.navigateTo('Usage');
    await page.route('**/api/usage/export**', (route) => route.abort('connectionreset'));
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const error = page.getByRole('alert').filter({ hasText: 'Export' });
    // Not the browser's bare "Failed to fetch".
    await expect
      .poll(() => error.textContent())
      .toBe('Export: The connection to the gateway was lost before the export finished. Check your network and try again.');
    expect(await page.getByRole('button', { name: 'Download CSV' }).isEnabled()).toBe(true);
    await page.unroute('**/api/usage/export**');
  });

  it('says which requests have events when the operator keeps only failures (USAGE_EVENTS=errors)', async () => {
    const { page } = session;
    spa.fixtures.state.gateway.usageEventStorage = 'ERRORS';
    try {
      await logIn();
      const { shell, usage } = pageObjects(page);
      await shell.navigateTo('Usage');
      await usage.waitForChart();
      const notice = page.getByTestId('usage-event-storage');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/stores usage events only for failed requests \(USAGE_EVENTS=errors\).*charts, budgets and credits count every request/);
    } finally {
      spa.fixtures.state.gateway.usageEventStorage = 'ALL';
    }
  });

  it('regression (review #12): the spend axis shows sub-cent amounts in full, in micro-dollars, inside the chart', async () => {
    const { page } = session;
    const saved = spa.fixtures.state.daily.map((b) => b.costUsd);
    // Sub-cent spend like a fresh account's processing fees: ticks used to read "50.0000016" with "$" cut off.
    spa.fixtures.state.daily.forEach((b, i) => (b.costUsd = (0.0000002 * (i + 1)).toFixed(9)));
    try {
      await logIn();
      const { shell, usage } = pageObjects(page);
      await shell.navigateTo('Usage');
      await usage.waitForChart();
      const chart = page.locator('.chart[aria-label^="Spend per UTC day"]');
      // The Y-axis ticks: the only labels with a dollar sign (the X axis has dates).
      const ticks = chart.locator('text').filter({ hasText: '$' });
      await expect.poll(() => ticks.count()).toBeGreaterThan(2);
      const labels = await ticks.allTextContents();
      for (const label of labels) expect(label).toMatch(/^\d+(\.\d+)?µ\$$/);
      const svg = (await chart.locator('svg.recharts-surface').boundingBox())!;
      for (const box of await ticks.evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().left))) expect(box).toBeGreaterThanOrEqual(svg.x);
    } finally {
      spa.fixtures.state.daily.forEach((b, i) => (b.costUsd = saved[i]));
    }
  });

  it('shows the CONFLICT message when deleting a provider key that is still referenced', async () => {
    const { page } = session;
    await logIn();
    const { shell, providerKeys } = pageObjects(page);
    await shell.navigateTo('Provider keys');
    const dialog = await providerKeys.delete('openai-main');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('still used by configuration');
  });

  it('validates the minimum credit purchase before calling the API', async () => {
    const { page } = session;
    await logIn();
    const { shell, credits } = pageObjects(page);
    await shell.navigateTo('Credits');
    await expect.poll(() => credits.balance()).toBe('$42.18');
    const before = spa.mock.requests.filter((r) => r.operationName === 'PurchaseCredits').length;
    await credits.buy('4.99');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('minimum purchase is $5.00');
    expect(spa.mock.requests.filter((r) => r.operationName === 'PurchaseCredits').length).toBe(before);
  });

  it('saves a configuration with an explicit provider list and ordered routing', async () => {
    const { page } = session;
    await logIn();
    const { shell, configurations } = pageObjects(page);
    await shell.navigateTo('Configurations');
    await configurations.create({ name: 'restricted', providers: ['OpenAI'], routing: { provider: 'OpenAI', keys: ['openai-backup', 'openai-main'], gatewayCredentials: true } });
    const request = spa.mock.requests.find((r) => r.operationName === 'CreateAccessKeyConfiguration');
    expect(request?.variables.input).toEqual({
      name: 'restricted',
      allowedProviders: ['openai'],
      allowedModels: null,
      routing: [{ provider: 'openai', providerKeyIds: ['pk_2', 'pk_1'], useGatewayCredentials: true, strategy: 'ORDERED', weights: [1, 1] }],
      cache: null,
      firewallPolicyIds: [],
    });
    await page.getByRole('region', { name: 'restricted' }).waitFor();
  });

  it('loads the GraphQL playground lazily and runs a query with the session preset', async () => {
    const { page } = session;
    await logIn();
    await pageObjects(page).shell.navigateTo('GraphQL playground');
    await page.locator('.monaco-editor').first().waitFor();
    // Monaco and the schema load asynchronously; run again until the result shows.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: /Execute query/ }).click();
          await page.waitForTimeout(500);
          return page.locator('.result-window').textContent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain('ada@example.com');
    expect(spa.mock.requests.find((r) => r.operationName === 'Overview')?.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
  });

  it('logs out through the API and forgets the session', async () => {
    const { page } = session;
    await logIn();
    await pageObjects(page).shell.logOut();
    await page.waitForURL('**/login');
    expect(spa.mock.requests.some((r) => r.operationName === 'LogOut')).toBe(true);
    expect(await page.evaluate("localStorage.getItem('ai-gateway.session-token')")).toBeNull();
  });

  it('signs out when the API answers UNAUTHENTICATED', async () => {
    const { page } = session;
    await page.goto('/login');
    await page.evaluate("localStorage.setItem('ai-gateway.session-token', 'expired-token')");
    await page.goto('/access-keys');
    await page.waitForURL('**/login');
    expect(await page.evaluate("localStorage.getItem('ai-gateway.session-token')")).toBeNull();
  });

  for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`renders every page without errors at ${viewport} width`, async () => {
      const { page } = session;
      await page.setViewportSize(VIEWPORTS[viewport]);
      await logIn();
      const { shell } = pageObjects(page);
      for (const label of ['Access keys', 'Configurations', 'Virtual models', 'Provider keys', 'Providers & models', 'Usage', 'Credits', 'Quickstart', 'Settings']) {
        await shell.navigateTo(label);
        await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' }).catch(() => undefined);
        if (label === 'Usage') await pageObjects(page).usage.waitForChart();
        await screenshot(page, `spa-${viewport}-${label}`);
        // Regression: hidden table-header labels used to widen the page on phones; wide tables scroll inside their card.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${label} overflows horizontally`).toBe(0);
      }
      expect(session.pageErrors).toEqual([]);
    });
  }
});
