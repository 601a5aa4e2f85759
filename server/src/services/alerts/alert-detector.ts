import type { Sql } from '../../db/pool.js';
import { isBudgetPeriod, periodBounds, type BudgetPeriod } from '../credits/budget-period.js';
import { spentBetween } from '../credits/budget-store.js';
import { unexpiredBalance } from '../credits/credit-sql.js';
import { formatUsd } from '../credits/money.js';
import type { ChargedUsage } from '../usage/pending-usage.js';
import { ALERT_EVENT_TYPES, BUDGET_THRESHOLDS, type BudgetThresholdData, type LowBalanceData } from './alert-events.js';
import { enqueueAlerts, type NewAlert } from './delivery-store.js';

/**
 * Alert detection, inside the usage writer's batch transaction right after the batch's charges:
 * the spend and balance it reads are the ones just written, and the alerts it queues commit (or
 * roll back) with them, so an alert is never lost nor raised for spend that was not recorded.
 * It runs per batch, never per request, and costs one query when no organization in the batch
 * has alerts on.
 *
 * Once only, across instances: a budget alert's dedupe key (key, period, budget, threshold) is
 * unique in alert_delivery; a low-balance alert disarms its settings row with a conditional
 * update (row lock), and re-arms once the balance is back at or above the threshold.
 */

export interface EnabledAccount {
  account_id: string;
  threshold_nano: string | null;
  armed: boolean;
}

interface BudgetedKey {
  id: string;
  account_id: string;
  name: string;
  budget_nano: string;
  budget_period: string;
}

/**
 * The organizations of `events` with alerts on, and the events worth a look (spend, or a budget
 * refusal). One query per batch; the common case (no alerts configured) ends here.
 */
export async function alertCandidates(sql: Sql, events: readonly ChargedUsage[]): Promise<AlertCandidates | null> {
  const relevant = events.filter((e) => e.charge.spendNano > 0n || e.charge.amountNano > 0n || e.errorCode === 'budget_exceeded');
  if (relevant.length === 0) return null;
  const enabled = await sql.query<EnabledAccount>(
    `select "account_id", "low_balance_threshold_nano"::text as "threshold_nano", "low_balance_armed" as "armed"
     from "alert_settings"
     where "account_id" = any($1::uuid[]) and "enabled" and "webhook_url" is not null and "encrypted_secret" is not null`,
    [[...new Set(relevant.map((e) => e.charge.accountId))]],
  );
  if (enabled.length === 0) return null;
  const enabledIds = new Set(enabled.map((a) => a.account_id));
  return { enabled, events: relevant.filter((e) => enabledIds.has(e.charge.accountId)) };
}

export interface AlertCandidates {
  enabled: EnabledAccount[];
  events: ChargedUsage[];
}

/** Detects the candidates' alerts and queues them (same transaction); returns the new deliveries' ids. */
export async function detectAlerts(sql: Sql, candidates: AlertCandidates, now: number): Promise<string[]> {
  const alerts = [...(await budgetAlerts(sql, candidates.events)), ...(await lowBalanceAlerts(sql, candidates.enabled, now))];
  return enqueueAlerts(sql, alerts, now);
}

/** Budget thresholds reached by the keys of `events` in the periods their requests were admitted in. */
async function budgetAlerts(sql: Sql, events: readonly ChargedUsage[]): Promise<NewAlert[]> {
  if (events.length === 0) return [];
  const keys = await sql.query<BudgetedKey>(
    `select "id", "account_id", "name", "budget_nano"::text as "budget_nano", "budget_period" from "access_key"
     where "id" = any($1::uuid[]) and "budget_nano" is not null and "budget_period" is not null`,
    [[...new Set(events.map((e) => e.charge.accessKeyId))]],
  );
  const alerts: NewAlert[] = [];
  for (const key of keys) {
    if (!isBudgetPeriod(key.budget_period)) continue;
    const period: BudgetPeriod = key.budget_period;
    const budgetNano = BigInt(key.budget_nano);
    // Requests of one key in one batch usually share a period; one around a boundary may not.
    const periods = new Map<number, { end: number | null; refused: boolean }>();
    for (const { charge, errorCode } of events) {
      if (charge.accessKeyId !== key.id) continue;
      const { start, end } = periodBounds(period, charge.at.getTime());
      const p = periods.get(start) ?? { end, refused: false };
      p.refused ||= errorCode === 'budget_exceeded';
      periods.set(start, p);
    }
    for (const [start, { end, refused }] of periods) {
      const spent = await spentBetween(sql, key.id, start, end);
      for (const threshold of BUDGET_THRESHOLDS) {
        const reached = spent * 100n >= budgetNano * BigInt(threshold);
        // A budget is never exceeded, so spend may stop just short of 100%: a refusal near the end counts as reaching it.
        const refusedNearEnd = threshold === 100 && refused && spent * 100n >= budgetNano * 80n;
        if (!reached && !refusedNearEnd) continue;
        const data: BudgetThresholdData = {
          accessKey: { id: key.id, name: key.name },
          thresholdPercent: threshold,
          budgetUsd: formatUsd(budgetNano),
          spentUsd: formatUsd(spent),
          period,
          periodStart: new Date(start).toISOString(),
          periodResetsAt: end === null ? null : new Date(end).toISOString(),
          reason: reached ? 'spent' : 'refused',
        };
        alerts.push({
          accountId: key.account_id,
          type: ALERT_EVENT_TYPES.budgetThreshold,
          data,
          // A changed budget is a new one: its thresholds alert again in the same period.
          dedupeKey: `budget:${key.id}:${period}:${start}:${budgetNano}:${threshold}`,
        });
      }
    }
  }
  return alerts;
}

/** Low balance: fires once per dip below the threshold (disarm), re-arms when the balance is back. */
async function lowBalanceAlerts(sql: Sql, accounts: readonly EnabledAccount[], now: number): Promise<NewAlert[]> {
  const alerts: NewAlert[] = [];
  for (const account of accounts) {
    if (account.threshold_nano === null) continue;
    const threshold = BigInt(account.threshold_nano);
    const balance = await unexpiredBalance(sql, account.account_id, new Date(now));
    if (balance >= threshold) {
      if (!account.armed) {
        await sql.query(`update "alert_settings" set "low_balance_armed" = true where "account_id" = $1`, [account.account_id]);
      }
      continue;
    }
    if (!account.armed) continue;
    // The conditional update is the claim: of two batches racing on two instances, one disarms.
    const claimed = await sql.query<{ account_id: string }>(
      `update "alert_settings" set "low_balance_armed" = false where "account_id" = $1 and "low_balance_armed" returning "account_id"`,
      [account.account_id],
    );
    if (claimed.length === 0) continue;
    const data: LowBalanceData = { balanceUsd: formatUsd(balance), thresholdUsd: formatUsd(threshold) };
    alerts.push({ accountId: account.account_id, type: ALERT_EVENT_TYPES.lowBalance, data, dedupeKey: null });
  }
  return alerts;
}
