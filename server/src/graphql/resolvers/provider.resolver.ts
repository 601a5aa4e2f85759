import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as customProviders from '../../services/custom-providers.js';
import { customProviderView, listProviders } from '../../services/providers.js';
import { callerOf, type Context } from '../context.js';
import { CustomProviderInput, Provider } from '../types/provider.type.js';

@Authorized()
@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => [Provider], { description: 'Built-in providers (catalog order), then the account\'s custom providers, with models.' })
  async providers(@Ctx() ctx: Context): Promise<Provider[]> {
    const views = await listProviders(ctx.em, callerOf(ctx).accountId, ctx.services.config);
    return views.map(Provider.from);
  }

  @Mutation(() => Provider, { description: 'Declares an OpenAI- or Anthropic-compatible endpoint and its models.' })
  async createCustomProvider(
    @Arg('input', () => CustomProviderInput) input: CustomProviderInput,
    @Ctx() ctx: Context,
  ): Promise<Provider> {
    const accountId = callerOf(ctx).accountId;
    const cp = await customProviders.createCustomProvider(ctx.em, accountId, input);
    ctx.services.events.publish({ kind: 'customProvider', accountId });
    return Provider.from(customProviderView(cp));
  }

  @Mutation(() => Provider, {
    description:
      'Replaces a custom provider (id: its current providerId). Renaming is refused while provider keys or ' +
      'configurations reference it; removing a model, while a configuration allows it.',
  })
  async updateCustomProvider(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CustomProviderInput) input: CustomProviderInput,
    @Ctx() ctx: Context,
  ): Promise<Provider> {
    const accountId = callerOf(ctx).accountId;
    const cp = await customProviders.updateCustomProvider(ctx.em, accountId, id, input);
    ctx.services.events.publish({ kind: 'customProvider', accountId });
    return Provider.from(customProviderView(cp));
  }

  @Mutation(() => Boolean, { description: 'CONFLICT while provider keys or configurations reference it.' })
  async deleteCustomProvider(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const accountId = callerOf(ctx).accountId;
    await customProviders.deleteCustomProvider(ctx.em, accountId, id);
    ctx.services.events.publish({ kind: 'customProvider', accountId });
    return true;
  }
}
