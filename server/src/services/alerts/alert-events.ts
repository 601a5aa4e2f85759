/**
 * Alert webhook events: their type names and body. The body is what Stripe's events look like:
 * `{ id, type, created, account, data }`, `created` in unix seconds, amounts as decimal USD strings.
 */
export const ALERT_EVENT_TYPES = {
  /** An access key's spend reached 80% or 100% of its budget in the current period. */
  budgetThreshold: 'budget.threshold_reached',
  /** The organization's credit balance fell below its low-balance threshold. */
  lowBalance: 'credits.balance_low',
  /** Sent on request from Settings (sendTestWebhook). */
  test: 'webhook.test',
} as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[keyof typeof ALERT_EVENT_TYPES];

/** Budget thresholds alerted on, in percent of the budget. */
export const BUDGET_THRESHOLDS = [80, 100] as const;

export interface BudgetThresholdData {
  accessKey: { id: string; name: string };
  thresholdPercent: number;
  budgetUsd: string;
  spentUsd: string;
  period: string;
  periodStart: string;
  /** null for TOTAL. */
  periodResetsAt: string | null;
  /** `spent`: spend reached the threshold; `refused`: a request was refused with budget_exceeded (100% only). */
  reason: 'spent' | 'refused';
}

export interface LowBalanceData {
  balanceUsd: string;
  thresholdUsd: string;
}

/** The exact bytes sent (and signed) for an event. */
export function alertBody(event: { id: string; type: AlertEventType; createdMs: number; accountId: string; data: object }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created: Math.floor(event.createdMs / 1000),
    account: event.accountId,
    data: event.data,
  });
}
