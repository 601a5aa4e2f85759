import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as providerKeys from '../../services/provider-keys.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { type Page } from '../types/connection.type.js';
import {
  CreateProviderKeyInput,
  ProviderKey,
  ProviderKeyConnection,
  ProviderKeysArgs,
  UpdateProviderKeyInput,
} from '../types/provider-key.type.js';

@Authorized()
@Resolver(() => ProviderKey)
export class ProviderKeyResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => ProviderKeyConnection, {
    description: 'Provider keys in the order the gateway tries them: priority (lowest first), then oldest first.',
  })
  async providerKeys(@Args(() => ProviderKeysArgs) args: ProviderKeysArgs, @Ctx() ctx: Context): Promise<Page<ProviderKey>> {
    const page = await providerKeys.listProviderKeys(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(ProviderKey.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => ProviderKey, { description: 'Stores an upstream key, encrypted; it is never returned.' })
  async createProviderKey(
    @Arg('input', () => CreateProviderKeyInput) input: CreateProviderKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    return ProviderKey.from(await providerKeys.createProviderKey(scopeOf(ctx), ctx.services.secretBox, input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => ProviderKey, { description: 'Replaces the key value; the id, and routing naming it, stay.' })
  async rotateProviderKey(
    @Arg('id', () => ID) id: string,
    @Arg('key', () => String) key: string,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    return ProviderKey.from(await providerKeys.rotateProviderKey(scopeOf(ctx), ctx.services.secretBox, id, key));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => ProviderKey, { description: 'Renames or re-prioritises a key; omitted fields stay unchanged.' })
  async updateProviderKey(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProviderKeyInput) input: UpdateProviderKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    return ProviderKey.from(await providerKeys.updateProviderKey(scopeOf(ctx), id, input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'CONFLICT while a configuration routes to it.' })
  async deleteProviderKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await providerKeys.deleteProviderKey(scopeOf(ctx), id);
    return true;
  }
}
