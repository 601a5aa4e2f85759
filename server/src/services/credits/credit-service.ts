import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { mutate, type ChangeRecord, type MutationScope } from '../mutation.js';
import type { ICreditPurchase } from '../../entities/credit-purchase.entity.js';
import type { ICreditTransaction } from '../../entities/credit-transaction.entity.js';
import { AppError } from '../../errors/app-error.js';
import type { Page } from '../../graphql/types/connection.type.js';
import type { ChangeEvents } from '../change-events.js';
import {
  LocalCreditControl,
  type Charge,
  type Clock,
  type CreditControl,
  type CreditControlTimings,
  type Reservation,
} from './credit-control.js';
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
import { SqlCreditStore, type AppliedCharge, type CreditStore } from './credit-store.js';
import { StripePaymentsGateway, verifyStripeWebhook, type PaymentsGateway, type StripeEvent } from './payments.js';

export interface CreditServiceOptions {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  events: ChangeEvents;
  /** epoch ms; tests move it to expire credit. */
  now?: Clock;
  /** Replaces Stripe Checkout (tests). Webhook verification always uses the stripe library. */
  payments?: PaymentsGateway;
  /** Defaults to config.instanceId. */
  instanceId?: string;
  timings?: Partial<CreditControlTimings>;
  store?: CreditStore;
}

/**
 * Credits: the /v1 hot path (CreditControl: reserve → settle → applyCharges) plus purchases and
 * the ledger for the admin API and the Stripe webhook.
 */
export class CreditService implements CreditControl {
  readonly control: LocalCreditControl;
  readonly now: Clock;
  private readonly payments: PaymentsGateway | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: CreditServiceOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    this.control = new LocalCreditControl({
      store: options.store ?? new SqlCreditStore(options.orm),
      instanceId: options.instanceId ?? config.instanceId,
      logger: options.logger,
      now: this.now,
      timings: options.timings,
    });
    this.payments =
      options.payments ??
      (config.payments === 'stripe' && config.stripeSecretKey ? new StripePaymentsGateway(config.stripeSecretKey) : undefined);
    this.unsubscribe = options.events.subscribe((event) => {
      if (event.kind === 'credits') this.control.creditsChanged(event.accountId);
    });
  }

  // ---- hot path (see CreditControl) -------------------------------------------------------

  reserve(accountId: string, worstCaseNano: bigint): Promise<Reservation> {
    return this.control.reserve(accountId, worstCaseNano);
  }

  applyCharges(em: EntityManager, charges: readonly Charge[]): Promise<AppliedCharge[]> {
    return this.control.applyCharges(em, charges);
  }

  balanceNano(em: EntityManager, accountId: string): Promise<bigint> {
    return this.control.balanceNano(em, accountId);
  }

  start(): void {
    this.control.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.control.stop();
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
      audit: { action: 'credits.purchase', targetType: 'creditPurchase', targetId: purchase.id },
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
    const { publicUrl, host, port } = this.options.config;
    if (publicUrl) return publicUrl.replace(/\/+$/, '');
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
}
