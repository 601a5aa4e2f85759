import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import * as apiKeys from '../../services/api-keys.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { ApiKey, ApiKeyConnection, CreateApiKeyInput, CreatedApiKey } from '../types/api-key.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';

@Authorized()
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(Rule.DEVELOPER)
  @Query(() => ApiKeyConnection, { description: 'Active (unrevoked) API keys, newest first.' })
  async apiKeys(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<ApiKey>> {
    const { accountId } = callerOf(ctx);
    const page = await apiKeys.listApiKeys(ctx.em, accountId, args);
    const roleOf = await apiKeys.creatorRoles(ctx.em, accountId, page.nodes);
    return { nodes: page.nodes.map((k) => ApiKey.from(k, (k.memberId && roleOf.get(k.memberId)) || null)), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key (token shown once) acting with at most your role. Needs a signed-in session: an API key cannot create one.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    const { apiKey, token } = await apiKeys.createApiKey(scopeOf(ctx), callerOf(ctx), input);
    // The key's role is at most the caller's, which is at most the creating member's own role.
    return { apiKey: ApiKey.from(apiKey, apiKey.role), token };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: "Revokes an API key. Only an OWNER revokes an OWNER's key." })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return apiKeys.revokeApiKey(scopeOf(ctx), callerOf(ctx), id);
  }
}
