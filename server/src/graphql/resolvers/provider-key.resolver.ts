import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as providerKeys from '../../services/provider-keys.js';
import { callerOf, type Context } from '../context.js';
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
  @Query(() => ProviderKeyConnection, {
    description: 'Provider keys in the order the gateway tries them: priority (lowest first), then oldest first.',
  })
  async providerKeys(@Args(() => ProviderKeysArgs) args: ProviderKeysArgs, @Ctx() ctx: Context): Promise<Page<ProviderKey>> {
    const page = await providerKeys.listProviderKeys(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(ProviderKey.from), pageInfo: page.pageInfo };
  }

  @Mutation(() => ProviderKey, { description: 'Stores an upstream key, encrypted; it is never returned.' })
  async createProviderKey(
    @Arg('input', () => CreateProviderKeyInput) input: CreateProviderKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    const accountId = callerOf(ctx).accountId;
    const key = await providerKeys.createProviderKey(ctx.em, ctx.services.secretBox, accountId, input);
    ctx.services.events.publish({ kind: 'providerKey', accountId });
    return ProviderKey.from(key);
  }

  @Mutation(() => ProviderKey, { description: 'Replaces the key value; the id, and routing naming it, stay.' })
  async rotateProviderKey(
    @Arg('id', () => ID) id: string,
    @Arg('key', () => String) key: string,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    const accountId = callerOf(ctx).accountId;
    const updated = await providerKeys.rotateProviderKey(ctx.em, ctx.services.secretBox, accountId, id, key);
    ctx.services.events.publish({ kind: 'providerKey', accountId });
    return ProviderKey.from(updated);
  }

  @Mutation(() => ProviderKey, { description: 'Renames or re-prioritises a key; omitted fields stay unchanged.' })
  async updateProviderKey(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProviderKeyInput) input: UpdateProviderKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderKey> {
    const accountId = callerOf(ctx).accountId;
    const updated = await providerKeys.updateProviderKey(ctx.em, accountId, id, input);
    ctx.services.events.publish({ kind: 'providerKey', accountId });
    return ProviderKey.from(updated);
  }

  @Mutation(() => Boolean, { description: 'CONFLICT while a configuration routes to it.' })
  async deleteProviderKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const accountId = callerOf(ctx).accountId;
    await providerKeys.deleteProviderKey(ctx.em, accountId, id);
    ctx.services.events.publish({ kind: 'providerKey', accountId });
    return true;
  }
}
