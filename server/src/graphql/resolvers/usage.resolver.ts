import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import * as usage from '../../services/usage/usage-queries.js';
import { Rule } from '../auth-checker.js';
import { callerOf, type Context } from '../context.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { UsageBucket, UsageEvent, UsageEventConnection, UsageFilter, UsageSummaryArgs } from '../types/usage.type.js';

@Authorized()
@Resolver(() => UsageEvent)
export class UsageResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => UsageEventConnection, { description: 'Usage events, newest first.' })
  async usageEvents(
    @Arg('filter', () => UsageFilter, { nullable: true }) filter: UsageFilter | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<UsageEvent>> {
    const page = await usage.listUsageEvents(ctx.em, callerOf(ctx).accountId, filter, args);
    return { nodes: page.nodes.map(UsageEvent.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.VIEWER)
  @Query(() => [UsageBucket], { description: 'Requests, errors, tokens and cost grouped by day, provider, model or access key.' })
  async usageSummary(@Args(() => UsageSummaryArgs) args: UsageSummaryArgs, @Ctx() ctx: Context): Promise<UsageBucket[]> {
    const rows = await usage.summarizeUsage(ctx.em, callerOf(ctx).accountId, args.from, args.to, args.groupBy);
    return rows.map(UsageBucket.from);
  }
}
