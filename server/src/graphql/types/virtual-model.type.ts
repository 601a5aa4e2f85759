import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IVirtualModel, VirtualModelTarget as TargetRecord } from '../../entities/virtual-model.entity.js';
import { connectionType } from './connection.type.js';

export enum RoutingStrategy {
  ORDERED = 'ORDERED',
  WEIGHTED = 'WEIGHTED',
}
registerEnumType(RoutingStrategy, {
  name: 'RoutingStrategy',
  description: 'ORDERED: tried in order. WEIGHTED: the first is picked by weight (smooth weighted round-robin), the rest follow in order.',
});

@ObjectType()
export class VirtualModelTarget {
  @Field(() => String, { description: 'A catalog model id or "provider:model".' })
  model!: string;

  @Field(() => Int, { description: 'Share of first picks under WEIGHTED (0: fallback only).' })
  weight!: number;

  static from(t: TargetRecord): VirtualModelTarget {
    return Object.assign(new VirtualModelTarget(), { model: t.model, weight: t.weight });
  }
}

@ObjectType({ description: 'A name usable as `model` or in `models`, standing for an ordered or weighted list of real models.' })
export class VirtualModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => RoutingStrategy)
  strategy!: RoutingStrategy;

  @Field(() => [VirtualModelTarget])
  targets!: VirtualModelTarget[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(vm: IVirtualModel): VirtualModel {
    return Object.assign(new VirtualModel(), {
      id: vm.id,
      name: vm.name,
      description: vm.description ?? null,
      strategy: vm.strategy as RoutingStrategy,
      targets: vm.targets.map(VirtualModelTarget.from),
      createdAt: vm.createdAt,
      updatedAt: vm.updatedAt,
    });
  }
}

export const VirtualModelConnection = connectionType(VirtualModel, 'VirtualModel');

@InputType()
export class VirtualModelTargetInput {
  @Field(() => String, { description: 'A catalog model id or "provider:model".' })
  model!: string;

  @Field(() => Int, { nullable: true, description: 'Default 1; 0 to 1000.' })
  weight?: number | null;
}

@InputType({ description: 'The whole virtual model: an update replaces every field, targets included.' })
export class VirtualModelInput {
  @Field(() => String, { description: '[a-z0-9][a-z0-9._-]*, at most 64 characters, not a catalog model id.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => RoutingStrategy, { nullable: true, description: 'Default ORDERED.' })
  strategy?: RoutingStrategy | null;

  @Field(() => [VirtualModelTargetInput], { description: '1 to 20 targets, in fallback order.' })
  targets!: VirtualModelTargetInput[];
}
