import type { CombinedError } from 'urql';
import { errorMessage } from '../lib/format';

interface ErrorMessageProps {
  error: CombinedError | Error | string | null | undefined;
  title?: string;
  onRetry?: () => void;
}

/** An inline error, announced to screen readers; shown where the failing action happened. */
export function ErrorMessage({ error, title, onRetry }: ErrorMessageProps) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : errorMessage(error as CombinedError);
  return (
    <div className="alert alert-error" role="alert">
      <div>
        {title ? <strong>{title}: </strong> : null}
        <span>{text}</span>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
