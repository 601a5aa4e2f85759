import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { checkCustomProvider, checkProviderKey } from '../../services/connection-check.js';
import { Rule } from '../auth-checker.js';
import { callerOf, type Context } from '../context.js';
import { ConnectionCheck } from '../types/connection-check.type.js';

/** Mutations, not queries: each one makes an outbound call on the account's behalf. */
@Authorized()
@Resolver()
export class ConnectionCheckResolver {
  @Authorized(Rule.ADMIN)
  @Mutation(() => ConnectionCheck, { description: "Calls the key's provider (GET …/models) with the key and says whether it works." })
  async testProviderKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ConnectionCheck> {
    return checkProviderKey(ctx.services, ctx.em, callerOf(ctx).accountId, id);
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => ConnectionCheck, {
    description: 'Calls a custom provider (GET …/models, with its first provider key if any) through the egress guard.',
  })
  async testCustomProvider(@Arg('providerId', () => String) providerId: string, @Ctx() ctx: Context): Promise<ConnectionCheck> {
    return checkCustomProvider(ctx.services, ctx.em, callerOf(ctx).accountId, providerId);
  }
}
