import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import * as sessions from '../../services/sessions.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { Session, SessionConnection } from '../types/session.type.js';

@Authorized()
@Resolver(() => Session)
export class SessionResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => SessionConnection, { description: "The signed-in member's active sessions, newest first (none for an API key)." })
  async sessions(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Session>> {
    const caller = callerOf(ctx);
    const page = await sessions.listSessions(ctx.em, caller, args);
    const current = caller.via === 'session' ? caller.credentialId : null;
    return { nodes: page.nodes.map((s) => Session.from(s, current)), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.VIEWER)
  @Mutation(() => Boolean, { description: 'Ends the current session (no effect for API keys).' })
  async logOut(@Ctx() ctx: Context): Promise<boolean> {
    return sessions.logOut(scopeOf(ctx), callerOf(ctx));
  }

  @Authorized(Rule.VIEWER)
  @Mutation(() => Boolean, { description: 'Ends one of your own sessions.' })
  async revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return sessions.revokeSession(scopeOf(ctx), callerOf(ctx), id);
  }

  @Authorized(Rule.VIEWER)
  @Mutation(() => Int, { description: 'Signs you out everywhere, this session included; returns how many sessions ended.' })
  async logOutEverywhere(@Ctx() ctx: Context): Promise<number> {
    return sessions.logOutEverywhere(scopeOf(ctx), callerOf(ctx));
  }
}
