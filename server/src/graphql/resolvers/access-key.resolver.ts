import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import * as accessKeys from '../../services/access-keys.js';
import { formatUsd } from '../../services/credits/money.js';
import { findConfiguration } from '../../services/access-key-configurations.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import {
  AccessKey,
  AccessKeyConnection,
  CreateAccessKeyInput,
  CreatedAccessKey,
  UpdateAccessKeyInput,
} from '../types/access-key.type.js';
import { AccessKeyConfiguration } from '../types/access-key-configuration.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';

@Authorized()
@Resolver(() => AccessKey)
export class AccessKeyResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => AccessKeyConnection, { description: 'Active (unrevoked) access keys, newest first.' })
  async accessKeys(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<AccessKey>> {
    const page = await accessKeys.listAccessKeys(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(AccessKey.from), pageInfo: page.pageInfo };
  }

  @FieldResolver(() => String, { description: 'Spend in the current budget period (all time without a budget), USD.' })
  async spentUsd(@Root() key: AccessKey, @Ctx() ctx: Context): Promise<string> {
    return formatUsd((await ctx.services.credits.keySpend(ctx.em, key.id, key.limits.budgetPeriod)).spentNano);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When the budget period ends (null: no budget, or TOTAL).' })
  periodResetsAt(@Root() key: AccessKey, @Ctx() ctx: Context): Date | null {
    return key.limits.budgetPeriod ? ctx.services.credits.periodResetsAt(key.limits.budgetPeriod) : null;
  }

  @FieldResolver(() => AccessKeyConfiguration, { nullable: true })
  async configuration(@Root() key: AccessKey, @Ctx() ctx: Context): Promise<AccessKeyConfiguration | null> {
    if (!key.configurationId) return null;
    const c = await findConfiguration(ctx.em, callerOf(ctx).accountId, key.configurationId);
    return c ? AccessKeyConfiguration.from(c) : null;
  }

  @Authorized(Rule.DEVELOPER)
  @Mutation(() => CreatedAccessKey, { description: 'Issues an ng-… token for /v1; shown once.' })
  async createAccessKey(
    @Arg('input', () => CreateAccessKeyInput) input: CreateAccessKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedAccessKey> {
    const { accessKey, token } = await accessKeys.createAccessKey(scopeOf(ctx), input, ctx.services.credits.now());
    return { accessKey: AccessKey.from(accessKey), token };
  }

  @Authorized(Rule.DEVELOPER)
  @Mutation(() => AccessKey, { description: 'Omitted fields stay unchanged; configurationId: null detaches the configuration.' })
  async updateAccessKey(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateAccessKeyInput) input: UpdateAccessKeyInput,
    @Ctx() ctx: Context,
  ): Promise<AccessKey> {
    return AccessKey.from(await accessKeys.updateAccessKey(scopeOf(ctx), id, input, ctx.services.credits.now()));
  }

  @Authorized(Rule.DEVELOPER)
  @Mutation(() => Boolean, { description: 'Revokes the key at once; /v1 rejects it from then on.' })
  async revokeAccessKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await accessKeys.revokeAccessKey(scopeOf(ctx), id);
    return true;
  }
}
