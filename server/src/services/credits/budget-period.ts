/**
 * Budget periods in UTC (pure, no clock): a calendar day, an ISO week (Monday to Monday), a
 * calendar month, or TOTAL (never resets). A request counts in the period it was admitted in.
 */
export const BUDGET_PERIODS = ['DAY', 'WEEK', 'MONTH', 'TOTAL'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

const DAY_MS = 86_400_000;

export function isBudgetPeriod(v: unknown): v is BudgetPeriod {
  return typeof v === 'string' && (BUDGET_PERIODS as readonly string[]).includes(v);
}

/** Start (inclusive) and end (exclusive; null for TOTAL) of the period `at` falls in, epoch ms. */
export function periodBounds(period: BudgetPeriod, at: number): { start: number; end: number | null } {
  const d = new Date(at);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'DAY':
      return { start: dayStart, end: dayStart + DAY_MS };
    case 'WEEK': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = dayStart - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'MONTH':
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    case 'TOTAL':
      return { start: 0, end: null };
  }
}

/**
 * A key's budget for one period as a balance scope id: "<keyId>:<PERIOD>:<start ms>". Each period
 * is its own scope, so a request admitted before midnight is charged to (and covered by) the
 * period it was admitted in, even when it finishes after.
 */
export function budgetScopeId(accessKeyId: string, period: BudgetPeriod, at: number): string {
  return `${accessKeyId}:${budgetScope(period, at)}`;
}

/** The part of the scope id after the key id (the `scope` column of budget grants). */
export function budgetScope(period: BudgetPeriod, at: number): string {
  return `${period}:${periodBounds(period, at).start}`;
}

export function parseBudgetScopeId(scopeId: string): { accessKeyId: string; scope: string; period: BudgetPeriod; start: number; end: number | null } {
  const [accessKeyId, period, start] = scopeId.split(':');
  if (!accessKeyId || !isBudgetPeriod(period) || !/^\d+$/.test(start ?? '')) throw new Error(`not a budget scope: ${scopeId}`);
  const bounds = periodBounds(period, Number(start));
  return { accessKeyId, scope: `${period}:${start}`, period, ...bounds };
}

/** The last day isoDay formatted: a usage batch asks for the same day for each of its hundreds of charges. */
let lastIsoDay = { day: Number.NaN, iso: '' };

/** 'YYYY-MM-DD' (UTC) of an epoch ms. */
export function isoDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastIsoDay.day) lastIsoDay = { day, iso: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return lastIsoDay.iso;
}
