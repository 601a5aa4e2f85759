import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as customProviders from '../../services/custom-providers.js';
import { customProviderView, listProviders } from '../../services/providers.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { CustomProviderInput, Provider } from '../types/provider.type.js';

@Authorized()
@Resolver(() => Provider)
export class ProviderResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => [Provider], { description: 'Built-in providers (catalog order), then the account\'s custom providers, with models.' })
  async providers(@Ctx() ctx: Context): Promise<Provider[]> {
    const views = await listProviders(ctx.em, callerOf(ctx).accountId, ctx.services.config);
    return views.map(Provider.from);
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Provider, { description: 'Declares an OpenAI- or Anthropic-compatible endpoint and its models.' })
  async createCustomProvider(
    @Arg('input', () => CustomProviderInput) input: CustomProviderInput,
    @Ctx() ctx: Context,
  ): Promise<Provider> {
    const cp = await customProviders.createCustomProvider(scopeOf(ctx), input);
    return Provider.from(customProviderView(cp));
  }

  @Authorized(Rule.ADMIN)
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
    const cp = await customProviders.updateCustomProvider(scopeOf(ctx), id, input);
    return Provider.from(customProviderView(cp));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'CONFLICT while provider keys or configurations reference it.' })
  async deleteCustomProvider(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await customProviders.deleteCustomProvider(scopeOf(ctx), id);
    return true;
  }
}
