import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from './error-message';
import { Modal } from './modal';

/** A labelled form control: the visible label, the control, and an optional hint below it. */
export function Field({ label, hint, className, children }: { label: ReactNode; hint?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <label className={className ? `field ${className}` : 'field'}>
      <span>{label}</span>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
    </label>
  );
}

/** A hint under a name field when the name is already taken: allowed, but two things with one name confuse. */
export function DuplicateNameHint({ what, name }: { what: string; name: string }) {
  return (
    <span className="hint-warning" role="status">
      You already have {/^[aeiou]/i.test(what) ? 'an' : 'a'} {what} named “{name.trim()}”. Names need not be unique, but a different one avoids mix-ups.
    </span>
  );
}

/** The state of the action a form submits: a urql mutation result, or anything shaped like one. */
export interface SubmitState {
  fetching: boolean;
  error?: CombinedError | Error | string | null;
}

export interface FormActionsProps {
  state: SubmitState;
  submitLabel: ReactNode;
  /** Shown on the submit button while the action runs; the submit label when omitted. */
  busyLabel?: ReactNode;
  /** A success message, announced as a status between the error and the buttons. */
  notice?: ReactNode;
  /** Renders a Cancel button when given. */
  onCancel?: () => void;
}

/**
 * The error of the last submit until the user edits the form or tries again: a server error about the old input
 * ("A virtual model named “smart” already exists.") must not stay up beside a new input, least of all when the
 * browser blocks the next submit itself (a field's pattern, required) and the action never runs. Listens on the
 * enclosing <form>, so every form ending in {@link FormActions} gets it.
 */
function useErrorUntilEdited(error: SubmitState['error']): [SubmitState['error'], RefObject<HTMLDivElement | null>] {
  const anchor = useRef<HTMLDivElement>(null);
  const current = useRef(error);
  current.current = error;
  const [dismissed, setDismissed] = useState<SubmitState['error']>(null);
  useEffect(() => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const dismiss = () => setDismissed(current.current ?? null);
    const reset = () => setDismissed(null);
    form.addEventListener('input', dismiss);
    form.addEventListener('change', dismiss);
    // `invalid` does not bubble: listen while it passes the form on its way to the field.
    form.addEventListener('invalid', dismiss, true);
    // Before the form's own submit handler runs, so an error it sets again (even the same text) shows.
    form.addEventListener('submit', reset, true);
    return () => {
      form.removeEventListener('input', dismiss);
      form.removeEventListener('change', dismiss);
      form.removeEventListener('invalid', dismiss, true);
      form.removeEventListener('submit', reset, true);
    };
  }, []);
  return [error && error !== dismissed ? error : null, anchor];
}

/** The foot of a form: the submit action's error, an optional success notice, then Cancel and submit. */
export function FormActions({ state, submitLabel, busyLabel, notice, onCancel }: FormActionsProps) {
  const [error, anchor] = useErrorUntilEdited(state.error);
  return (
    <>
      <ErrorMessage error={error} />
      {notice ? (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      ) : null}
      <div className="actions" ref={anchor}>
        {onCancel ? (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={state.fetching}>
          {state.fetching && busyLabel ? busyLabel : submitLabel}
        </button>
      </div>
    </>
  );
}

export interface ActionFormProps extends FormActionsProps {
  /** Runs on submit; the browser's own submission is prevented. */
  onSubmit: () => Promise<unknown> | void;
  children: ReactNode;
}

/** A `.form` whose fields are followed by {@link FormActions}. */
export function ActionForm({ onSubmit, children, ...actions }: ActionFormProps) {
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      {children}
      <FormActions {...actions} />
    </form>
  );
}

export interface FormDialogProps extends Omit<ActionFormProps, 'onCancel'> {
  title: string;
  open: boolean;
  /** Closes the dialog; also what Cancel does. */
  onClose: () => void;
  wide?: boolean;
}

/** A modal dialog holding an {@link ActionForm} whose Cancel closes the dialog. */
export function FormDialog({ title, open, onClose, wide, ...form }: FormDialogProps) {
  return (
    <Modal title={title} open={open} onClose={onClose} wide={wide}>
      <ActionForm {...form} onCancel={onClose} />
    </Modal>
  );
}
