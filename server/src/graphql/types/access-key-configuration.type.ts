import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IAccessKeyConfiguration, ProviderRoutingRule } from '../../entities/access-key-configuration.entity.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: 'How one provider is called: which of the account\'s keys, in order, and whether gateway credentials follow.' })
export class ProviderRouting {
  @Field(() => String)
  provider!: string;

  @Field(() => [ID], { description: 'The routed keys\' ids, in the order they are tried.' })
  providerKeyIds!: string[];

  @Field(() => Boolean, { description: 'Whether gateway credentials are tried after the keys (where the provider offers them).' })
  useGatewayCredentials!: boolean;

  static from(r: ProviderRoutingRule): ProviderRouting {
    return Object.assign(new ProviderRouting(), {
      provider: r.provider,
      providerKeyIds: [...r.providerKeyIds],
      useGatewayCredentials: r.useGatewayCredentials,
    });
  }
}

@ObjectType({ description: 'What access keys using it may call, and how providers are routed.' })
export class AccessKeyConfiguration {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String], { nullable: true, description: 'null: every provider; []: none.' })
  allowedProviders!: string[] | null;

  @Field(() => [String], { nullable: true, description: 'null: every model; entries "provider:model".' })
  allowedModels!: string[] | null;

  @Field(() => [ProviderRouting])
  routing!: ProviderRouting[];

  /** Resolved to `firewallPolicies` by the resolver. */
  firewallPolicyIds!: string[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(c: IAccessKeyConfiguration): AccessKeyConfiguration {
    return Object.assign(new AccessKeyConfiguration(), {
      id: c.id,
      name: c.name,
      allowedProviders: c.allowedProviders ? [...c.allowedProviders] : null,
      allowedModels: c.allowedModels ? [...c.allowedModels] : null,
      routing: c.routing.map(ProviderRouting.from),
      firewallPolicyIds: [...c.firewallPolicyIds],
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  }
}

export const AccessKeyConfigurationConnection = connectionType(AccessKeyConfiguration, 'AccessKeyConfiguration');

@InputType()
export class ProviderRoutingInput {
  @Field(() => String)
  provider!: string;

  @Field(() => [ID], { description: 'The account\'s keys for this provider, in the order to try them.' })
  providerKeyIds!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  useGatewayCredentials?: boolean | null;
}

@InputType({ description: 'The whole configuration: an update replaces every field (omitted lists mean "all" / no routing).' })
export class AccessKeyConfigurationInput {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { nullable: true, description: 'null: all; []: none. Known provider ids.' })
  allowedProviders?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'null: all; entries "provider:model" (split on the first ":").' })
  allowedModels?: string[] | null;

  @Field(() => [ProviderRoutingInput], { nullable: true, description: 'At most one entry per provider.' })
  routing?: ProviderRoutingInput[] | null;

  @Field(() => [ID], { nullable: true, description: 'Firewall policies applied to every request, in order. null: none.' })
  firewallPolicyIds?: string[] | null;
}
