import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { formatUsd } from '../../services/credits/money.js';
import { getAccount } from '../../services/accounts.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { Account } from '../types/account.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import {
  CreditExpiry,
  CreditPurchase,
  CreditPurchaseConnection,
  CreditTransaction,
  CreditTransactionConnection,
} from '../types/credit.type.js';

@Authorized()
@Resolver(() => CreditTransaction)
export class CreditResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => CreditTransactionConnection, { description: 'Purchases, daily usage and expiries, newest first.' })
  async creditTransactions(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<CreditTransaction>> {
    const page = await ctx.services.credits.listTransactions(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(CreditTransaction.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.VIEWER)
  @Query(() => CreditPurchaseConnection, { description: 'Credit purchases, newest first.' })
  async creditPurchases(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<CreditPurchase>> {
    const page = await ctx.services.credits.listPurchases(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(CreditPurchase.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => CreditPurchase, {
    description:
      'Buys credit: amountUsd is a decimal string, at least "5.00", at most "10000.00", whole cents. With PAYMENTS=manual the ' +
      'credit is granted at once (status "completed"); with PAYMENTS=stripe the purchase is "pending" with a checkoutUrl, ' +
      'and the credit arrives when Stripe confirms the payment.',
  })
  async purchaseCredits(@Arg('amountUsd', () => String) amountUsd: string, @Ctx() ctx: Context): Promise<CreditPurchase> {
    const caller = callerOf(ctx);
    const email = ctx.services.config.payments === 'stripe' ? (await getAccount(ctx.em, caller.accountId)).email : undefined;
    return CreditPurchase.from(await ctx.services.credits.purchase(scopeOf(ctx), amountUsd, email));
  }
}

@Resolver(() => Account)
export class AccountCreditsResolver {
  @FieldResolver(() => String, {
    description: 'Unexpired credit in US dollars (exact decimal string, e.g. "4.99999125"). Charges appear within a second or so.',
  })
  async creditBalanceUsd(@Root() account: Account, @Ctx() ctx: Context): Promise<string> {
    return formatUsd(await ctx.services.credits.balanceNano(ctx.em, account.id));
  }

  @FieldResolver(() => CreditExpiry, {
    nullable: true,
    description: 'The unexpired credit that expires next and when (spending takes from it first); null when no credit is left.',
  })
  async nextCreditExpiry(@Root() account: Account, @Ctx() ctx: Context): Promise<CreditExpiry | null> {
    const next = await ctx.services.credits.nextExpiry(ctx.em, account.id);
    return next ? CreditExpiry.from(next) : null;
  }

  @FieldResolver(() => String, { description: 'Unexpired credit that expires within the next withinDays days (1 to 365), in US dollars.' })
  async creditExpiringUsd(
    @Arg('withinDays', () => Int, { defaultValue: 30 }) withinDays: number,
    @Root() account: Account,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return formatUsd(await ctx.services.credits.expiringWithinNano(ctx.em, account.id, withinDays));
  }
}
