import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as virtualModels from '../../services/virtual-models.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { VirtualModel, VirtualModelConnection, VirtualModelInput } from '../types/virtual-model.type.js';

@Authorized()
@Resolver(() => VirtualModel)
export class VirtualModelResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => VirtualModelConnection, { description: 'Virtual models, newest first.' })
  async virtualModels(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<VirtualModel>> {
    const page = await virtualModels.listVirtualModels(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(VirtualModel.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => VirtualModel, { description: 'BAD_USER_INPUT for a malformed or catalog name or unknown targets; CONFLICT for a taken name.' })
  async createVirtualModel(@Arg('input', () => VirtualModelInput) input: VirtualModelInput, @Ctx() ctx: Context): Promise<VirtualModel> {
    return VirtualModel.from(await virtualModels.createVirtualModel(scopeOf(ctx), input, ctx.services.config.catalog));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => VirtualModel, { description: 'Replaces the whole virtual model, targets included; every instance follows within a second.' })
  async updateVirtualModel(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => VirtualModelInput) input: VirtualModelInput,
    @Ctx() ctx: Context,
  ): Promise<VirtualModel> {
    return VirtualModel.from(await virtualModels.updateVirtualModel(scopeOf(ctx), id, input, ctx.services.config.catalog));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean)
  async deleteVirtualModel(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await virtualModels.deleteVirtualModel(scopeOf(ctx), id);
    return true;
  }
}
