import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type {
  IAccessKeyConfiguration,
  ProviderRoutingRule,
  ResponseCacheSettings,
} from '../../entities/access-key-configuration.entity.js';
import { DEFAULT_CACHE_TTL_SECONDS } from '../../services/access-key-configurations.js';
import { connectionType } from './connection.type.js';
import { RoutingStrategy } from './virtual-model.type.js';

@ObjectType({ description: 'Opt-in response cache: identical requests within the TTL are answered from the cache.' })
export class ResponseCache {
  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Int)
  ttlSeconds!: number;

  static from(c: ResponseCacheSettings | null | undefined): ResponseCache {
    return Object.assign(new ResponseCache(), {
      enabled: c?.enabled ?? false,
      ttlSeconds: c?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS,
    });
  }
}

@InputType()
export class ResponseCacheInput {
  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Int, { nullable: true, description: `Seconds an answer is reused; default ${DEFAULT_CACHE_TTL_SECONDS}, at most 7 days.` })
  ttlSeconds?: number | null;
}

@ObjectType({ description: 'How one provider is called: which of the account\'s keys, in order, and whether gateway credentials follow.' })
export class ProviderRouting {
  @Field(() => String)
  provider!: string;

  @Field(() => [ID], { description: 'The routed keys\' ids, in the order they are tried.' })
  providerKeyIds!: string[];

  @Field(() => Boolean, { description: 'Whether gateway credentials are tried after the keys (where the provider offers them).' })
  useGatewayCredentials!: boolean;

  @Field(() => RoutingStrategy)
  strategy!: RoutingStrategy;

  @Field(() => [Int], { description: 'One per routed key; WEIGHTED picks the first key by these weights.' })
  weights!: number[];

  static from(r: ProviderRoutingRule): ProviderRouting {
    return Object.assign(new ProviderRouting(), {
      provider: r.provider,
      providerKeyIds: [...r.providerKeyIds],
      useGatewayCredentials: r.useGatewayCredentials,
      strategy: (r.strategy ?? 'ORDERED') as RoutingStrategy,
      weights: r.weights ? [...r.weights] : r.providerKeyIds.map(() => 1),
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
  @Field(() => ResponseCache)
  cache!: ResponseCache;

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
      cache: ResponseCache.from(c.cache),
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

  @Field(() => RoutingStrategy, { nullable: true, description: 'Default ORDERED: keys tried in order.' })
  strategy?: RoutingStrategy | null;

  @Field(() => [Int], { nullable: true, description: 'One per key (default 1 each), 0 to 1000; used by WEIGHTED.' })
  weights?: number[] | null;
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
  @Field(() => ResponseCacheInput, { nullable: true, description: 'null: no response cache (the default).' })
  cache?: ResponseCacheInput | null;
}
