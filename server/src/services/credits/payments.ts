import type Stripe from 'stripe';

/** The stripe SDK costs ~20 MB of memory: it is loaded only when Stripe payments are used. */
async function loadStripe(): Promise<typeof Stripe> {
  return (await import('stripe')).default;
}

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
  private stripe: Promise<Stripe> | undefined;

  constructor(private readonly secretKey: string) {}

  async createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession> {
    const metadata = { purchaseId: request.purchaseId, accountId: request.accountId };
    this.stripe ??= loadStripe().then((S) => new S(this.secretKey, { maxNetworkRetries: 2, timeout: 20_000 }));
    const session = await (await this.stripe).checkout.sessions.create(
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
export async function verifyStripeWebhook(rawBody: Buffer, signature: string, secret: string): Promise<StripeEvent> {
  return (await loadStripe()).webhooks.constructEvent(rawBody, signature, secret);
}
