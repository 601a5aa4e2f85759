import { Field } from '../../components/form';
import type { AccessKeyLimitsInput, BudgetPeriod } from '../../gql/graphql';

/** The limits form's state: text inputs, '' meaning no limit. */
export interface LimitsDraft {
  budgetUsd: string;
  budgetPeriod: BudgetPeriod;
  requestsPerMinute: string;
  tokensPerMinute: string;
  /** datetime-local value (local time), '' for never. */
  expiresAt: string;
}

export const NO_LIMITS: LimitsDraft = { budgetUsd: '', budgetPeriod: 'MONTH', requestsPerMinute: '', tokensPerMinute: '', expiresAt: '' };

interface LimitsValue {
  budgetUsd?: string | null;
  budgetPeriod?: BudgetPeriod | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  expiresAt?: string | null;
}

/** A datetime-local value for an ISO instant, in the browser's time zone. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function draftOf(limits: LimitsValue | null | undefined): LimitsDraft {
  return {
    budgetUsd: limits?.budgetUsd ?? '',
    budgetPeriod: limits?.budgetPeriod ?? 'MONTH',
    requestsPerMinute: limits?.requestsPerMinute?.toString() ?? '',
    tokensPerMinute: limits?.tokensPerMinute?.toString() ?? '',
    expiresAt: toLocalInput(limits?.expiresAt),
  };
}

/** Every field sent: an empty one clears its limit (the server validates and explains). */
export function limitsInput(d: LimitsDraft): AccessKeyLimitsInput {
  const int = (s: string) => (s.trim() === '' ? null : Number(s));
  return {
    budgetUsd: d.budgetUsd.trim() || null,
    budgetPeriod: d.budgetUsd.trim() ? d.budgetPeriod : null,
    requestsPerMinute: int(d.requestsPerMinute),
    tokensPerMinute: int(d.tokensPerMinute),
    expiresAt: d.expiresAt ? new Date(d.expiresAt).toISOString() : null,
  };
}

const PERIODS: [BudgetPeriod, string][] = [
  ['DAY', 'per day (UTC)'],
  ['WEEK', 'per week (UTC, from Monday)'],
  ['MONTH', 'per month (UTC)'],
  ['TOTAL', 'in total'],
];

export function LimitsFields({ value, onChange }: { value: LimitsDraft; onChange: (d: LimitsDraft) => void }) {
  const set = (patch: Partial<LimitsDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="fieldset">
      <legend>Limits (empty: none)</legend>
      <Field label="Budget (USD)" hint="Spend: fee + provider cost at catalog prices. Requests that could exceed it are refused (402).">
        <input inputMode="decimal" value={value.budgetUsd} onChange={(e) => set({ budgetUsd: e.target.value })} placeholder="e.g. 25.00" />
      </Field>
      <Field label="Budget period">
        <select value={value.budgetPeriod} onChange={(e) => set({ budgetPeriod: e.target.value as BudgetPeriod })}>
          {PERIODS.map(([p, label]) => (
            <option key={p} value={p}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Requests per minute">
        <input inputMode="numeric" value={value.requestsPerMinute} onChange={(e) => set({ requestsPerMinute: e.target.value })} />
      </Field>
      <Field label="Tokens per minute" hint="Estimated input + requested output, corrected by actual usage.">
        <input inputMode="numeric" value={value.tokensPerMinute} onChange={(e) => set({ tokensPerMinute: e.target.value })} />
      </Field>
      <Field label="Expires at">
        <input type="datetime-local" value={value.expiresAt} onChange={(e) => set({ expiresAt: e.target.value })} />
      </Field>
    </fieldset>
  );
}

/** Spent of the budget as a bar (or the plain spend without a budget). */
export function SpendCell({ spentUsd, budgetUsd, periodResetsAt }: { spentUsd: string; budgetUsd: string | null | undefined; periodResetsAt: string | null | undefined }) {
  if (!budgetUsd) return <td className="muted">${spentUsd} spent</td>;
  const ratio = Math.min(1, Number(spentUsd) / Number(budgetUsd));
  const left = Math.max(0, Number(budgetUsd) - Number(spentUsd));
  return (
    <td>
      <meter min={0} max={1} value={ratio} high={0.8} optimum={0} aria-label={`Budget used: $${spentUsd} of $${budgetUsd}`} />
      <div className="muted small">
        ${spentUsd} of ${budgetUsd} · ${left.toFixed(2)} left{periodResetsAt ? ` · resets ${new Date(periodResetsAt).toLocaleDateString()}` : ''}
      </div>
    </td>
  );
}
