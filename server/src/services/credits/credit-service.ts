import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { publicBaseUrl, type Config } from '../../config.js';
import { auditFields } from '../audit-details.js';
import { mutate, type ChangeRecord, type MutationScope } from '../mutation.js';
import type { SqlPool } from '../../db/pool.js';
import { BudgetExceededError, InsufficientCreditsError } from '../../errors/credits-error.js';
import type { ICreditPurchase } from '../../entities/credit-purchase.entity.js';
import type { ICreditTransaction } from '../../entities/credit-transaction.entity.js';
import { AppError } from '../../errors/app-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { Page } from '../../graphql/types/connection.type.js';
import type { ChangeEvents } from '../change-events.js';
import { BalanceControl, type BalanceControlOptions, type BalanceControlTimings, type Clock, type Reservation } from './balance-control.js';
import type { AppliedCharge, BalanceStore, ChargeTx, OwnerCharge } from './balance-store.js';
import { budgetScopeId, periodBounds, type BudgetPeriod } from './budget-period.js';
import { SqlBudgetStore, spentBetween } from './budget-store.js';
import { DAY_MS, creditExpiringBy, nextCreditExpiry, sqlOfEm, unexpiredBalance, type CreditExpiry } from './credit-sql.js';
import { formatUsd } from './money.js';
import {
  attachCheckoutSession,
  completePaidSession,
  createManualPurchase,
  createPendingPurchase,
  failSession,
  listCreditPurchases,
  listCreditTransactions,
  markPurchaseFailed,
  parsePurchaseAmount,
  toCents,
} from './credit-ledger.js';
import { SqlCreditStore } from './credit-store.js';
import { StripePaymentsGateway, verifyStripeWebhook, type PaymentsGateway, type StripeEvent } from './payments.js';

/** One served request's charge, as the usage writer applies it with its usage event. */
export interface Charge {
  accountId: string;
  requestId: string;
  /** What credits pay: the fee, plus the provider cost when gateway credentials served it. */
  amountNano: bigint;
  /** The access key whose spend and budget the request counts against. */
  accessKeyId?: string;
  /** Spend: fee + provider cost at catalog prices, whoever's credentials served it. */
  spendNano?: bigint;
  /** When the request was admitted (picks the budget period); default: now. */
  at?: Date;
  /**
   * Requests this charge sums (default 1): a charge of requests without stored events covers all
   * of one key's requests of an hour in a batch (usage-sums.ts).
   */
  requests?: number;
}

export interface AppliedCharges {
  credits: AppliedCharge[];
  budgets: AppliedCharge[];
}

export interface CreditServiceOptions {
  orm: MikroORM;
  sql: SqlPool;
  config: Config;
  logger: Logger;
  events: ChangeEvents;
  /** epoch ms; tests move it to expire credit. */
  now?: Clock;
  /** Replaces Stripe Checkout (tests). Webhook verification always uses the stripe library. */
  payments?: PaymentsGateway;
  /** Defaults to config.instanceId. */
  instanceId?: string;
  timings?: Partial<BalanceControlTimings>;
  /** A charge the balance could not cover in full (written off; logged too). Budgets record spend in full instead. */
  onCreditShortfall?: (shortfallNano: bigint) => void;
  store?: BalanceStore;
  budgetStore?: BalanceStore;
}

/** The balance machine over account credit (scope id = account id). */
export function creditControl(options: Omit<BalanceControlOptions, 'refusal' | 'what'>): BalanceControl {
  return new BalanceControl({
    ...options,
    what: 'credit',
    refusal: (worst, free) =>
      new InsufficientCreditsError(
        `Insufficient credits: this request may cost up to $${formatUsd(worst)} and $${formatUsd(free)} is available. Purchase credits to continue.`,
      ),
  });
}

/** Credit charges of requests, as the credit scopes take them. */
export function creditCharges(charges: readonly Charge[], fallbackAt: number): OwnerCharge[] {
  return charges.map((c) => ({ ownerId: c.accountId, amountNano: c.amountNano, at: c.at?.getTime() ?? fallbackAt, requests: c.requests }));
}

/**
 * Credits and key budgets: the /v1 hot path (two BalanceControls: reserve → settle →
 * applyCharges) plus purchases and the ledger for the admin API and the Stripe webhook.
 */
export class CreditService {
  /** Credit scopes: one per account. */
  readonly control: BalanceControl;
  /** Budget scopes: one per access key and budget period. */
  readonly budgets: BalanceControl;
  readonly now: Clock;
  private readonly payments: PaymentsGateway | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: CreditServiceOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    const common = { instanceId: options.instanceId ?? config.instanceId, logger: options.logger, now: this.now, timings: options.timings };
    this.control = creditControl({
      ...common,
      store: options.store ?? new SqlCreditStore(options.sql),
      onShortfall: (a) => options.onCreditShortfall?.(a.shortfallNano),
    });
    this.budgets = new BalanceControl({
      ...common,
      store: options.budgetStore ?? new SqlBudgetStore(options.sql),
      what: 'budget',
      refusal: (worst, free) =>
        new BudgetExceededError(
          `Budget exceeded: this request may cost up to $${formatUsd(worst)} and $${formatUsd(free)} of this access key's budget is left for the period.`,
        ),
    });
    this.payments =
      options.payments ??
      (config.payments === 'stripe' && config.stripeSecretKey ? new StripePaymentsGateway(config.stripeSecretKey) : undefined);
    this.unsubscribe = options.events.subscribe((event) => {
      if (event.kind === 'credits') this.control.balanceChanged(event.accountId);
      // A changed budget: refusals remembered for the key's scopes no longer hold.
      if (event.kind === 'accessKey' && event.accessKeyId) this.budgets.balanceChanged(`${event.accessKeyId}:`);
    });
  }

  // ---- hot path (see BalanceControl) ------------------------------------------------------

  /** Credit for a request's worst case; InsufficientCreditsError when the account cannot cover it. */
  reserve(accountId: string, worstCaseNano: bigint): Reservation | Promise<Reservation> {
    return this.control.reserve(accountId, worstCaseNano);
  }

  /** Budget of `accessKeyId` for the period `at` falls in; BudgetExceededError when it cannot cover the worst case. */
  reserveBudget(accessKeyId: string, period: BudgetPeriod, worstCaseNano: bigint, at: number): Reservation | Promise<Reservation> {
    return this.budgets.reserve(budgetScopeId(accessKeyId, period, at), worstCaseNano);
  }

  /**
   * Inside the caller's transaction — a pg client in db/pool.ts's inTransaction (the usage
   * writer's batch) or an EntityManager — applies credit charges per account and spend per access
   * key (its budget period by `at`). Accounts are locked before keys, each in id order.
   * In-memory grants follow when that transaction commits.
   */
  async applyCharges(tx: ChargeTx, charges: readonly Charge[]): Promise<AppliedCharges> {
    const fallback = this.now();
    for (const c of charges) {
      if (c.amountNano < 0n || (c.spendNano ?? 0n) < 0n) throw new RangeError(`negative charge for request ${c.requestId}`);
    }
    const credits = await this.control.applyCharges(tx, creditCharges(charges, fallback));
    const budgets = await this.budgets.applyCharges(
      tx,
      charges.flatMap((c) =>
        c.accessKeyId && c.spendNano ? [{ ownerId: c.accessKeyId, amountNano: c.spendNano, at: c.at?.getTime() ?? fallback, requests: c.requests }] : [],
      ),
    );
    return { credits, budgets };
  }

  balanceNano(em: EntityManager, accountId: string): Promise<bigint> {
    return unexpiredBalance(sqlOfEm(em), accountId, new Date(this.now()));
  }

  /** The unexpired credit that expires next (what is left of that lot, not what was bought), or null when none is left. */
  nextExpiry(em: EntityManager, accountId: string): Promise<CreditExpiry | null> {
    return nextCreditExpiry(sqlOfEm(em), accountId, new Date(this.now()));
  }

  /** Unexpired credit that expires within `days` days from now (1 to 365: no lot lives longer). */
  expiringWithinNano(em: EntityManager, accountId: string, days: number): Promise<bigint> {
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new ValidationError('withinDays must be a whole number of days from 1 to 365.');
    const now = this.now();
    return creditExpiringBy(sqlOfEm(em), accountId, new Date(now), new Date(now + days * DAY_MS));
  }

  /** Spend of the key in its current budget period (TOTAL without a budget) and when that period ends. */
  async keySpend(em: EntityManager, accessKeyId: string, period: BudgetPeriod | null): Promise<{ spentNano: bigint; resetsAt: Date | null }> {
    const bounds = periodBounds(period ?? 'TOTAL', this.now());
    const spentNano = await spentBetween(sqlOfEm(em), accessKeyId, bounds.start, bounds.end);
    return { spentNano, resetsAt: bounds.end === null ? null : new Date(bounds.end) };
  }

  /** End of the budget period that is current now (null for TOTAL). */
  periodResetsAt(period: BudgetPeriod): Date | null {
    const { end } = periodBounds(period, this.now());
    return end === null ? null : new Date(end);
  }

  start(): void {
    this.control.start();
    this.budgets.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await Promise.all([this.control.stop(), this.budgets.stop()]);
  }

  // ---- purchases and ledger -----------------------------------------------------------------

  /**
   * PAYMENTS=manual: completed at once. PAYMENTS=stripe: pending with a Checkout URL; the credit
   * arrives with the verified webhook.
   */
  async purchase(scope: MutationScope, amountUsd: string, customerEmail?: string): Promise<ICreditPurchase> {
    const amountNano = parsePurchaseAmount(amountUsd);
    const now = new Date(this.now());
    const { em } = scope;
    const accountId = scope.actor.accountId;
    const audited = (purchase: ICreditPurchase): ChangeRecord => ({
      audit: {
        action: 'credits.purchase',
        targetType: 'creditPurchase',
        targetId: purchase.id,
        details: auditFields({ amountUsd: formatUsd(BigInt(purchase.amountNano)), status: purchase.status }),
      },
      events: purchase.status === 'completed' ? [{ kind: 'credits', accountId }] : [],
    });
    if (this.options.config.payments === 'manual') {
      return mutate(scope, (tem) => createManualPurchase(tem, accountId, amountNano, now), audited);
    }
    if (!this.payments) throw new AppError('payments_unavailable', 503, 'Payments are not configured.');
    const purchase = await mutate(scope, (tem) => createPendingPurchase(tem, accountId, amountNano, now), audited);
    const base = this.publicUrl();
    try {
      const session = await this.payments.createCheckoutSession({
        purchaseId: purchase.id,
        accountId,
        amountCents: toCents(amountNano),
        successUrl: `${base}/credits?purchase=${purchase.id}&checkout=success`,
        cancelUrl: `${base}/credits?purchase=${purchase.id}&checkout=cancelled`,
        customerEmail,
      });
      await attachCheckoutSession(em, purchase, session.id, session.url);
    } catch (err) {
      this.options.logger.error({ err, purchaseId: purchase.id }, 'creating the Stripe Checkout session failed');
      await markPurchaseFailed(em, purchase);
      throw new AppError('payments_unavailable', 502, 'The payment provider is unavailable; try again shortly.', { cause: err });
    }
    return purchase;
  }

  listTransactions(em: EntityManager, accountId: string, args: { first?: number | null; after?: string | null }): Promise<Page<ICreditTransaction>> {
    return listCreditTransactions(em, accountId, args, new Date(this.now()));
  }

  listPurchases(em: EntityManager, accountId: string, args: { first?: number | null; after?: string | null }): Promise<Page<ICreditPurchase>> {
    return listCreditPurchases(em, accountId, args);
  }

  /** Verifies a Stripe webhook (throws when the signature does not verify). */
  async verifyStripeWebhook(rawBody: Buffer, signature: string): Promise<StripeEvent> {
    const secret = this.options.config.stripeWebhookSecret;
    if (!secret) throw new Error('STRIPE_WEBHOOK_SECRET is not set');
    return verifyStripeWebhook(rawBody, signature, secret);
  }

  /** Acts on a verified Stripe event; replays are harmless. */
  async handleStripeEvent(em: EntityManager, event: StripeEvent): Promise<void> {
    const log = this.options.logger.child({ stripeEvent: event.id, type: event.type });
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        const session = event.data.object;
        if (session.payment_status !== 'paid') {
          log.info({ session: session.id, paymentStatus: session.payment_status }, 'checkout session not paid yet');
          return;
        }
        const { outcome, purchase } = await completePaidSession(
          em,
          {
            id: session.id,
            purchaseId: session.client_reference_id ?? session.metadata?.purchaseId ?? null,
            amountTotalCents: session.amount_total,
            currency: session.currency,
          },
          new Date(this.now()),
        );
        if (outcome === 'granted' && purchase) this.options.events.publish({ kind: 'credits', accountId: purchase.accountId });
        if (outcome === 'unknown-purchase' || outcome === 'amount-mismatch') {
          log.error({ session: session.id, outcome }, 'paid Stripe session could not be credited');
        } else {
          log.info({ session: session.id, outcome }, 'Stripe checkout session paid');
        }
        return;
      }
      case 'checkout.session.expired':
      case 'checkout.session.async_payment_failed':
        await failSession(em, event.data.object.id);
        return;
      default:
        return;
    }
  }

  private publicUrl(): string {
    return publicBaseUrl(this.options.config);
  }
}
