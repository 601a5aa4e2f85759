import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IAccessKey } from '../../entities/access-key.entity.js';
import type { BudgetPeriod as Period } from '../../services/credits/budget-period.js';
import { keyLimitsOf } from '../../services/key-limits.js';
import { connectionType } from './connection.type.js';

export enum BudgetPeriod {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  TOTAL = 'TOTAL',
}
registerEnumType(BudgetPeriod, {
  name: 'BudgetPeriod',
  description: 'UTC calendar day, ISO week (from Monday), calendar month; TOTAL never resets.',
});

@ObjectType({ description: 'What an access key may do; null: no limit.' })
export class AccessKeyLimits {
  @Field(() => String, { nullable: true, description: 'Spend (fee + provider cost at catalog prices) allowed per budgetPeriod, USD.' })
  budgetUsd!: string | null;

  @Field(() => BudgetPeriod, { nullable: true })
  budgetPeriod!: BudgetPeriod | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute!: number | null;

  @Field(() => Int, { nullable: true, description: 'Estimated input + requested output tokens, corrected by actual usage.' })
  tokensPerMinute!: number | null;

  @Field(() => Date, { nullable: true, description: 'After this /v1 answers invalid_api_key (expired).' })
  expiresAt!: Date | null;
}

@InputType({ description: 'Omitted fields stay unchanged; null clears a limit. A budget without a period is per MONTH.' })
export class AccessKeyLimitsInput {
  @Field(() => String, { nullable: true })
  budgetUsd?: string | null;

  @Field(() => BudgetPeriod, { nullable: true })
  budgetPeriod?: Period | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  tokensPerMinute?: number | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}

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

  @Field(() => AccessKeyLimits)
  limits!: AccessKeyLimits;

  static from(k: IAccessKey): AccessKey {
    return Object.assign(new AccessKey(), {
      id: k.id,
      name: k.name,
      description: k.description ?? null,
      keyRedacted: k.keyRedacted,
      configurationId: k.configurationId ?? null,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt ?? null,
      limits: keyLimitsOf(k),
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

  @Field(() => AccessKeyLimitsInput, { nullable: true })
  limits?: AccessKeyLimitsInput | null;
}

@InputType({ description: 'Omitted fields stay unchanged.' })
export class UpdateAccessKeyInput {
  @Field(() => String, { nullable: true, description: 'Omitted or null: unchanged.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Omitted: unchanged; null or "": cleared.' })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'Omitted: unchanged; null: detach the configuration.' })
  configurationId?: string | null;

  @Field(() => AccessKeyLimitsInput, { nullable: true, description: 'Omitted: unchanged; inside it, null clears a limit.' })
  limits?: AccessKeyLimitsInput | null;
}
