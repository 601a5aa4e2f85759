import type { AuditChange, AuditDetails, AuditValue } from '../entities/audit-event.entity.js';

/**
 * Size bound of one event's details. The log is append-only and never pruned, and the audit page
 * shows the details in each row, so a 1,000-character description or a long firewall rule list
 * would be stored and rendered for ever: 200 characters tell which value it was, and 20 entries
 * per list cover every audited object's fields today.
 */
export const MAX_AUDIT_STRING = 200;
export const MAX_AUDIT_ENTRIES = 20;

/**
 * Field names that hold or are derived from a secret. Services choose which fields they audit
 * (an allowlist per object); this is the backstop should one ever pass such a field by mistake.
 */
const SECRET_FIELD = /^(key|token|secret|password|webhooksecret)$|hash$|^encrypted/i;

/** An object's audited fields (chosen per object, never a secret), read before and after a change. */
export type AuditSnapshot = Readonly<Record<string, unknown>>;

/**
 * What jsonb refuses: a lone UTF-16 surrogate (valid in a JSON request; the object's own text
 * column stores it as U+FFFD) and U+0000. One in a name failed the whole mutation with a 500, the
 * audit row being its last write; the log stores U+FFFD instead, as the text column does.
 */
const JSONB_UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function truncate(raw: string): string {
  const text = raw.replace(JSONB_UNSAFE, '\ufffd');
  const chars = Array.from(text);
  return chars.length <= MAX_AUDIT_STRING ? text : `${chars.slice(0, MAX_AUDIT_STRING - 1).join('')}…`;
}

/**
 * JSON text of any value: bigints as decimal strings (JSON.stringify refuses them), object keys
 * sorted, so a value read back from jsonb (which reorders keys) compares equal to the same value
 * written by the service, and an unchanged setting is never reported as changed.
 */
function jsonText(value: unknown): string {
  return (
    JSON.stringify(value ?? null, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return v;
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }) ?? 'null'
  );
}

/** A value as the log stores it: scalars as they are, dates as ISO text, lists and objects as JSON text. */
export function toAuditValue(value: unknown): AuditValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return truncate(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return truncate(jsonText(value));
}

/**
 * Each field whose value differs between the snapshots, from → to. Values are compared whole
 * (before truncation), so two long lists that differ only at the end still count as changed.
 */
export function diffSnapshots(before: AuditSnapshot, after: AuditSnapshot): Record<string, AuditChange> {
  const changes: Record<string, AuditChange> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (jsonText(before[field]) === jsonText(after[field])) continue;
    changes[field] = { from: toAuditValue(before[field]), to: toAuditValue(after[field]) };
  }
  return changes;
}

/** The fields that have a value (null and undefined left out), as stored values. */
function presentFields(values: AuditSnapshot): Record<string, AuditValue> {
  const fields: Record<string, AuditValue> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value !== undefined && value !== null) fields[field] = toAuditValue(value);
  }
  return fields;
}

/** Details of a create, delete or other one-off action: a few identifying fields of the target. */
export function auditFields(values: AuditSnapshot): AuditDetails {
  return { fields: presentFields(values) };
}

/** Details of an update: what identifies the target (e.g. its name) and each changed field from → to. */
export function auditChanges(before: AuditSnapshot, after: AuditSnapshot, identity: AuditSnapshot = {}): AuditDetails {
  return { fields: presentFields(identity), changes: diffSnapshots(before, after) };
}

/** At most MAX_AUDIT_ENTRIES entries with safe names; `dropped` counts those left out for size. */
function boundEntries<T>(entries: Record<string, T> | undefined, bound: (value: T) => T): { kept: Record<string, T>; dropped: number } {
  const safe = Object.entries(entries ?? {}).filter(([field]) => !SECRET_FIELD.test(field));
  const kept = Object.fromEntries(safe.slice(0, MAX_AUDIT_ENTRIES).map(([field, value]) => [truncate(field), bound(value)]));
  return { kept, dropped: Math.max(0, safe.length - MAX_AUDIT_ENTRIES) };
}

/**
 * Details as they are stored: secret-named fields dropped, strings truncated, entries capped
 * (marked `truncated`), empty lists left out; null when nothing is left. recordAudit applies it to
 * whatever a caller passes, so no call site can bypass the bound.
 */
export function boundAuditDetails(details: AuditDetails | null | undefined): AuditDetails | null {
  if (!details) return null;
  const fields = boundEntries(details.fields, toAuditValue);
  const changes = boundEntries(details.changes, (c) => ({ from: toAuditValue(c.from), to: toAuditValue(c.to) }));
  const bounded: AuditDetails = {};
  if (Object.keys(fields.kept).length > 0) bounded.fields = fields.kept;
  if (Object.keys(changes.kept).length > 0) bounded.changes = changes.kept;
  if (details.truncated || fields.dropped + changes.dropped > 0) bounded.truncated = true;
  return Object.keys(bounded).length > 0 ? bounded : null;
}
