import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { listAuditEvents } from '../../services/audit.js';
import { Rule } from '../auth-checker.js';
import { callerOf, type Context } from '../context.js';
import { AuditEvent, AuditEventConnection, AuditFilter } from '../types/audit-event.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';

@Authorized()
@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized(Rule.ADMIN)
  @Query(() => AuditEventConnection, { description: "The organization's audit log, newest first." })
  async auditEvents(
    @Arg('filter', () => AuditFilter, { nullable: true }) filter: AuditFilter | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<AuditEvent>> {
    const page = await listAuditEvents(ctx.em, callerOf(ctx).accountId, filter, args);
    return { nodes: page.nodes.map(AuditEvent.from), pageInfo: page.pageInfo };
  }
}
