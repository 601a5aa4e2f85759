import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import * as accounts from '../../services/accounts.js';
import { callerOf, type Context } from '../context.js';
import { Account, AccountSettingsInput, AuthPayload, LogInInput, SignUpInput } from '../types/account.type.js';

@Resolver(() => Account)
export class AccountResolver {
  @Authorized()
  @Query(() => Account, { description: 'The signed-in account.' })
  async me(@Ctx() ctx: Context): Promise<Account> {
    return Account.from(await accounts.getAccount(ctx.em, callerOf(ctx).accountId));
  }

  @Mutation(() => AuthPayload, { description: 'Creates an account and signs in. Rate limited per client IP.' })
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    ctx.services.authRateLimiter.consume(ctx.clientIp);
    const { token, account } = await accounts.signUp(ctx.em, input);
    return { token, account: Account.from(account) };
  }

  @Mutation(() => AuthPayload, { description: 'Signs in with email and password. Rate limited per client IP.' })
  async logIn(@Arg('input', () => LogInInput) input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    ctx.services.authRateLimiter.consume(ctx.clientIp);
    const { token, account } = await accounts.logIn(ctx.em, ctx.services.loginThrottle, input);
    return { token, account: Account.from(account) };
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends the current session (no effect for API keys).' })
  async logOut(@Ctx() ctx: Context): Promise<boolean> {
    return accounts.logOut(ctx.em, callerOf(ctx));
  }

  @Authorized()
  @Mutation(() => Account)
  async updateAccountSettings(
    @Arg('input', () => AccountSettingsInput) input: AccountSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    const account = await accounts.updateAccountSettings(ctx.em, callerOf(ctx).accountId, input);
    ctx.services.events.publish({ kind: 'account', accountId: account.id });
    return Account.from(account);
  }
}
