import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import * as accounts from '../../services/accounts.js';
import { getMember } from '../../services/members.js';
import * as sessions from '../../services/sessions.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { Account, AccountSettingsInput, AuthPayload, ChangePasswordInput, LogInInput, SignUpInput } from '../types/account.type.js';
import { Member } from '../types/member.type.js';

export function clientOf(ctx: Context): sessions.ClientInfo {
  return { ip: ctx.clientIp, userAgent: ctx.userAgent };
}

@Authorized()
@Resolver(() => Account)
export class AccountResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => Account, { description: 'The organization signed in to.' })
  async me(@Ctx() ctx: Context): Promise<Account> {
    return Account.from(await accounts.getAccount(ctx.em, callerOf(ctx).accountId));
  }

  @Authorized(Rule.VIEWER)
  @Query(() => Member, { nullable: true, description: 'The signed-in member, with their role; null for an API key.' })
  async viewer(@Ctx() ctx: Context): Promise<Member | null> {
    const caller = callerOf(ctx);
    return caller.via === 'session' ? Member.from(await getMember(ctx.em, caller.accountId, caller.memberId)) : null;
  }

  @Authorized(Rule.PUBLIC)
  @Mutation(() => AuthPayload, { description: 'Creates an organization and its first member (OWNER), and signs in. Rate limited per client IP.' })
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    await ctx.services.authRateLimiter.consume(ctx.clientIp);
    const { token, account } = await accounts.signUp(ctx.em, input, clientOf(ctx));
    return { token, account: Account.from(account) };
  }

  @Authorized(Rule.PUBLIC)
  @Mutation(() => AuthPayload, { description: 'Signs a member in with email and password. Rate limited per client IP.' })
  async logIn(@Arg('input', () => LogInInput) input: LogInInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    await ctx.services.authRateLimiter.consume(ctx.clientIp);
    const { token, account } = await accounts.logIn(ctx.em, ctx.services.loginThrottle, input, clientOf(ctx));
    return { token, account: Account.from(account) };
  }

  @Authorized(Rule.VIEWER)
  @Mutation(() => Boolean, {
    description:
      "Changes the signed-in member's password (sessions only, not API keys): checks the current one, applies the password policy, and ends the member's other sessions.",
  })
  async changePassword(@Arg('input', () => ChangePasswordInput) input: ChangePasswordInput, @Ctx() ctx: Context): Promise<boolean> {
    return accounts.changePassword(scopeOf(ctx), callerOf(ctx), ctx.services.loginThrottle, input);
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Account)
  async updateAccountSettings(
    @Arg('input', () => AccountSettingsInput) input: AccountSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    return Account.from(await accounts.updateAccountSettings(scopeOf(ctx), input));
  }
}
