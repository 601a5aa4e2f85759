import { Badge } from '../../components/badge';
import { Field } from '../../components/form';
import type { AccessKeyLimitsInput, BudgetPeriod } from '../../gql/graphql';
import { formatInt, formatUtcDateTime } from '../../lib/format';

/** The limits form's state: text inputs, '' meaning no limit. */
export interface LimitsDraft {
  budgetUsd: string;
  budgetPeriod: BudgetPeriod;
  requestsPerMinute: string;
  tokensPerMinute: string;
  /** datetime-local value read as UTC (like every date on the page), '' for never. */
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

/** A datetime-local value for an ISO instant, in UTC. */
function toUtcInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16);
}

/** The instant a datetime-local value names when read as UTC, or null when empty or invalid. */
export function utcInputToDate(value: string): Date | null {
  if (!value) return null;
  const d = new Date(`${value}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function draftOf(limits: LimitsValue | null | undefined): LimitsDraft {
  return {
    budgetUsd: limits?.budgetUsd ?? '',
    budgetPeriod: limits?.budgetPeriod ?? 'MONTH',
    requestsPerMinute: limits?.requestsPerMinute?.toString() ?? '',
    tokensPerMinute: limits?.tokensPerMinute?.toString() ?? '',
    expiresAt: toUtcInput(limits?.expiresAt),
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
    expiresAt: utcInputToDate(d.expiresAt)?.toISOString() ?? null,
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
      <Field label="Expires at (UTC)" hint={<ExpiryHint value={value.expiresAt} />}>
        <input
          type="datetime-local"
          value={value.expiresAt}
          onChange={(e) => set({ expiresAt: e.target.value })}
          aria-invalid={isPast(value.expiresAt) ? true : undefined}
        />
      </Field>
    </fieldset>
  );
}

const isPast = (value: string) => (utcInputToDate(value)?.getTime() ?? Infinity) <= Date.now();

/** Under the expiry field: the time zone it is read in, and a warning when the time has already passed. */
function ExpiryHint({ value }: { value: string }) {
  if (isPast(value))
    return (
      <span className="hint-warning" role="status">
        {formatUtcDateTime(utcInputToDate(value)!.toISOString())} is in the past: the key would be refused at once. Pick a later time or clear the field.
      </span>
    );
  return <>Read as UTC, like every date on this page. From then on, requests with the key are refused (401). Empty: never expires.</>;
}

/** Under a key's name: "Expired" or when it expires (UTC). */
export function ExpiryNote({ expiresAt, now = Date.now() }: { expiresAt: string | null | undefined; now?: number }) {
  if (!expiresAt) return null;
  const expired = new Date(expiresAt).getTime() <= now;
  return (
    <div className="small key-expiry">
      {expired ? (
        <>
          <Badge tone="danger">Expired</Badge> <span className="muted">{formatUtcDateTime(expiresAt)}: requests are refused (401)</span>
        </>
      ) : (
        <span className="muted">Expires {formatUtcDateTime(expiresAt)}</span>
      )}
    </div>
  );
}

/** "60 RPM · 50,000 TPM", or nothing without rate limits. */
export function rateLimitsText(limits: { requestsPerMinute?: number | null; tokensPerMinute?: number | null }): string | null {
  const parts = [
    limits.requestsPerMinute != null ? `${formatInt(limits.requestsPerMinute)} RPM` : null,
    limits.tokensPerMinute != null ? `${formatInt(limits.tokensPerMinute)} TPM` : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' · ') : null;
}

/** Spent of the budget as a bar (or the plain spend without a budget). */
export function SpendCell({
  spentUsd,
  budgetUsd,
  periodResetsAt,
  rateLimits,
}: {
  spentUsd: string;
  budgetUsd: string | null | undefined;
  periodResetsAt: string | null | undefined;
  /** Rate limits as text ("60 RPM"), shown under the spend. */
  rateLimits?: string | null;
}) {
  const rates = rateLimits ? (
    <div className="muted small" title="Rate limits: requests and tokens per minute">
      {rateLimits}
    </div>
  ) : null;
  if (!budgetUsd)
    return (
      <td>
        <div className="muted">${spentUsd} spent</div>
        {rates}
      </td>
    );
  const ratio = Math.min(1, Number(spentUsd) / Number(budgetUsd));
  const left = Math.max(0, Number(budgetUsd) - Number(spentUsd));
  return (
    <td>
      <meter min={0} max={1} value={ratio} high={0.8} optimum={0} aria-label={`Budget used: $${spentUsd} of $${budgetUsd}`} />
      <div className="muted small">
        ${spentUsd} of ${budgetUsd} · ${left.toFixed(2)} left{periodResetsAt ? ` · resets ${new Date(periodResetsAt).toLocaleDateString()}` : ''}
      </div>
      {rates}
    </td>
  );
}
