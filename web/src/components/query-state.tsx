import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './error-message';

interface QueryStateProps<T> {
  result: { data?: T; fetching: boolean; error?: CombinedError };
  /** What is loading, for the screen-reader label. */
  label: string;
  onRetry?: () => void;
  children: (data: T) => ReactNode;
}

/** Renders a query's three states: loading, error (with retry) and data. */
export function QueryState<T>({ result, label, onRetry, children }: QueryStateProps<T>) {
  const { data, fetching, error } = result;
  if (data) {
    return (
      <>
        {error ? <ErrorMessage error={error} onRetry={onRetry} /> : null}
        {children(data)}
      </>
    );
  }
  if (error) return <ErrorMessage error={error} onRetry={onRetry} title={`Could not load ${label}`} />;
  if (fetching) return <Loading label={label} />;
  return <Loading label={label} />;
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>Loading {label}…</span>
    </div>
  );
}
