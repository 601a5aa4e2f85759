import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import * as configurations from '../../services/access-key-configurations.js';
import { getFirewallPoliciesByIds } from '../../services/firewall-policies.js';
import { getProviderKeysByIds } from '../../services/provider-keys.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import {
  AccessKeyConfiguration,
  AccessKeyConfigurationConnection,
  AccessKeyConfigurationInput,
  ProviderRouting,
} from '../types/access-key-configuration.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';
import { FirewallPolicy } from '../types/firewall-policy.type.js';
import { ProviderKey } from '../types/provider-key.type.js';

@Authorized()
@Resolver(() => AccessKeyConfiguration)
export class AccessKeyConfigurationResolver {
  @Authorized(Rule.VIEWER)
  @Query(() => AccessKeyConfigurationConnection, { description: 'Access key configurations, newest first.' })
  async accessKeyConfigurations(
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<AccessKeyConfiguration>> {
    const page = await configurations.listConfigurations(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(AccessKeyConfiguration.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => AccessKeyConfiguration)
  async createAccessKeyConfiguration(
    @Arg('input', () => AccessKeyConfigurationInput) input: AccessKeyConfigurationInput,
    @Ctx() ctx: Context,
  ): Promise<AccessKeyConfiguration> {
    return AccessKeyConfiguration.from(await configurations.createConfiguration(scopeOf(ctx), input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => AccessKeyConfiguration, { description: 'Replaces the whole configuration; keys using it follow at once.' })
  async updateAccessKeyConfiguration(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AccessKeyConfigurationInput) input: AccessKeyConfigurationInput,
    @Ctx() ctx: Context,
  ): Promise<AccessKeyConfiguration> {
    return AccessKeyConfiguration.from(await configurations.updateConfiguration(scopeOf(ctx), id, input));
  }

  @FieldResolver(() => [FirewallPolicy], { description: 'Applied to every request of keys using this configuration, in order.' })
  async firewallPolicies(@Root() configuration: AccessKeyConfiguration, @Ctx() ctx: Context): Promise<FirewallPolicy[]> {
    const rows = await getFirewallPoliciesByIds(ctx.em, callerOf(ctx).accountId, configuration.firewallPolicyIds);
    return rows.map(FirewallPolicy.from);
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => Boolean, { description: 'CONFLICT while an active access key uses it.' })
  async deleteAccessKeyConfiguration(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await configurations.deleteConfiguration(scopeOf(ctx), id);
    return true;
  }
}

@Authorized()
@Resolver(() => ProviderRouting)
export class ProviderRoutingResolver {
  @FieldResolver(() => [ProviderKey], { description: 'The routed keys, in the order they are tried.' })
  async providerKeys(@Root() routing: ProviderRouting, @Ctx() ctx: Context): Promise<ProviderKey[]> {
    const keys = await getProviderKeysByIds(ctx.em, callerOf(ctx).accountId, routing.providerKeyIds);
    return keys.map(ProviderKey.from);
  }
}
