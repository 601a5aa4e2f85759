/**
 * What credits paid per UTC day and how long the balance lasts at that pace. Pure functions (no React, no
 * recharts), so the Credits page computes the runway without loading the chart library. Money stays in
 * nano-dollar bigints; only the chart's bar heights are floats.
 */
// '.js': the unit tests (test/unit, Node's module resolution) import this file too; Vite resolves it to format.ts.
import { nanoToUsd, parseUsdNano, usdToChartNumber, utcDays } from '../../lib/format.js';

const DAY_MS = 86_400_000;

/** Days the chart shows, today (so far) included. */
export const SPEND_CHART_DAYS = 30;
/** Full UTC days the runway averages over: the ones before today, so a day just begun does not pull the average down. */
export const RUNWAY_AVERAGE_DAYS = 7;

export interface SpendDay {
  /** UTC day, YYYY-MM-DD (the key of usageSummary's DAY buckets). */
  day: string;
  /** "Mar 5": the axis label. */
  label: string;
  /** Exact amount credits paid that day, decimal USD. */
  spendUsd: string;
  /** The same for the bar height only. */
  spend: number;
}

/** Midnight UTC `days - 1` days before `now`'s UTC day: the `from` of a summary covering `days` days up to now. */
export function spendRangeStart(now: Date, days = SPEND_CHART_DAYS): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

/** One entry per UTC day from `from` up to `now`'s day, oldest first; days without a bucket spent zero. */
export function dailySpend(buckets: readonly { key: string; costUsd: string }[], from: Date, now: Date): SpendDay[] {
  const byDay = new Map(buckets.map((b) => [b.key.slice(0, 10), b.costUsd]));
  // `now` itself included: the day it falls in is the last one.
  return utcDays(from, new Date(now.getTime() + 1)).map(({ day, label }) => {
    const spendUsd = byDay.get(day) ?? '0';
    return { day, label, spendUsd, spend: usdToChartNumber(spendUsd) };
  });
}

export type Runway =
  | { kind: 'empty' }
  | { kind: 'no-spend' }
  /** `days` whole days at the average (0: less than a day). */
  | { kind: 'lasts'; averageUsd: string; days: bigint };

/**
 * How long `balanceUsd` lasts at the average of the RUNWAY_AVERAGE_DAYS full days before the last entry of
 * `days` (today). Exact: integer nano-dollars, the average rounded down to the nano.
 */
export function runway(balanceUsd: string, days: readonly SpendDay[]): Runway {
  const balance = parseUsdNano(balanceUsd) ?? 0n;
  if (balance <= 0n) return { kind: 'empty' };
  const window = days.slice(0, -1).slice(-RUNWAY_AVERAGE_DAYS);
  const total = window.reduce((sum, d) => sum + (parseUsdNano(d.spendUsd) ?? 0n), 0n);
  if (total <= 0n) return { kind: 'no-spend' };
  // A few nano-dollars in a week average to zero; one nano a day keeps the division defined.
  const average = total / BigInt(RUNWAY_AVERAGE_DAYS) || 1n;
  return { kind: 'lasts', averageUsd: nanoToUsd(average), days: balance / average };
}
