import type { ReactNode } from 'react';
import { Card } from './card';

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" strokeWidth="1.6">
          <rect x="3" y="4" width="18" height="16" rx="3" />
          <path d="M3 9h18M8 14h8" strokeLinecap="round" />
        </svg>
      </div>
      <h3>{title}</h3>
      {children ? <p className="muted">{children}</p> : null}
      {action}
    </div>
  );
}

/** An empty list in its own card, optionally with the primary button that fills it. */
export function EmptyCard({ title, actionLabel, onAction, children }: { title: string; actionLabel?: string; onAction?: () => void; children?: ReactNode }) {
  return (
    <Card>
      <EmptyState
        title={title}
        action={
          actionLabel && onAction ? (
            <button type="button" className="btn btn-primary" onClick={onAction}>
              {actionLabel}
            </button>
          ) : undefined
        }
      >
        {children}
      </EmptyState>
    </Card>
  );
}
