import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useMockedSpa } from './support/mocked-spa.js';
import { pageObjects } from './support/pages.js';

const DAY = 86_400_000;

/** Chart slots (0 = 29 days ago, 29 = today) of the fixture's days with credit spend (29, 20, 8, 7, 6, 5, 4, 2, 1, 0 days ago). */
const SPEND_DAY_SLOTS = [0, 9, 21, 22, 23, 24, 25, 27, 28, 29];

/**
 * The day slot of each drawn bar, from its position: the first bar is 29 days ago and the last today, so with 30
 * slots (zero days filled in) the distance between them is 29 slots. Without the zero days every bar would sit
 * in the next slot.
 */
async function daySlots(bars: Locator): Promise<number[]> {
  const centers = (await bars.evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => r.x + r.width / 2))).sort((a, b) => a - b);
  const slot = (centers[centers.length - 1] - centers[0]) / 29;
  return centers.map((x) => Math.round((x - centers[0]) / slot));
}

/** The Credits page's spend chart, runway and next expiry, against the canned GraphQL spa.fixtures. */
describe('Credits page: spend, runway and expiry (mocked GraphQL)', () => {
  const spa = useMockedSpa();
  const { session } = spa;

  async function openCredits() {
    const { page } = session;
    const { auth, shell } = pageObjects(page);
    await auth.logIn('ada@example.com', 'correct-horse');
    await shell.heading('Access keys').waitFor();
    await shell.navigateTo('Credits');
    await page.getByTestId('credit-runway').waitFor();
    return page;
  }

  /** The fixture's next expiry as the page writes dates (en-US, the browser's time zone: this machine's). */
  const expiryDate = () =>
    new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZoneName: 'short' }).format(new Date(spa.fixtures.state.account.nextCreditExpiry!.expiresAt));

  /** Runs `body` with fixture state changed by `change`, then puts the state back. */
  async function withState(change: () => () => void, body: () => Promise<void>) {
    const restore = change();
    try {
      await body();
    } finally {
      restore();
    }
  }

  it('draws 30 UTC days of credit spend, zeros included, and says how long the balance lasts and what expires next', async () => {
    const page = await openCredits();
    const chart = page.getByTestId('credit-spend-chart');
    await chart.locator('svg.recharts-surface').waitFor();
    // recharts draws bars for the 10 days with spend only; the 20 zero days still take their slot on the axis.
    const bars = chart.locator('.recharts-bar-rectangle');
    await expect.poll(() => bars.count()).toBe(10);
    expect(await daySlots(bars)).toEqual(SPEND_DAY_SLOTS);

    // The summary asks for exactly those days: from midnight UTC 29 days ago, up to now.
    const request = spa.mock.requests.find((r) => r.operationName === 'CreditSpend');
    const today = new Date(new Date().toISOString().slice(0, 10)).getTime();
    expect(request?.variables.from).toBe(new Date(today - 29 * DAY).toISOString());

    // The text alternative of the chart, shown under it and as its label.
    const eightDaysAgo = new Date(today - 8 * DAY).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const summary = `Credits spent per UTC day over the last 30 days: $17.80 in total, on 10 of 30 days; the most on ${eightDaysAgo} ($5.00).`;
    expect(await page.getByTestId('credit-spend-summary').textContent()).toBe(summary);
    expect(await chart.getAttribute('aria-label')).toBe(summary);
    expect(await chart.getAttribute('role')).toBe('img');

    // 8.40 over the 7 full days before today (today's 0.75 and older spend left out): 1.20 a day; 42.18 / 1.20 = 35.15.
    expect(await page.getByTestId('credit-runway').textContent()).toBe("At the last 7 days' average ($1.20/day), the balance lasts about 35 days.");

    // 12.40 left in the lot expiring in 20 days; 20.00 in all within 30 days.
    expect(await page.getByTestId('credit-next-expiry').textContent()).toBe(`$12.40 expires on ${expiryDate()}; $20.00 in all expires within 30 days.`);
    expect(session.pageErrors).toEqual([]);
  });

  it('says when nothing was spent in the last 7 days, and gives no runway', async () => {
    await withState(
      () => {
        const saved = [...spa.fixtures.state.creditSpend];
        const cutoff = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
        const today = new Date().toISOString().slice(0, 10);
        // Keep today's and older spend: neither is part of the average.
        spa.fixtures.state.creditSpend.splice(0, Infinity, ...saved.filter((b) => b.key === today || b.key < cutoff));
        return () => spa.fixtures.state.creditSpend.splice(0, Infinity, ...saved);
      },
      async () => {
        const page = await openCredits();
        expect(await page.getByTestId('credit-runway').textContent()).toBe('No spend in the last 7 days.');
        const bars = page.getByTestId('credit-spend-chart').locator('.recharts-bar-rectangle');
        await expect.poll(() => bars.count()).toBe(4);
        expect(await daySlots(bars)).toEqual([0, 9, 21, 29]);
      },
    );
  });

  it('says the balance is empty, and shows no expiry, when no credit is left', async () => {
    const { account } = spa.fixtures.state;
    await withState(
      () => {
        const saved = { creditBalanceUsd: account.creditBalanceUsd, nextCreditExpiry: account.nextCreditExpiry, creditExpiringUsd: account.creditExpiringUsd };
        Object.assign(account, { creditBalanceUsd: '0.00', nextCreditExpiry: null, creditExpiringUsd: '0.00' });
        return () => Object.assign(account, saved);
      },
      async () => {
        const page = await openCredits();
        expect(await page.getByTestId('credit-runway').textContent()).toBe('The balance is empty: requests are refused until credits are bought.');
        expect(await page.getByTestId('credit-next-expiry').count()).toBe(0);
      },
    );
  });

  it('names the next expiry alone, without a warning, when nothing expires within 30 days', async () => {
    const { account } = spa.fixtures.state;
    await withState(
      () => {
        const saved = account.creditExpiringUsd;
        account.creditExpiringUsd = '0.00';
        return () => (account.creditExpiringUsd = saved);
      },
      async () => {
        const page = await openCredits();
        const note = page.getByTestId('credit-next-expiry');
        expect(await note.textContent()).toBe(`$12.40 expires on ${expiryDate()}.`);
        expect(await note.getAttribute('class')).not.toContain('alert-warning');
      },
    );
  });
});
