/** An audit event's details as the AuditEvents query returns them. */
export interface AuditDetailsView {
  fields: { field: string; value?: string | null }[];
  changes: { field: string; from?: string | null; to?: string | null }[];
  truncated: boolean;
}

/** A recorded value; null means the field had none (e.g. no budget). */
function Value({ value }: { value: string | null | undefined }) {
  return value == null ? <span className="muted">none</span> : <span className="audit-value">{value}</span>;
}

/**
 * What an event changed, one line per field: identifying values ("name: prod") first, then each
 * change ("role: VIEWER → ADMIN"). The arrow is read out as "changed to".
 */
export function AuditDetailsList({ details }: { details: AuditDetailsView | null | undefined }) {
  if (!details || (details.fields.length === 0 && details.changes.length === 0)) return <span className="muted">—</span>;
  return (
    <ul className="audit-details">
      {details.fields.map((f) => (
        <li key={`field:${f.field}`}>
          <span className="audit-field">{f.field}:</span> <Value value={f.value} />
        </li>
      ))}
      {details.changes.map((c) => (
        <li key={`change:${c.field}`}>
          <span className="audit-field">{c.field}:</span> <Value value={c.from} /> <span aria-hidden="true">→</span>
          <span className="visually-hidden"> changed to</span> <Value value={c.to} />
        </li>
      ))}
      {details.truncated ? <li className="muted">More changes were left out.</li> : null}
    </ul>
  );
}
