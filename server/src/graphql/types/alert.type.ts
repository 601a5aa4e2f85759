import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { IAlertDelivery } from '../../entities/alert.entity.js';
import type { AlertSettingsView } from '../../services/alerts/alert-settings.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: 'Where alert webhooks go. The signing secret is write-only: only whether one is set shows.' })
export class AlertSettings {
  @Field(() => Boolean, { description: 'Alerts are sent (needs a URL and a signing secret).' })
  enabled!: boolean;

  @Field(() => String, { nullable: true })
  webhookUrl!: string | null;

  @Field(() => Boolean)
  webhookSecretSet!: boolean;

  @Field(() => String, { nullable: true, description: 'credits.balance_low fires when the credit balance falls below this (USD); null: never.' })
  lowBalanceThresholdUsd!: string | null;

  static from(v: AlertSettingsView): AlertSettings {
    return Object.assign(new AlertSettings(), v);
  }
}

@InputType()
export class AlertSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Omitted or null: unchanged.' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'http(s) URL; omitted: unchanged; null: removed (alerts off).' })
  webhookUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Write-only signing secret of your choice (≥ 16 characters); or generate one with rotateAlertWebhookSecret.' })
  webhookSecret?: string | null;

  @Field(() => String, { nullable: true, description: 'Decimal USD; omitted: unchanged; null: no low-balance alert.' })
  lowBalanceThresholdUsd?: string | null;
}

@ObjectType()
export class RotatedAlertWebhookSecret {
  @Field(() => String, { description: 'Shown once; store it now (verifies X-Gateway-Signature).' })
  secret!: string;

  @Field(() => AlertSettings)
  settings!: AlertSettings;
}

@ObjectType({ description: 'One alert and its delivery to the webhook.' })
export class AlertDelivery {
  @Field(() => ID, { description: 'Also the event id in the body.' })
  id!: string;

  @Field(() => String, { description: 'budget.threshold_reached | credits.balance_low | webhook.test' })
  eventType!: string;

  @Field(() => String, { description: 'pending | succeeded | failed' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status on the last attempt." })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once succeeded or failed.' })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { description: 'The JSON body sent (and signed).' })
  payload!: string;

  static from(d: IAlertDelivery): AlertDelivery {
    return Object.assign(new AlertDelivery(), {
      id: d.id,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      responseStatus: d.responseStatus ?? null,
      lastError: d.lastError ?? null,
      nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt ?? null) : null,
      lastAttemptAt: d.lastAttemptAt ?? null,
      deliveredAt: d.deliveredAt ?? null,
      createdAt: d.createdAt,
      payload: d.body,
    });
  }
}

export const AlertDeliveryConnection = connectionType(AlertDelivery, 'AlertDelivery');
