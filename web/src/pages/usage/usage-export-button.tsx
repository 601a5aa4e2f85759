import { useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { readSessionToken } from '../../lib/session';
import { filterStateToInput, type UsageFilterState } from './usage-filters';

/** The export URL for the filters on screen (same range and filters as the table). */
export function usageExportUrl(filters: UsageFilterState): string {
  const input = filterStateToInput(filters);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input)) {
    if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  }
  return `/api/usage/export?${params.toString()}`;
}

/** Downloads the filtered usage events as CSV (the endpoint wants the session as a Bearer header, so not a plain link). */
export function UsageExportButton({ filters }: { filters: UsageFilterState }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(usageExportUrl(filters), { headers: { authorization: `Bearer ${readSessionToken() ?? ''}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Export failed (HTTP ${res.status}).`);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'usage.csv';
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn" onClick={() => void download()} disabled={busy}>
        {busy ? 'Preparing CSV…' : 'Download CSV'}
      </button>
      <ErrorMessage error={error} title="Export" />
    </>
  );
}
