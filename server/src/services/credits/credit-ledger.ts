/**
 * Purchases and the ledger as the admin API sees it. Every movement of credit takes the account's
 * row lock (credit-sql.ts) inside a transaction, like the hot path's grants and charges.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CreditLot } from '../../entities/credit-lot.entity.js';
import { CreditPurchase, type ICreditPurchase } from '../../entities/credit-purchase.entity.js';
import { CreditTransaction, type ICreditTransaction } from '../../entities/credit-transaction.entity.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { Page } from '../../graphql/types/connection.type.js';
import { auditFields } from '../audit-details.js';
import { recordAudit, systemActor } from '../audit.js';
import { paginate } from '../pagination.js';
import { LOT_LIFETIME_MS, lockAccount, sqlOfEm, sweepExpiredLots } from './credit-sql.js';
import { NANO_PER_CENT, NANO_PER_USD, formatUsd, parseDecimal } from './money.js';

export const MIN_PURCHASE_NANO = 5n * NANO_PER_USD;
export const MAX_PURCHASE_NANO = 10_000n * NANO_PER_USD;

/** "5", "5.5", "12.34" → nano-USD. Whole cents only (what a card can be charged); $5.00 to $10,000.00. */
export function parsePurchaseAmount(amountUsd: string): bigint {
  const trimmed = typeof amountUsd === 'string' ? amountUsd.trim() : '';
  const decimal = /^(\d+)(\.\d{1,2})?$/.exec(trimmed);
  if (!decimal) throw new ValidationError('amountUsd must be a decimal amount of US dollars with at most 2 decimals, e.g. "5.00".');
  const tooLarge = () => new ValidationError(`The maximum purchase is $${formatUsd(MAX_PURCHASE_NANO)}.`);
  // More whole digits than the maximum has: too large, without turning a long digit run into a bigint.
  if (decimal[1].replace(/^0+/, '').length > 9) throw tooLarge();
  const nano = parseDecimal(trimmed)!;
  if (nano < MIN_PURCHASE_NANO) throw new ValidationError(`The minimum purchase is $${formatUsd(MIN_PURCHASE_NANO)}.`);
  if (nano > MAX_PURCHASE_NANO) throw tooLarge();
  return nano;
}

export function toCents(nano: bigint): number {
  return Number(nano / NANO_PER_CENT);
}

/**
 * Turns a purchase into spendable credit: one lot expiring LOT_LIFETIME_MS after `now`, one
 * `purchase` transaction, status completed. Call inside a transaction with the account locked.
 * Idempotent: a purchase already completed is left alone (returns false).
 */
async function grantPurchase(tx: EntityManager, purchase: ICreditPurchase, now: Date): Promise<boolean> {
  if (purchase.status === 'completed') return false;
  const expiresAt = new Date(now.getTime() + LOT_LIFETIME_MS);
  const lot = tx.create(CreditLot, {
    id: randomUUID(),
    accountId: purchase.accountId,
    purchaseId: purchase.id,
    amountNano: purchase.amountNano,
    remainingNano: purchase.amountNano,
    expiredNano: '0',
    createdAt: now,
    expiresAt,
  });
  tx.create(CreditTransaction, {
    id: randomUUID(),
    accountId: purchase.accountId,
    kind: 'purchase',
    amountNano: purchase.amountNano,
    usageDay: null,
    requestCount: 0,
    purchaseId: purchase.id,
    lotId: lot.id,
    createdAt: now,
    updatedAt: now,
    expiresAt,
  });
  purchase.status = 'completed';
  purchase.completedAt = now;
  purchase.expiresAt = expiresAt;
  await tx.flush();
  return true;
}

/** PAYMENTS=manual: the credit is granted at once. */
export async function createManualPurchase(em: EntityManager, accountId: string, amountNano: bigint, now: Date): Promise<ICreditPurchase> {
  return em.transactional(async (tx) => {
    await lockAccount(sqlOfEm(tx), accountId);
    const purchase = tx.create(CreditPurchase, {
      id: randomUUID(),
      accountId,
      amountNano: amountNano.toString(),
      status: 'pending',
      method: 'manual',
      externalId: null,
      checkoutUrl: null,
      createdAt: now,
      completedAt: null,
      expiresAt: new Date(now.getTime() + LOT_LIFETIME_MS),
    });
    await grantPurchase(tx, purchase, now);
    return purchase;
  });
}

/** PAYMENTS=stripe, step 1: a pending purchase (its credit comes with the webhook). */
export async function createPendingPurchase(em: EntityManager, accountId: string, amountNano: bigint, now: Date): Promise<ICreditPurchase> {
  const purchase = em.create(CreditPurchase, {
    id: randomUUID(),
    accountId,
    amountNano: amountNano.toString(),
    status: 'pending',
    method: 'stripe',
    externalId: null,
    checkoutUrl: null,
    createdAt: now,
    completedAt: null,
    expiresAt: new Date(now.getTime() + LOT_LIFETIME_MS),
  });
  await em.flush();
  return purchase;
}

export async function attachCheckoutSession(em: EntityManager, purchase: ICreditPurchase, sessionId: string, url: string): Promise<void> {
  purchase.externalId = sessionId;
  purchase.checkoutUrl = url;
  await em.flush();
}

export async function markPurchaseFailed(em: EntityManager, purchase: ICreditPurchase): Promise<void> {
  if (purchase.status !== 'pending') return;
  purchase.status = 'failed';
  purchase.checkoutUrl = null;
  await em.flush();
}

export type PaidSessionOutcome = 'granted' | 'already-granted' | 'unknown-purchase' | 'amount-mismatch';

/**
 * PAYMENTS=stripe, step 2, from a verified webhook: grants the purchase of a paid Checkout
 * session exactly once, however often Stripe delivers the event.
 */
export async function completePaidSession(
  em: EntityManager,
  session: { id: string; purchaseId: string | null; amountTotalCents: number | null; currency: string | null },
  now: Date,
): Promise<{ outcome: PaidSessionOutcome; purchase?: ICreditPurchase }> {
  const found =
    (await em.findOne(CreditPurchase, { externalId: session.id })) ??
    (session.purchaseId && /^[0-9a-f-]{36}$/i.test(session.purchaseId)
      ? await em.findOne(CreditPurchase, { id: session.purchaseId, method: 'stripe', externalId: null })
      : null);
  if (!found) return { outcome: 'unknown-purchase' };
  if (session.currency?.toLowerCase() !== 'usd' || session.amountTotalCents !== toCents(BigInt(found.amountNano))) {
    return { outcome: 'amount-mismatch', purchase: found };
  }
  return em.transactional(async (tx) => {
    await lockAccount(sqlOfEm(tx), found.accountId);
    // Re-read under the lock: a concurrent delivery of the same event may have granted it.
    const purchase = await tx.findOneOrFail(CreditPurchase, { id: found.id }, { refresh: true });
    if (purchase.externalId === null) purchase.externalId = session.id;
    const granted = await grantPurchase(tx, purchase, now);
    if (granted) {
      recordAudit(tx, systemActor(purchase.accountId), {
        action: 'credits.purchaseCompleted',
        targetType: 'creditPurchase',
        targetId: purchase.id,
        details: auditFields({ amountUsd: formatUsd(BigInt(purchase.amountNano)), method: 'stripe' }),
      });
    }
    return { outcome: granted ? 'granted' : 'already-granted', purchase };
  });
}

export async function failSession(em: EntityManager, sessionId: string): Promise<void> {
  const purchase = await em.findOne(CreditPurchase, { externalId: sessionId });
  if (purchase) await markPurchaseFailed(em, purchase);
}

/** Records expiries that are due for one account (so the ledger shows them without waiting for the sweeper). */
export async function sweepAccount(em: EntityManager, accountId: string, now: Date): Promise<void> {
  const due = await em.execute<{ n: string }[]>(
    `select count(*)::text as "n" from "credit_lot" where "account_id" = ? and "remaining_nano" > 0 and "expires_at" <= ?`,
    [accountId, now],
  );
  if (due[0]?.n === '0') return;
  await em.transactional(async (tx) => {
    if (await lockAccount(sqlOfEm(tx), accountId)) await sweepExpiredLots(sqlOfEm(tx), accountId, now);
  });
}

export async function listCreditTransactions(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
  now: Date,
): Promise<Page<ICreditTransaction>> {
  await sweepAccount(em, accountId, now);
  return paginate(em, CreditTransaction, { accountId }, args);
}

export async function listCreditPurchases(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<ICreditPurchase>> {
  return paginate(em, CreditPurchase, { accountId }, args);
}
