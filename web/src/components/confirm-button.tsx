import { useState, type ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './error-message';
import { Modal } from './modal';

interface ConfirmButtonProps {
  /** Button text, e.g. "Revoke". */
  label: string;
  /** Accessible name of the button when the visible label is ambiguous in a table row. */
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel?: string;
  /** Resolves to an error to keep the dialog open and show it, or nothing on success. */
  onConfirm: () => Promise<CombinedError | Error | string | undefined | null>;
  danger?: boolean;
}

/** A destructive action behind a confirmation dialog; the action's error is shown inside the dialog. */
export function ConfirmButton({ label, ariaLabel, title, children, confirmLabel, onConfirm, danger = true }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | Error | string | null>(null);
  const close = () => {
    setOpen(false);
    setError(null);
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const failure = await onConfirm();
      if (failure) setError(failure);
      else close();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={danger ? 'btn btn-small btn-danger-ghost' : 'btn btn-small'} aria-label={ariaLabel} onClick={() => setOpen(true)}>
        {label}
      </button>
      <Modal title={title} open={open} onClose={close}>
        <div className="modal-content">{children}</div>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={confirm} disabled={busy}>
            {busy ? 'Working…' : (confirmLabel ?? label)}
          </button>
        </div>
      </Modal>
    </>
  );
}
