import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Charge } from '../../server/src/services/credits/credit-service.js';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';
import { addMember } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const DAY = 24 * 60 * 60 * 1000;
const USD = 1_000_000_000n;

const EXPIRIES = `query($within: Int!) {
  me {
    creditBalanceUsd
    nextCreditExpiry { amountUsd expiresAt }
    soon: creditExpiringUsd
    within: creditExpiringUsd(withinDays: $within)
  }
}`;

interface Expiries {
  creditBalanceUsd: string;
  nextCreditExpiry: { amountUsd: string; expiresAt: string } | null;
  soon: string;
  within: string;
}

/** Account.nextCreditExpiry and Account.creditExpiringUsd: what is left of each purchase lot, over HTTP. */
describe('credit expiries (GraphQL)', () => {
  let server: TestServer;
  const T0 = Date.parse('2026-01-10T12:00:00Z');
  let clock = T0;

  beforeAll(async () => {
    server = await startTestServer({}, { credits: { now: () => clock } });
  });
  afterAll(async () => server?.stop());

  const expiries = async (token: string, within = 30) => (await gqlOk<{ me: Expiries }>(server.url, EXPIRIES, { within }, token)).me;
  const purchase = (token: string, amountUsd: string) => gqlOk(server.url, 'mutation($a: String!) { purchaseCredits(amountUsd: $a) { id } }', { a: amountUsd }, token);
  /** Charges as the usage writer applies them: FIFO by expiry over the unexpired lots. */
  const spend = (accountId: string, amountNano: bigint) => {
    const charge: Charge = { accountId, requestId: randomUUID(), amountNano };
    return server.services.orm.em.fork().transactional((tx) => server.services.credits.applyCharges(tx, [charge]));
  };
  const at = (days: number) => new Date(T0 + days * DAY).toISOString();

  it('reports what is left of the lot expiring next and the total expiring within a window, never an expired lot or another account’s', async () => {
    clock = T0;
    const a = await signUpAccount(server.url);
    const b = await signUpAccount(server.url);
    // B's lot expires at the very instant A's first lots do: were the account filter missing, A would see it summed in.
    await purchase(b.token, '20.00');
    await purchase(a.token, '5.00'); // lots 1a and 1b: expire at T0 + 365 d together
    await purchase(a.token, '5.00');
    clock = T0 + 10 * DAY;
    await purchase(a.token, '6.00'); // lot 2: T0 + 375 d
    clock = T0 + 110 * DAY;
    await purchase(a.token, '7.00'); // lot 3: T0 + 475 d
    await spend(a.accountId, (9n * USD) / 4n); // 2.25 out of lots 1a/1b (10.00 together)

    // Day 110: nothing within 30 days; the next expiry is lots 1a+1b, reduced by the spend.
    expect(await expiries(a.token, 255)).toEqual({
      creditBalanceUsd: '20.75',
      nextCreditExpiry: { amountUsd: '7.75', expiresAt: at(365) },
      soon: '0.00',
      within: '7.75', // day 365 is exactly 255 days away: included
    });
    expect((await expiries(a.token, 264)).within).toBe('7.75');
    expect((await expiries(a.token, 265)).within).toBe('13.75');
    expect((await expiries(a.token, 365)).within).toBe('20.75');

    // Day 350: lots 1 (in 15 days) and 2 (in 25 days) are within the default 30 days, lot 3 is not.
    clock = T0 + 350 * DAY;
    expect(await expiries(a.token)).toMatchObject({ nextCreditExpiry: { amountUsd: '7.75', expiresAt: at(365) }, soon: '13.75', within: '13.75' });

    // Day 366: lots 1a/1b expired with 7.75 left (not swept yet: nothing has spent since). They count nowhere.
    clock = T0 + 366 * DAY;
    expect(await expiries(a.token)).toEqual({
      creditBalanceUsd: '13.00',
      nextCreditExpiry: { amountUsd: '6.00', expiresAt: at(375) },
      soon: '6.00',
      within: '6.00',
    });

    // A partial spend comes out of lot 2, the next to expire, and shows in its remaining amount.
    await spend(a.accountId, (3n * USD) / 2n);
    expect(await expiries(a.token)).toEqual({
      creditBalanceUsd: '11.50',
      nextCreditExpiry: { amountUsd: '4.50', expiresAt: at(375) },
      soon: '4.50',
      within: '4.50',
    });

    // B sees only its own lot (which has expired by now) and nothing of A's.
    expect(await expiries(b.token)).toEqual({ creditBalanceUsd: '0.00', nextCreditExpiry: null, soon: '0.00', within: '0.00' });
    clock = T0 + 364 * DAY;
    expect(await expiries(b.token)).toEqual({ creditBalanceUsd: '20.00', nextCreditExpiry: { amountUsd: '20.00', expiresAt: at(365) }, soon: '20.00', within: '20.00' });
  });

  it('answers null and zero for an account without credit', async () => {
    const { token } = await signUpAccount(server.url);
    expect(await expiries(token)).toEqual({ creditBalanceUsd: '0.00', nextCreditExpiry: null, soon: '0.00', within: '0.00' });
  });

  it('refuses a window outside 1 to 365 days', async () => {
    const { token } = await signUpAccount(server.url);
    for (const within of [0, -1, 366]) {
      const res = await gql(server.url, EXPIRIES, { within }, token);
      expect(res.errors?.[0]?.extensions?.code, String(within)).toBe('BAD_USER_INPUT');
    }
  });

  it('is readable by every role that reads credits (a VIEWER included)', async () => {
    clock = T0;
    const owner = await signUpAccount(server.url);
    await purchase(owner.token, '8.00');
    const viewer = await addMember(server.url, owner.token, 'VIEWER');
    expect(await expiries(viewer.token)).toMatchObject({ nextCreditExpiry: { amountUsd: '8.00', expiresAt: at(365) }, soon: '0.00' });
  });
});
