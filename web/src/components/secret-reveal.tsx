import { useState } from 'react';
import { useLeaveGuard } from '../lib/router';
import { CopyButton } from './copy-button';

interface SecretRevealProps {
  /** e.g. "access key" */
  what: string;
  token: string;
  onDone: () => void;
  /** How it is kept (default: only a hash is stored). */
  note?: string;
}

/** A freshly created secret, shown exactly once with a copy button and a clear warning. */
export function SecretReveal({ what, token, onDone, note }: SecretRevealProps) {
  const [copied, setCopied] = useState(false);
  useLeaveGuard(copied ? null : `Your new ${what} has not been copied and cannot be shown again. Leave this page anyway?`);
  return (
    <section className="secret-reveal" aria-label={`New ${what}`} data-testid="secret-reveal">
      <div className="alert alert-warning" role="status">
        <strong>Copy your new {what} now.</strong> This is the only time it is shown;{' '}
        {note ?? 'only a hash is stored, so it cannot be recovered later.'}
      </div>
      <div className="secret-row">
        <code className="secret-value" data-testid="secret-value" aria-label={`${what} value`}>
          {token}
        </code>
        <CopyButton text={token} label="Copy" className="btn btn-primary btn-small" onCopied={() => setCopied(true)} />
      </div>
      <div className="actions">
        <button type="button" className="btn" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
