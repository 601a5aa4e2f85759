import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { publicBaseUrl } from '../../config.js';
import * as invitations from '../../services/invitations.js';
import * as members from '../../services/members.js';
import type { Role as RoleName } from '../../services/roles.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { Account, AuthPayload } from '../types/account.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import {
  AcceptInvitationInput,
  CreatedInvitation,
  Invitation,
  InvitationConnection,
  InviteMemberInput,
  Member,
  MemberConnection,
} from '../types/member.type.js';
import { InvitationPreview } from '../types/invitation-preview.type.js';
import { Role } from '../types/role.type.js';
import { clientOf } from './account.resolver.js';

@Authorized()
@Resolver(() => Member)
export class MemberResolver {
  @Authorized(Rule.DEVELOPER)
  @Query(() => MemberConnection, { description: 'Members of the organization, newest first.' })
  async members(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Member>> {
    const page = await members.listMembers(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(Member.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.DEVELOPER)
  @Query(() => InvitationConnection, { description: 'Pending invitations (not accepted, revoked or expired), newest first.' })
  async invitations(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Invitation>> {
    const page = await invitations.listInvitations(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(Invitation.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => CreatedInvitation, { description: 'Invites an email with a role; the token is shown once and expires in 7 days. Only an OWNER invites an OWNER.' })
  async inviteMember(@Arg('input', () => InviteMemberInput) input: InviteMemberInput, @Ctx() ctx: Context): Promise<CreatedInvitation> {
    const delivery = { mailer: ctx.services.mailer, baseUrl: publicBaseUrl(ctx.services.config) };
    const { invitation, token, emailSent } = await invitations.inviteMember(scopeOf(ctx), callerOf(ctx), input, ctx.services.invitationThrottle, delivery);
    return { invitation: Invitation.from(invitation), token, emailSent };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'Revokes a pending invitation.' })
  async revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return invitations.revokeInvitation(scopeOf(ctx), id);
  }

  @Authorized(Rule.PUBLIC)
  @Query(() => InvitationPreview, {
    nullable: true,
    description:
      'What an invitation offers and whether acceptInvitation would take it now (no sign-in needed); null for an unknown token. ' +
      'Rate limited per client IP together with signUp, logIn and acceptInvitation.',
  })
  async invitationPreview(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<InvitationPreview | null> {
    // Counted with acceptInvitation's attempts: guessing tokens through either costs from one allowance.
    await ctx.services.authRateLimiter.consume(ctx.clientIp);
    const preview = await invitations.previewInvitation(ctx.em, token);
    return preview ? InvitationPreview.from(preview) : null;
  }

  @Authorized(Rule.PUBLIC)
  @Mutation(() => AuthPayload, { description: 'Accepts an invitation (no sign-in needed): creates your login and signs you in. Rate limited per client IP.' })
  async acceptInvitation(
    @Arg('token', () => String) token: string,
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    await ctx.services.authRateLimiter.consume(ctx.clientIp);
    const result = await invitations.acceptInvitation(ctx.em, token, input, clientOf(ctx));
    return { token: result.token, account: Account.from(result.account) };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Member, { description: "Changes a member's role at once (their sessions included). Only an OWNER changes or grants OWNER; the last OWNER stays (CONFLICT)." })
  async updateMemberRole(@Arg('id', () => ID) id: string, @Arg('role', () => Role) role: RoleName, @Ctx() ctx: Context): Promise<Member> {
    return Member.from(await members.updateMemberRole(scopeOf(ctx), callerOf(ctx), id, role));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'Removes a member (or yourself): their sessions end and their API keys are revoked. Only an OWNER removes an OWNER; the last OWNER stays (CONFLICT).' })
  async removeMember(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return members.removeMember(scopeOf(ctx), callerOf(ctx), id);
  }
}
