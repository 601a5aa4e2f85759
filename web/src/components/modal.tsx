import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}

const FIRST_FOCUS = [
  '.modal-body input:not([type="hidden"]):not([disabled])',
  '.modal-body select:not([disabled])',
  '.modal-body textarea:not([disabled])',
  '.modal-body .actions button:not([disabled])',
].join(', ');

/** A native <dialog> used modally: focus trap, Escape to close and backdrop come from the browser. */
export function Modal({ title, open, onClose, children, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The browser would focus the first focusable element, the × button, so Enter would close the dialog:
      // focus the first field instead, or (in a confirmation) the first action, which is Cancel.
      const first = dialog.querySelector<HTMLElement>(FIRST_FOCUS);
      first?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <div className="modal-body">
          <header className="modal-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="btn-icon" aria-label="Close dialog" onClick={onClose}>
              ×
            </button>
          </header>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
