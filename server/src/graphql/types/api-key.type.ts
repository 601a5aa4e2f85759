import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IApiKey } from '../../entities/api-key.entity.js';
import type { Role as RoleName } from '../../services/roles.js';
import { connectionType } from './connection.type.js';
import { lowerRole } from '../../services/roles.js';
import { Role } from './role.type.js';

@ObjectType({ description: 'Admin-API key for scripts; the token is shown once at creation.' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  keyRedacted!: string;

  @Field(() => Role, { description: 'The role it was created with; effectiveRole is what it may do now.' })
  role!: RoleName;

  @Field(() => Role, {
    nullable: true,
    description: "What the key may do now: the lower of role and its creator's current role; null once its creator is no longer a member (the key is refused).",
  })
  effectiveRole!: RoleName | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  /** `creatorRole`: the creating member's current role, null when they are gone. */
  static from(k: IApiKey, creatorRole: RoleName | null): ApiKey {
    return Object.assign(new ApiKey(), {
      id: k.id,
      name: k.name,
      keyRedacted: k.keyRedacted,
      role: k.role,
      effectiveRole: creatorRole ? lowerRole(k.role, creatorRole) : null,
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

  @Field(() => Role, { nullable: true, description: "Default: the creator's role; never higher." })
  role?: RoleName | null;
}
