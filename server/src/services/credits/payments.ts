import Stripe from 'stripe';

/** What the credit service needs from a payment provider: a hosted checkout page for an amount. */
export interface CheckoutRequest {
  purchaseId: string;
  accountId: string;
  amountCents: number;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
}

export interface CheckoutSession {
  /** Provider id of the session (Stripe: cs_…); the webhook names it. */
  id: string;
  url: string;
}

/** Injectable so tests never call Stripe; production uses StripePaymentsGateway. */
export interface PaymentsGateway {
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession>;
}

export class StripePaymentsGateway implements PaymentsGateway {
  private readonly stripe: Stripe;

  constructor(secretKey: string) {
    this.stripe = new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000 });
  }

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession> {
    const metadata = { purchaseId: request.purchaseId, accountId: request.accountId };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'usd', unit_amount: request.amountCents, product_data: { name: 'AI gateway credits' } },
          },
        ],
        client_reference_id: request.purchaseId,
        metadata,
        payment_intent_data: { metadata },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
      },
      // A retried mutation must not open a second session for the same purchase.
      { idempotencyKey: `purchase-${request.purchaseId}` },
    );
    if (!session.url) throw new Error('Stripe returned a Checkout session without a URL');
    return { id: session.id, url: session.url };
  }
}

export type StripeEvent = Stripe.Event;
export type StripeCheckoutSession = Stripe.Checkout.Session;

/**
 * Verifies a webhook's `Stripe-Signature` against the endpoint secret (HMAC over the raw body,
 * 5-minute tolerance) with the stripe library, and parses the event. Throws when it does not verify.
 */
export function verifyStripeWebhook(rawBody: Buffer, signature: string, secret: string): StripeEvent {
  return Stripe.webhooks.constructEvent(rawBody, signature, secret);
}
