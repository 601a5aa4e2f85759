import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IAccessKey } from '../../entities/access-key.entity.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: 'An app\'s key for /v1 (ng-…); the token is shown once at creation.' })
export class AccessKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String)
  keyRedacted!: string;

  @Field(() => ID, { nullable: true })
  configurationId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  static from(k: IAccessKey): AccessKey {
    return Object.assign(new AccessKey(), {
      id: k.id,
      name: k.name,
      description: k.description ?? null,
      keyRedacted: k.keyRedacted,
      configurationId: k.configurationId ?? null,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt ?? null,
    });
  }
}

export const AccessKeyConnection = connectionType(AccessKey, 'AccessKey');

@ObjectType()
export class CreatedAccessKey {
  @Field(() => AccessKey)
  accessKey!: AccessKey;

  @Field(() => String, { description: 'Shown once; store it now.' })
  token!: string;
}

@InputType()
export class CreateAccessKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'null: no configuration (every provider and model, default routing).' })
  configurationId?: string | null;
}

@InputType({ description: 'Omitted fields stay unchanged.' })
export class UpdateAccessKeyInput {
  @Field(() => String, { nullable: true, description: 'Omitted or null: unchanged.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Omitted: unchanged; null or "": cleared.' })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'Omitted: unchanged; null: detach the configuration.' })
  configurationId?: string | null;
}
