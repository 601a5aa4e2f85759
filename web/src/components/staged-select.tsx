import { useEffect, useId, useState, type ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './error-message';

interface StagedSelectProps {
  /** Accessible name of the select, e.g. "Role of vera@example.com". */
  label: string;
  /** The saved value; the select shows it until the user picks another. */
  value: string;
  /** The `<option>` elements. */
  children: ReactNode;
  /** Saves a picked value; resolves to an error to keep it staged and show the error, or nothing on success. */
  onSave: (value: string) => Promise<CombinedError | Error | string | undefined | null>;
  /** Says what saving the picked value will do, e.g. "Becomes ADMIN." (shown while a value is staged). */
  describe?: (value: string) => ReactNode;
  disabled?: boolean;
  className?: string;
}

/**
 * A select in a table row that changes nothing until the user says so. Picking a value (an arrow key on a closed
 * select is enough in Chromium and Windows browsers) only stages it; "Save" commits it and "Cancel" or Escape
 * puts the saved value back (WCAG 3.2.2: changing a setting must not change the server on its own).
 */
export function StagedSelect({ label, value, children, onSave, describe, disabled, className }: StagedSelectProps) {
  const [staged, setStaged] = useState<string | null>(null);
  /** A value just saved, shown until `value` (the page's data, fetched again after the save) catches up. */
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setSaved(null), [value]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | Error | string | null>(null);
  const noteId = useId();
  const pending = staged !== null && staged !== value;
  const cancel = () => {
    setStaged(null);
    setError(null);
  };
  const save = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      const failure = await onSave(staged);
      if (failure) setError(failure);
      else {
        setSaved(staged);
        setStaged(null);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="staged-select">
      <select
        aria-label={label}
        aria-describedby={pending ? noteId : undefined}
        value={staged ?? saved ?? value}
        disabled={disabled || busy}
        className={className}
        onChange={(e) => {
          setError(null);
          setSaved(null);
          setStaged(e.target.value === value ? null : e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && pending) {
            e.preventDefault();
            cancel();
          }
        }}
      >
        {children}
      </select>
      {pending ? (
        <div className="staged-select-actions">
          <span id={noteId} className="muted small" role="status">
            Not saved yet.{describe ? <> {describe(staged)}</> : null}
          </span>
          <button type="button" className="btn btn-small btn-primary" onClick={() => void save()} disabled={busy} aria-label={`Save ${label.charAt(0).toLowerCase()}${label.slice(1)}`}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="btn btn-small" onClick={cancel} disabled={busy} aria-label={`Cancel change to ${label.charAt(0).toLowerCase()}${label.slice(1)}`}>
            Cancel
          </button>
        </div>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}
