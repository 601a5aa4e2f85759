import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { IAccount } from '../../entities/account.entity.js';

@ObjectType()
export class AccountSettings {
  @Field(() => Int, { description: 'Cap on the whole /v1 request, all attempts included.' })
  totalTimeoutMs!: number;

  @Field(() => Int, { description: 'Cap on each upstream attempt.' })
  perAttemptTimeoutMs!: number;

  @Field(() => Int, { nullable: true, description: 'Estimated input tokens above this are refused (request_too_large); null: no cap.' })
  maxInputTokens!: number | null;

  @Field(() => Int, { nullable: true, description: 'Requests asking for more output tokens, or not saying, are sent with this; null: no cap.' })
  maxOutputTokens!: number | null;
}

@ObjectType()
export class Account {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => AccountSettings)
  settings!: AccountSettings;

  @Field(() => Date)
  createdAt!: Date;

  static from(a: IAccount): Account {
    return Object.assign(new Account(), {
      id: a.id,
      email: a.email,
      name: a.name ?? null,
      createdAt: a.createdAt,
      settings: {
        totalTimeoutMs: a.totalTimeoutMs,
        perAttemptTimeoutMs: a.perAttemptTimeoutMs,
        maxInputTokens: a.maxInputTokens ?? null,
        maxOutputTokens: a.maxOutputTokens ?? null,
      },
    });
  }
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { description: 'Session token: send as Authorization: Bearer <token>.' })
  token!: string;

  @Field(() => Account)
  account!: Account;
}

@InputType()
export class SignUpInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class LogInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType({ description: "The signed-in member's current password and the new one (the password policy applies)." })
export class ChangePasswordInput {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String)
  newPassword!: string;
}

@InputType()
export class AccountSettingsInput {
  @Field(() => Int, { nullable: true })
  totalTimeoutMs?: number | null;

  @Field(() => Int, { nullable: true })
  perAttemptTimeoutMs?: number | null;

  @Field(() => Int, { nullable: true, description: 'Omitted: unchanged; null: no cap.' })
  maxInputTokens?: number | null;

  @Field(() => Int, { nullable: true, description: 'Omitted: unchanged; null: no cap.' })
  maxOutputTokens?: number | null;
}
