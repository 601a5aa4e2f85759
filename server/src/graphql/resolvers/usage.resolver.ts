import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import * as usage from '../../services/usage/usage-queries.js';
import { Rule } from '../auth-checker.js';
import { callerOf, type Context } from '../context.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { UsageBucket, UsageEvent, UsageEventConnection, UsageEventStorage, UsageFilter, UsageSummaryArgs } from '../types/usage.type.js';

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
  @Query(() => [UsageBucket], {
    description: 'Requests, errors, tokens, cost and spend grouped by hour, day, provider, model or access key (from hourly rollups; the range widens to whole UTC hours).',
  })
  async usageSummary(@Args(() => UsageSummaryArgs) args: UsageSummaryArgs, @Ctx() ctx: Context): Promise<UsageBucket[]> {
    const rows = await usage.summarizeUsage(ctx.em, callerOf(ctx).accountId, args, args.groupBy, args.filter);
    return rows.map(UsageBucket.from);
  }

  @Authorized(Rule.VIEWER)
  @Query(() => UsageEvent, { nullable: true, description: 'One request with every attempt, by its x-request-id; null when unknown.' })
  async usageRequest(@Arg('requestId', () => String) requestId: string, @Ctx() ctx: Context): Promise<UsageEvent | null> {
    const event = await usage.findUsageRequest(ctx.em, callerOf(ctx).accountId, requestId);
    return event ? UsageEvent.from(event) : null;
  }

  @Authorized(Rule.VIEWER)
  @Query(() => UsageEventStorage, {
    description: 'Which requests get a usage event on this gateway: the events list, usageRequest and the CSV export hold only those.',
  })
  usageEventStorage(@Ctx() ctx: Context): UsageEventStorage {
    return STORAGE[ctx.services.config.usageEvents];
  }
}

const STORAGE = { all: UsageEventStorage.ALL, errors: UsageEventStorage.ERRORS, off: UsageEventStorage.OFF } as const;
