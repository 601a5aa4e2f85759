import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientCreditsError } from '../../server/src/errors/credits-error.js';
import type { Charge } from '../../server/src/services/credits/credit-service.js';
import { parseDecimal } from '../../server/src/services/credits/money.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { gql, gqlOk, signUpAccount } from '../support/graphql.js';

const DAY = 24 * 60 * 60 * 1000;
const USD = 1_000_000_000n;

const PURCHASE = `mutation($a: String!) { purchaseCredits(amountUsd: $a) { id amountUsd expiresAt status checkoutUrl } }`;
const BALANCE = `{ me { creditBalanceUsd } }`;
const TRANSACTIONS = `query($first: Int, $after: String) {
  creditTransactions(first: $first, after: $after) { nodes { id kind amountUsd createdAt expiresAt requestCount } pageInfo { hasNextPage endCursor } }
}`;

interface Tx {
  id: string;
  kind: string;
  amountUsd: string;
  createdAt: string;
  expiresAt: string | null;
  requestCount: number;
}

describe('credits ledger (purchases, balance, expiry, FIFO)', () => {
  let server: TestServer;
  let clock = Date.parse('2026-01-10T12:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({}, { credits: { now: () => clock } });
  });
  afterAll(async () => server?.stop());

  const credits = () => server.services.credits;
  const balance = async (token: string) => (await gqlOk<{ me: { creditBalanceUsd: string } }>(server.url, BALANCE, {}, token)).me.creditBalanceUsd;
  const transactions = async (token: string) =>
    (await gqlOk<{ creditTransactions: { nodes: Tx[] } }>(server.url, TRANSACTIONS, { first: 100 }, token)).creditTransactions.nodes;
  const purchase = (token: string, amount: string) =>
    gqlOk<{ purchaseCredits: { id: string; amountUsd: string; expiresAt: string; status: string; checkoutUrl: string | null } }>(
      server.url,
      PURCHASE,
      { a: amount },
      token,
    );
  const applyCharges = (charges: Charge[]) =>
    server.services.orm.em.fork().transactional((tx) => credits().applyCharges(tx, charges));
  const charge = (accountId: string, amountNano: bigint): Charge => ({ accountId, requestId: randomUUID(), amountNano });
  const lots = async (accountId: string) =>
    server.services.orm.em
      .fork()
      .execute<{ remaining_nano: string; expired_nano: string; expires_at: Date }[]>(
        'select remaining_nano::text, expired_nano::text, expires_at from credit_lot where account_id = ? order by expires_at',
        [accountId],
      );

  it('starts at zero and refuses a request before any upstream call', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    expect(await balance(token)).toBe('0.00');
    const err = await Promise.resolve(credits().reserve(accountId, 1n)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect((err as InsufficientCreditsError).status).toBe(402);
    expect((err as InsufficientCreditsError).code).toBe('insufficient_credits');
  });

  it('enforces the USD 5.00 minimum and validates the amount', async () => {
    const { token } = await signUpAccount(server.url);
    for (const bad of ['4.99', '0', '-5', '5.001', 'five', '1e3', '', '10000.01']) {
      const res = await gql(server.url, PURCHASE, { a: bad }, token);
      expect(res.errors?.[0]?.extensions?.code, bad).toBe('BAD_USER_INPUT');
    }
    expect(await balance(token)).toBe('0.00');
    const { purchaseCredits } = await purchase(token, '5');
    expect(purchaseCredits).toMatchObject({ amountUsd: '5.00', status: 'completed', checkoutUrl: null });
    expect(Date.parse(purchaseCredits.expiresAt)).toBe(clock + 365 * DAY);
    expect(await balance(token)).toBe('5.00');
    const txs = await transactions(token);
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject({ kind: 'purchase', amountUsd: '5.00', expiresAt: purchaseCredits.expiresAt });
  });

  it('requires authentication and lists only the caller’s purchases', async () => {
    const res = await gql(server.url, PURCHASE, { a: '5.00' });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const a = await signUpAccount(server.url);
    const b = await signUpAccount(server.url);
    await purchase(a.token, '7.25');
    const list = await gqlOk<{ creditPurchases: { nodes: { amountUsd: string }[] } }>(
      server.url,
      '{ creditPurchases { nodes { amountUsd } } }',
      {},
      b.token,
    );
    expect(list.creditPurchases.nodes).toEqual([]);
    expect(await balance(b.token)).toBe('0.00');
  });

  it('aggregates a day’s usage charges into one transaction and keeps the books exact', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    await purchase(token, '5.00');
    const amounts = [1n, 123_456_789n, 999n, 50n];
    for (const amount of amounts) {
      const r = await credits().reserve(accountId, amount * 2n);
      r.settle(amount);
      await applyCharges([charge(accountId, amount)]);
    }
    const spent = amounts.reduce((a, b) => a + b, 0n);
    const txs = await transactions(token);
    const usage = txs.filter((t) => t.kind === 'usage');
    expect(usage).toHaveLength(1);
    expect(usage[0].requestCount).toBe(4);
    expect(usage[0].amountUsd).toBe('-0.123457839');
    expect(await balance(token)).toBe('4.876542161');
    expect(5n * USD - spent).toBe(4_876_542_161n);
    // The local grant forgot the applied charges once their transaction committed.
    expect(credits().control.inspect(accountId)).toMatchObject({ reservedNano: 0n, unappliedNano: 0n });
  });

  it('applies nothing when the charging transaction rolls back', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    await purchase(token, '5.00');
    const r = await credits().reserve(accountId, 1_000n);
    r.settle(700n);
    const before = credits().control.inspect(accountId);
    await expect(
      server.services.orm.em.fork().transactional(async (tx) => {
        await credits().applyCharges(tx, [charge(accountId, 700n)]);
        throw new Error('writer failed');
      }),
    ).rejects.toThrow('writer failed');
    expect(await balance(token)).toBe('5.00');
    expect(credits().control.inspect(accountId)).toEqual(before);
    await applyCharges([charge(accountId, 700n)]);
    expect(await balance(token)).toBe('4.9999993');
    expect(credits().control.inspect(accountId)?.unappliedNano).toBe(0n);
  });

  it('spends the lot that expires first, and expired credit is neither spendable nor lost from the books', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    const start = clock;
    await purchase(token, '5.00'); // lot A, expires start + 365d
    clock += 10 * DAY;
    await purchase(token, '6.00'); // lot B, expires start + 375d
    clock += DAY;
    await applyCharges([charge(accountId, 2n * USD)]);
    expect((await lots(accountId)).map((l) => l.remaining_nano)).toEqual(['3000000000', '6000000000']);
    await applyCharges([charge(accountId, 4n * USD)]); // empties A, then 1.00 from B
    expect((await lots(accountId)).map((l) => l.remaining_nano)).toEqual(['0', '5000000000']);
    expect(await balance(token)).toBe('5.00');

    await applyCharges([charge(accountId, USD / 2n)]);
    clock = start + 366 * DAY; // A expired (empty), B still good
    expect(await balance(token)).toBe('4.50');
    clock = start + 376 * DAY; // B expired with 4.50 left
    expect(await balance(token)).toBe('0.00');
    await expect(credits().reserve(accountId, 1n)).rejects.toBeInstanceOf(InsufficientCreditsError);

    const txs = await transactions(token);
    const expiry = txs.filter((t) => t.kind === 'expiry');
    expect(expiry).toHaveLength(1);
    expect(expiry[0].amountUsd).toBe('-4.50');
    expect(Date.parse(expiry[0].createdAt)).toBe(start + 375 * DAY);
    // Purchases − usage − expiry = balance, to the nano.
    const sum = txs.reduce((s, t) => s + (parseDecimal(t.amountUsd) ?? 0n), 0n);
    expect(sum).toBe(0n);
    const lotRows = await lots(accountId);
    expect(lotRows.map((l) => [l.remaining_nano, l.expired_nano])).toEqual([
      ['0', '0'],
      ['0', '4500000000'],
    ]);
  });

  it('rejects after expiry even when this instance still held a grant', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    await purchase(token, '5.00');
    const r = await credits().reserve(accountId, 1_000_000n); // takes a grant
    r.settle(1_000_000n);
    await applyCharges([charge(accountId, 1_000_000n)]);
    expect((await credits().reserve(accountId, 1_000n)).release).toBeTypeOf('function'); // warm: served from memory
    clock += 365 * DAY + 1;
    await expect(credits().reserve(accountId, 1_000n)).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await balance(token)).toBe('0.00');
    // A new purchase is usable at once (the exhausted shortcut is dropped by the purchase event).
    await purchase(token, '5.00');
    await expect(credits().reserve(accountId, 1_000n)).resolves.toBeDefined();
  });

  it('pages transactions newest first', async () => {
    const { token } = await signUpAccount(server.url);
    for (const a of ['5.00', '6.00', '7.00']) {
      clock += 1000;
      await purchase(token, a);
    }
    const first = await gqlOk<{ creditTransactions: { nodes: Tx[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      server.url,
      TRANSACTIONS,
      { first: 2 },
      token,
    );
    expect(first.creditTransactions.nodes.map((t) => t.amountUsd)).toEqual(['7.00', '6.00']);
    expect(first.creditTransactions.pageInfo.hasNextPage).toBe(true);
    const second = await gqlOk<{ creditTransactions: { nodes: Tx[]; pageInfo: { hasNextPage: boolean } } }>(
      server.url,
      TRANSACTIONS,
      { first: 2, after: first.creditTransactions.pageInfo.endCursor },
      token,
    );
    expect(second.creditTransactions.nodes.map((t) => t.amountUsd)).toEqual(['5.00']);
    expect(second.creditTransactions.pageInfo.hasNextPage).toBe(false);
  });
});
