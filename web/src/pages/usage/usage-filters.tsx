import { useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/form';
import type { UsageFilter, UsageLookupsQuery } from '../../gql/graphql';

export interface UsageFilterState {
  accessKeyId: string;
  provider: string;
  model: string;
  status: string;
  /** An x-request-id, to find one request. */
  requestId: string;
  /** yyyy-mm-dd in local time */
  fromDate: string;
  toDate: string;
}

function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function defaultFilterState(): UsageFilterState {
  const from = new Date();
  from.setDate(from.getDate() - 13);
  return { accessKeyId: '', provider: '', model: '', status: '', requestId: '', fromDate: isoDay(from), toDate: '' };
}

/** Filter state ↔ the page's query string, so a filtered view survives reloads and can be shared. */
const URL_PARAMS = { accessKeyId: 'key', provider: 'provider', model: 'model', status: 'status', requestId: 'request', fromDate: 'from', toDate: 'to' } as const satisfies Record<
  keyof UsageFilterState,
  string
>;

export function filterStateFromSearch(search: string): UsageFilterState {
  const params = new URLSearchParams(search);
  const state = defaultFilterState();
  for (const [field, param] of Object.entries(URL_PARAMS) as [keyof UsageFilterState, string][]) {
    const value = params.get(param);
    if (value !== null) state[field] = value;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(state.fromDate)) state.fromDate = defaultFilterState().fromDate;
  if (state.toDate && !/^\d{4}-\d{2}-\d{2}$/.test(state.toDate)) state.toDate = '';
  return state;
}

export function filterStateToSearch(state: UsageFilterState): URLSearchParams {
  const params = new URLSearchParams();
  const defaults = defaultFilterState();
  for (const [field, param] of Object.entries(URL_PARAMS) as [keyof UsageFilterState, string][]) {
    if (state[field] && state[field] !== defaults[field]) params.set(param, state[field]);
  }
  return params;
}

/** Local calendar days → an ISO [from, to) range; "to" is the start of the day after the chosen end day. */
export function filterStateToRange(state: UsageFilterState): { from: string; to: string | null } {
  const from = new Date(`${state.fromDate || isoDay(new Date())}T00:00:00`);
  let to: Date | null = null;
  if (state.toDate) {
    to = new Date(`${state.toDate}T00:00:00`);
    to.setDate(to.getDate() + 1);
  }
  return { from: from.toISOString(), to: to ? to.toISOString() : null };
}

export function filterStateToInput(state: UsageFilterState): UsageFilter {
  const range = filterStateToRange(state);
  const status = Number.parseInt(state.status, 10);
  return {
    accessKeyId: state.accessKeyId || null,
    provider: state.provider || null,
    model: state.model.trim() || null,
    status: Number.isFinite(status) ? status : null,
    requestId: state.requestId.trim() || null,
    from: range.from,
    to: range.to,
  };
}

const STATUS_OPTIONS = [200, 400, 401, 402, 403, 404, 413, 424, 429, 500, 502, 504];

interface UsageFiltersProps {
  value: UsageFilterState;
  onChange: (next: UsageFilterState) => void;
  lookups: UsageLookupsQuery | undefined;
  lookupsError: CombinedError | undefined;
}

export function UsageFilters({ value, onChange, lookups, lookupsError }: UsageFiltersProps) {
  const [draft, setDraft] = useState(value);
  const set = (patch: Partial<UsageFilterState>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft);
  };
  const models = (lookups?.providers ?? []).filter((p) => !draft.provider || p.id === draft.provider).flatMap((p) => p.models.map((m) => m.id));
  return (
    <form className="card filters" onSubmit={submit} aria-label="Usage filters">
      <Field label="Access key">
        <select value={draft.accessKeyId} onChange={(e) => set({ accessKeyId: e.target.value })}>
          <option value="">All keys</option>
          {lookups?.accessKeys.nodes.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Provider">
        <select value={draft.provider} onChange={(e) => set({ provider: e.target.value })}>
          <option value="">All providers</option>
          {lookups?.providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Model">
        <input list="usage-model-options" value={draft.model} onChange={(e) => set({ model: e.target.value })} placeholder="Any model" />
        <datalist id="usage-model-options">
          {[...new Set(models)].map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </Field>
      <Field label="Status">
        <select value={draft.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          {STATUS_OPTIONS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Request id">
        <input type="search" value={draft.requestId} onChange={(e) => set({ requestId: e.target.value })} placeholder="x-request-id" className="mono" />
      </Field>
      <Field label="From">
        <input type="date" required value={draft.fromDate} max={draft.toDate || undefined} onChange={(e) => set({ fromDate: e.target.value })} />
      </Field>
      <Field label="To">
        <input type="date" value={draft.toDate} min={draft.fromDate || undefined} onChange={(e) => set({ toDate: e.target.value })} />
      </Field>
      <div className="filter-actions">
        <button type="submit" className="btn btn-primary">
          Apply filters
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            const reset = defaultFilterState();
            setDraft(reset);
            onChange(reset);
          }}
        >
          Reset
        </button>
      </div>
      {lookupsError ? <ErrorMessage error={lookupsError} title="Could not load filter options" /> : null}
    </form>
  );
}
