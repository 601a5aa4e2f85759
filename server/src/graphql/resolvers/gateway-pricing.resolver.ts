import { Authorized, Ctx, Field, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { Config } from '../../config.js';
import { MIN_PURCHASE_NANO } from '../../services/credits/credit-ledger.js';
import { formatUsd } from '../../services/credits/money.js';
import { FEE_NANO_PER_TOKEN } from '../../services/pricing.js';
import { Rule } from '../auth-checker.js';
import type { Context } from '../context.js';

export enum PaymentMode {
  STRIPE = 'STRIPE',
  MANUAL = 'MANUAL',
}
registerEnumType(PaymentMode, {
  name: 'PaymentMode',
  description:
    "How purchaseCredits is paid (the operator's PAYMENTS): STRIPE sends the buyer to Stripe Checkout and grants the credit once Stripe confirms " +
    'the payment; MANUAL grants it at once and takes no money (whoever may buy credits adds them for free).',
});

const PAYMENT_MODES: Record<Config['payments'], PaymentMode> = { stripe: PaymentMode.STRIPE, manual: PaymentMode.MANUAL };

@ObjectType({ description: "The gateway's own prices and how credit is paid for, so clients can state them up front instead of copying them." })
export class GatewayPricing {
  @Field(() => String, { description: 'Processing fee on every request, paid from credits, in USD per million tokens (input + output).' })
  processingFeeUsdPerMTok!: string;

  @Field(() => String, { description: 'Smallest credit purchase, in USD.' })
  minimumPurchaseUsd!: string;

  @Field(() => PaymentMode)
  paymentMode!: PaymentMode;
}

/** Public: the sign-up page may state the fee before anyone has an account. */
@Resolver()
export class GatewayPricingResolver {
  @Authorized(Rule.PUBLIC)
  @Query(() => GatewayPricing)
  gatewayPricing(@Ctx() ctx: Context): GatewayPricing {
    return {
      processingFeeUsdPerMTok: formatUsd(FEE_NANO_PER_TOKEN * 1_000_000n),
      minimumPurchaseUsd: formatUsd(MIN_PURCHASE_NANO),
      paymentMode: PAYMENT_MODES[ctx.services.config.payments],
    };
  }
}
