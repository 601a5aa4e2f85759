import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { compilePolicy } from '../../gateway/policies/compile.js';
import { evaluateRequest } from '../../gateway/policies/evaluate.js';
import * as policies from '../../services/firewall-policies.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { FirewallDecision } from '../types/firewall-decision.type.js';
import {
  FirewallPolicy,
  FirewallPolicyConnection,
  FirewallPolicyInput,
  FirewallPolicyTestResult,
} from '../types/firewall-policy.type.js';

@Authorized()
@Resolver(() => FirewallPolicy)
export class FirewallPolicyResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => FirewallPolicyConnection, { description: 'Firewall policies, newest first.' })
  async firewallPolicies(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<FirewallPolicy>> {
    const page = await policies.listFirewallPolicies(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(FirewallPolicy.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.VIEWER)
  @Query(() => FirewallPolicyTestResult, { description: 'Applies an (unsaved) policy to a sample text, as a chat user message, and says what it would do.' })
  testFirewallPolicy(
    @Arg('input', () => FirewallPolicyInput) input: FirewallPolicyInput,
    @Arg('text', () => String) text: string,
  ): FirewallPolicyTestResult {
    const policy = compilePolicy({ id: 'test', ...policies.parsePolicyInput(input) });
    const body = { messages: [{ role: 'user', content: text }] };
    const verdict = evaluateRequest([policy], 'chat', body);
    return Object.assign(new FirewallPolicyTestResult(), {
      blocked: verdict.block !== undefined,
      reason: verdict.block ? `${verdict.block.rule}: ${verdict.block.reason}` : null,
      redactedText: body.messages[0]!.content,
      decisions: verdict.decisions.map((d) => Object.assign(new FirewallDecision(), d)),
    });
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => FirewallPolicy)
  async createFirewallPolicy(@Arg('input', () => FirewallPolicyInput) input: FirewallPolicyInput, @Ctx() ctx: Context): Promise<FirewallPolicy> {
    return FirewallPolicy.from(await policies.createFirewallPolicy(scopeOf(ctx), input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => FirewallPolicy, { description: 'Replaces the whole policy; keys whose configuration attaches it follow at once.' })
  async updateFirewallPolicy(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => FirewallPolicyInput) input: FirewallPolicyInput,
    @Ctx() ctx: Context,
  ): Promise<FirewallPolicy> {
    return FirewallPolicy.from(await policies.updateFirewallPolicy(scopeOf(ctx), id, input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'CONFLICT while a configuration attaches it.' })
  async deleteFirewallPolicy(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await policies.deleteFirewallPolicy(scopeOf(ctx), id);
    return true;
  }
}
