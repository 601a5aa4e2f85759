import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IApiKey } from '../../entities/api-key.entity.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: 'Admin-API key for scripts; the token is shown once at creation.' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  keyRedacted!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  static from(k: IApiKey): ApiKey {
    return Object.assign(new ApiKey(), {
      id: k.id,
      name: k.name,
      keyRedacted: k.keyRedacted,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt ?? null,
    });
  }
}

export const ApiKeyConnection = connectionType(ApiKey, 'ApiKey');

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'Shown once; store it now.' })
  token!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;
}
