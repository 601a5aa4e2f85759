import { Authorized, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { MIN_PURCHASE_NANO } from '../../services/credits/credit-ledger.js';
import { formatUsd } from '../../services/credits/money.js';
import { FEE_NANO_PER_TOKEN } from '../../services/pricing.js';
import { Rule } from '../auth-checker.js';

@ObjectType({ description: "The gateway's own prices, so clients can state them up front instead of copying them." })
export class GatewayPricing {
  @Field(() => String, { description: 'Processing fee on every request, paid from credits, in USD per million tokens (input + output).' })
  processingFeeUsdPerMTok!: string;

  @Field(() => String, { description: 'Smallest credit purchase, in USD.' })
  minimumPurchaseUsd!: string;
}

/** Public: the sign-up page may state the fee before anyone has an account. */
@Resolver()
export class GatewayPricingResolver {
  @Authorized(Rule.PUBLIC)
  @Query(() => GatewayPricing)
  gatewayPricing(): GatewayPricing {
    return { processingFeeUsdPerMTok: formatUsd(FEE_NANO_PER_TOKEN * 1_000_000n), minimumPurchaseUsd: formatUsd(MIN_PURCHASE_NANO) };
  }
}
