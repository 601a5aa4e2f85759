import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { formatInt } from '../../lib/format';
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

const NEWLINE = 0x0a;

/** Lines ended in `chunk` (CSV rows end in CRLF; fields with line breaks are quoted, so this counts whole rows only approximately for such fields). */
function countLines(chunk: Uint8Array): number {
  let lines = 0;
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
  return lines;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;
}

/** fetch and the body's reader reject with a bare TypeError ("Failed to fetch", "network error") when the connection fails. */
const CONNECTION_LOST = 'The connection to the gateway was lost before the export finished. Check your network and try again.';

type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; events: number; bytes: number }
  | { kind: 'done'; events: number }
  | { kind: 'cancelled' };

function statusText(state: ExportState): string {
  switch (state.kind) {
    case 'running':
      return `Downloading… ${formatInt(state.events)} ${state.events === 1 ? 'event' : 'events'} (${formatMegabytes(state.bytes)})`;
    case 'done':
      return `Downloaded ${formatInt(state.events)} ${state.events === 1 ? 'event' : 'events'}.`;
    case 'cancelled':
      return 'Export cancelled.';
    case 'idle':
      return '';
  }
}

/**
 * Downloads the filtered usage events as CSV (the endpoint wants the session as a Bearer header, so
 * not a plain link). The server streams the events page by page; a range of millions takes a
 * while, so the rows received so far are shown as they arrive, and the download can be cancelled.
 */
export function UsageExportButton({ filters }: { filters: UsageFilterState }) {
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  // Leaving the page ends a download in flight.
  useEffect(() => () => abort.current?.abort(), []);

  async function download() {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setState({ kind: 'running', events: 0, bytes: 0 });
    try {
      const res = await fetch(usageExportUrl(filters), {
        headers: { authorization: `Bearer ${readSessionToken() ?? ''}` },
        signal: controller.signal,
      });
      if (!res.ok || res.body === null) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Export failed (HTTP ${res.status}).`);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'usage.csv';
      const chunks: Uint8Array[] = [];
      let lines = 0;
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        lines += countLines(value);
        bytes += value.byteLength;
        // The first line is the header.
        setState({ kind: 'running', events: Math.max(0, lines - 1), bytes });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
      setState({ kind: 'done', events: Math.max(0, lines - 1) });
    } catch (err) {
      if (controller.signal.aborted) {
        setState({ kind: 'cancelled' });
        return;
      }
      setState({ kind: 'idle' });
      setError(err instanceof TypeError ? CONNECTION_LOST : err instanceof Error ? err.message : String(err));
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  }

  const running = state.kind === 'running';
  return (
    <>
      {running ? (
        <button type="button" className="btn" onClick={() => abort.current?.abort()}>
          Cancel export
        </button>
      ) : (
        <button type="button" className="btn" onClick={() => void download()}>
          Download CSV
        </button>
      )}
      <span role="status" className="muted">
        {statusText(state)}
      </span>
      <ErrorMessage error={error} title="Export" />
    </>
  );
}
