import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AlertDelivery, AlertSettings, type IAlertDelivery, type IAlertSettings } from '../../entities/alert.entity.js';
import type { AuditDetails } from '../../entities/audit-event.entity.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { Page } from '../../graphql/types/connection.type.js';
import { auditChanges, type AuditSnapshot } from '../audit-details.js';
import { formatUsd, parseDecimal } from '../credits/money.js';
import type { SecretBox } from '../crypto.js';
import { mutate, type MutationScope } from '../mutation.js';
import { paginate } from '../pagination.js';
import { parseInput } from '../validate.js';
import { ALERT_EVENT_TYPES, alertBody } from './alert-events.js';
import { generateWebhookSecret } from './webhook-signature.js';

/** Binds a sealed signing secret to its organization (a ciphertext copied to another row does not decrypt). */
export function alertSecretAad(accountId: string): string {
  return `alert-webhook-secret:${accountId}`;
}

/** What the admin API shows of the settings: never the secret, only whether one is set. */
export interface AlertSettingsView {
  enabled: boolean;
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  lowBalanceThresholdUsd: string | null;
}

const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
    if (url.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a fragment' });
  });

/** A secret the customer chose: printable ASCII, long enough to be one. Messages never echo it. */
const webhookSecretSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(256, 'must be at most 256 characters')
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'must be printable ASCII without spaces');

const thresholdSchema = z.string().transform((value, ctx) => {
  const nano = parseDecimal(value);
  if (nano === undefined || nano < 0n) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative decimal amount of USD with at most 9 decimals' });
    return z.NEVER;
  }
  if (nano > 1_000_000_000n * 1_000_000_000n) {
    ctx.addIssue({ code: 'custom', message: 'must be at most 1000000000' });
    return z.NEVER;
  }
  return nano;
});

const UpdateSchema = z.object({
  enabled: z.boolean().nullish(),
  webhookUrl: webhookUrlSchema.nullish(),
  webhookSecret: webhookSecretSchema.nullish(),
  lowBalanceThresholdUsd: thresholdSchema.nullish(),
});

export interface AlertSettingsInput {
  /** Omitted or null: unchanged. */
  enabled?: boolean | null;
  /** Omitted: unchanged; null: removed (alerts then stay off). */
  webhookUrl?: string | null;
  /** Write-only; omitted or null: unchanged. */
  webhookSecret?: string | null;
  /** Omitted: unchanged; null: no low-balance alert. */
  lowBalanceThresholdUsd?: string | null;
}

function viewOf(row: IAlertSettings | null): AlertSettingsView {
  return {
    enabled: row?.enabled ?? false,
    webhookUrl: row?.webhookUrl ?? null,
    webhookSecretSet: Boolean(row?.encryptedSecret),
    lowBalanceThresholdUsd: row?.lowBalanceThresholdNano == null ? null : formatUsd(BigInt(row.lowBalanceThresholdNano)),
  };
}

export async function getAlertSettings(em: EntityManager, accountId: string): Promise<AlertSettingsView> {
  return viewOf(await em.findOne(AlertSettings, { accountId }));
}

async function settingsRow(em: EntityManager, accountId: string): Promise<IAlertSettings> {
  return (await em.findOne(AlertSettings, { accountId })) ?? em.create(AlertSettings, { accountId, enabled: false, lowBalanceArmed: true });
}

const audit = (action: string, accountId: string, details?: AuditDetails) => ({ audit: { action, targetType: 'organization', targetId: accountId, details } });

/**
 * Alert settings as the audit log compares them: the webhook only by its host, since a webhook URL
 * is often a credential itself (Slack, Discord), and the signing secret never.
 */
function audited(row: IAlertSettings): AuditSnapshot {
  return {
    enabled: row.enabled,
    webhookHost: row.webhookUrl ? new URL(row.webhookUrl).host : null,
    lowBalanceThresholdUsd: row.lowBalanceThresholdNano == null ? null : formatUsd(BigInt(row.lowBalanceThresholdNano)),
  };
}

export async function updateAlertSettings(scope: MutationScope, box: SecretBox, input: AlertSettingsInput): Promise<AlertSettingsView> {
  const data = parseInput(UpdateSchema, input);
  const accountId = scope.actor.accountId;
  const { row } = await mutate(
    scope,
    async (em) => {
      const row = await settingsRow(em, accountId);
      const before = audited(row);
      const previousUrl = row.webhookUrl ?? null;
      if (data.webhookUrl !== undefined) row.webhookUrl = data.webhookUrl;
      if (data.webhookSecret != null) row.encryptedSecret = box.encrypt(data.webhookSecret, alertSecretAad(accountId));
      if (data.lowBalanceThresholdUsd !== undefined) {
        const next = data.lowBalanceThresholdUsd === null ? null : data.lowBalanceThresholdUsd.toString();
        // A new threshold is a new watch: it may alert even if the old one already did.
        if (next !== (row.lowBalanceThresholdNano ?? null)) row.lowBalanceArmed = true;
        row.lowBalanceThresholdNano = next;
      }
      if (data.enabled != null) row.enabled = data.enabled;
      if (row.webhookUrl === null) row.enabled = false;
      if (row.enabled && !row.encryptedSecret) {
        throw new ValidationError('Set a signing secret (webhookSecret or rotateAlertWebhookSecret) before enabling alerts.');
      }
      // Whether the URL or the secret changed is recorded, never their values (see audited).
      const changedFlags = { webhookUrlChanged: previousUrl !== (row.webhookUrl ?? null) || null, signingSecretChanged: data.webhookSecret != null || null };
      return { row, details: auditChanges(before, audited(row), changedFlags) };
    },
    ({ details }) => audit('alertWebhook.update', accountId, details),
  );
  return viewOf(row);
}

/** A new signing secret, generated here and returned this once; the old one stops signing at once. */
export async function rotateAlertWebhookSecret(scope: MutationScope, box: SecretBox): Promise<{ secret: string; settings: AlertSettingsView }> {
  const accountId = scope.actor.accountId;
  const secret = generateWebhookSecret();
  const row = await mutate(
    scope,
    async (em) => {
      const row = await settingsRow(em, accountId);
      row.encryptedSecret = box.encrypt(secret, alertSecretAad(accountId));
      return row;
    },
    () => audit('alertWebhook.rotateSecret', accountId),
  );
  return { secret, settings: viewOf(row) };
}

const MAX_PENDING_TESTS = 5;

/** Queues a `webhook.test` event (delivered even while alerts are off, so the endpoint can be tried first). */
export async function sendTestWebhook(scope: MutationScope, now: number): Promise<IAlertDelivery> {
  const accountId = scope.actor.accountId;
  return mutate(
    scope,
    async (em) => {
      const row = await em.findOne(AlertSettings, { accountId });
      if (!row?.webhookUrl || !row.encryptedSecret) throw new ValidationError('Set a webhook URL and a signing secret first.');
      // Test events may not pile up: the gateway must not become a way to flood a URL.
      const waiting = await em.count(AlertDelivery, { accountId, eventType: ALERT_EVENT_TYPES.test, status: 'pending' });
      if (waiting >= MAX_PENDING_TESTS) {
        throw new RateLimitError(`${waiting} test webhooks are still waiting for delivery; wait for them (see alertDeliveries).`, 60);
      }
      const id = randomUUID();
      const body = alertBody({ id, type: ALERT_EVENT_TYPES.test, createdMs: now, accountId, data: { message: 'Test webhook from the gateway.' } });
      return em.create(AlertDelivery, {
        id,
        accountId,
        eventType: ALERT_EVENT_TYPES.test,
        dedupeKey: null,
        body,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(now),
        createdAt: new Date(now),
      });
    },
    (delivery) => ({ audit: { action: 'alertWebhook.test', targetType: 'alertDelivery', targetId: delivery.id } }),
  );
}

export function listAlertDeliveries(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IAlertDelivery>> {
  return paginate(em, AlertDelivery, { accountId }, args);
}
