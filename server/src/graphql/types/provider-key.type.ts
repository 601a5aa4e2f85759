import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { IProviderKey } from '../../entities/provider-key.entity.js';
import { PageArgs, connectionType } from './connection.type.js';

@ObjectType({ description: 'The account\'s own upstream key. Write-only: no field returns the key value.' })
export class ProviderKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  keyRedacted!: string;

  @Field(() => Int, { description: 'Lower is tried first (ties: older first) where no routing orders the keys.' })
  priority!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  static from(k: IProviderKey): ProviderKey {
    return Object.assign(new ProviderKey(), {
      id: k.id,
      provider: k.provider,
      name: k.name,
      keyRedacted: k.keyRedacted,
      priority: k.priority,
      createdAt: k.createdAt,
      updatedAt: k.updatedAt,
      lastUsedAt: k.lastUsedAt ?? null,
    });
  }
}

export const ProviderKeyConnection = connectionType(ProviderKey, 'ProviderKey');

@ArgsType()
export class ProviderKeysArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Only this provider\'s keys.' })
  provider?: string | null;
}

@InputType()
export class CreateProviderKeyInput {
  @Field(() => String, { description: 'A built-in provider id or one of the account\'s custom provider ids.' })
  provider!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The secret; stored encrypted, never returned.' })
  key!: string;

  @Field(() => Int, { nullable: true, description: 'Default 0; lower is tried first.' })
  priority?: number | null;
}

@InputType()
export class UpdateProviderKeyInput {
  @Field(() => String, { nullable: true, description: 'Omitted or null: unchanged.' })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: 'Omitted or null: unchanged.' })
  priority?: number | null;
}
