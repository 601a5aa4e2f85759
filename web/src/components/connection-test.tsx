import { useState } from 'react';
import type { CombinedError } from 'urql';
import { errorMessage } from '../lib/format';

export interface ConnectionCheckResult {
  ok: boolean;
  message: string;
  latencyMs: number;
}

interface ConnectionTestProps {
  /** e.g. "openai-main": the button's accessible name is "Test openai-main". */
  subject: string;
  run: () => Promise<{ data?: ConnectionCheckResult; error?: CombinedError }>;
}

/** A row's "Test" button and its outcome in plain words, announced when it arrives. */
export function ConnectionTest({ subject, run }: ConnectionTestProps) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const onClick = async () => {
    setBusy(true);
    setResult(null);
    try {
      const { data, error } = await run();
      if (data) setResult({ ok: data.ok, text: data.ok ? `${data.message} (${data.latencyMs} ms)` : data.message });
      else setResult({ ok: false, text: error ? errorMessage(error) : 'The check did not run.' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="connection-test">
      <button type="button" className="btn btn-small" onClick={onClick} disabled={busy} aria-label={`Test ${subject}`}>
        {busy ? 'Testing…' : 'Test'}
      </button>
      <span role="status" className={result ? (result.ok ? 'check-result ok' : 'check-result failed') : 'check-result'}>
        {result?.text}
      </span>
    </span>
  );
}
