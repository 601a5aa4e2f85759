import { Fragment, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';

export interface Column {
  label: string;
  /** Right-aligned numbers. */
  numeric?: boolean;
  /** Announced to screen readers only. */
  hidden?: boolean;
}

/** The unlabelled column of per-row buttons. */
export const ACTIONS_COLUMN: Column = { label: 'Actions', hidden: true };

export function numeric(label: string): Column {
  return { label, numeric: true };
}

interface DataTableProps {
  /** The table's accessible name. */
  label: string;
  columns: (string | Column)[];
  /** Classes added to `table`. */
  className?: string;
  /** The table's `tbody` element(s). */
  children: ReactNode;
}

/**
 * Copies each column's header onto its cells (data-label), so that on phones, where CSS lays rows out as
 * cards, every value keeps its name. Rows are rendered by the caller (and by paginated children that load
 * later), hence an observer rather than props.
 */
function useCellLabels(table: RefObject<HTMLTableElement | null>, labels: string[]) {
  const key = labels.join('\u0000');
  useEffect(() => {
    const element = table.current;
    if (!element) return;
    const apply = () => {
      for (const row of element.tBodies.length ? Array.from(element.tBodies).flatMap((b) => Array.from(b.rows)) : []) {
        if (row.cells.length !== labels.length) continue; // full-width rows (details, loading, "load more")
        Array.from(row.cells).forEach((cell, i) => {
          if (labels[i] && cell.dataset.label !== labels[i]) cell.dataset.label = labels[i];
        });
      }
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(element, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [table, key]); // `key` stands for `labels`, which is a new array every render
}

/**
 * A table that scrolls inside its card when it must (the wrapper is then a focusable, named region so
 * keyboard users can scroll it) and becomes a list of cards on phones; the caller renders the body.
 */
export function DataTable({ label, columns, className, children }: DataTableProps) {
  const ref = useRef<HTMLTableElement>(null);
  useCellLabels(
    ref,
    columns.map((c) => (typeof c === 'string' ? c : c.hidden ? '' : c.label)),
  );
  return (
    // The scroll region's name differs from the table's, which is often also its card's: two landmarks of one
    // name ("Members" region twice) cannot be told apart (axe landmark-unique).
    <div className="table-wrap" role="region" aria-label={`${label} table`} tabIndex={0}>
      <table ref={ref} className={className ? `table ${className}` : 'table'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => {
              const { label: text, numeric: isNumeric, hidden } = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={text} scope="col" className={isNumeric ? 'num' : undefined}>
                  {hidden ? <span className="visually-hidden">{text}</span> : text}
                </th>
              );
            })}
          </tr>
        </thead>
        {children}
      </table>
    </div>
  );
}

/** A cell with a relative time ("3 hours ago"), the full date and time as its tooltip. */
export function RelativeTimeCell({ value }: { value: string | null | undefined }) {
  return <td title={formatDateTime(value)}>{formatRelative(value)}</td>;
}

/** A small row button whose accessible name says which row it acts on, e.g. "Edit production". */
export function RowButton({ label, subject, onClick }: { label: string; subject: string; onClick: () => void }) {
  return (
    <button type="button" className="btn btn-small" onClick={onClick} aria-label={`${label} ${subject}`}>
      {label}
    </button>
  );
}

/** A body of one full-width cell: a page of rows that is loading, failed or empty. */
export function SingleCellBody({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tbody>
      <tr>
        <td colSpan={colSpan}>{children}</td>
      </tr>
    </tbody>
  );
}

/** The row after the last loaded page, when the connection has more. */
export function LoadMoreRow({ colSpan, onLoadMore, disabled }: { colSpan: number; onLoadMore: () => void; disabled?: boolean }) {
  return (
    <tr>
      <td colSpan={colSpan} className="load-more-cell">
        <button type="button" className="btn" onClick={onLoadMore} disabled={disabled}>
          Load more
        </button>
      </td>
    </tr>
  );
}

export interface CursorPage {
  /** The cursor this page starts after; null for the first page. */
  after: string | null;
  /** Only the last page offers "Load more". */
  isLast: boolean;
  /** Appends the page that starts after `cursor`. */
  onLoadMore: (cursor: string) => void;
}

/** Cursor pagination by appending: renders one page per loaded cursor, first page first. */
export function CursorPages({ children }: { children: (page: CursorPage) => ReactNode }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const onLoadMore = (cursor: string) => setCursors((c) => [...c, cursor]);
  return <>{cursors.map((after, index) => <Fragment key={after ?? 'first'}>{children({ after, isLast: index === cursors.length - 1, onLoadMore })}</Fragment>)}</>;
}
