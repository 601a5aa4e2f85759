import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface Keyed {
  id: string;
  createdAt: Date;
}

/** One column of a keyset order. The last column must be unique (the id) so the order is total. */
export interface KeysetField {
  field: string;
  dir: 'asc' | 'desc';
  kind: 'date' | 'int' | 'uuid';
}

export type KeysetOrder = readonly KeysetField[];

/** The default for every connection: newest first. */
export const NEWEST_FIRST: KeysetOrder = Object.freeze([
  { field: 'createdAt', dir: 'desc', kind: 'date' },
  { field: 'id', dir: 'desc', kind: 'uuid' },
]);

const INVALID_CURSOR = 'Invalid cursor: pass the endCursor of a previous page.';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque cursor: base64url of the key values joined by `|` (for NEWEST_FIRST: `<iso>|<id>`). */
export function encodeKeysetCursor(row: object, order: KeysetOrder): string {
  const values = order.map(({ field, kind }) => {
    const v = (row as Record<string, unknown>)[field];
    return kind === 'date' ? (v as Date).toISOString() : String(v);
  });
  return Buffer.from(values.join('|'), 'utf8').toString('base64url');
}

export function decodeKeysetCursor(cursor: string, order: KeysetOrder): (Date | number | string)[] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== order.length) throw new ValidationError(INVALID_CURSOR);
  return order.map(({ kind }, i) => {
    const raw = parts[i];
    if (kind === 'date') {
      const d = new Date(raw);
      if (raw === '' || Number.isNaN(d.getTime())) throw new ValidationError(INVALID_CURSOR);
      return d;
    }
    if (kind === 'int') {
      const n = Number(raw);
      if (!/^-?\d{1,15}$/.test(raw) || !Number.isSafeInteger(n)) throw new ValidationError(INVALID_CURSOR);
      return n;
    }
    if (!UUID_RE.test(raw)) throw new ValidationError(INVALID_CURSOR);
    return raw;
  });
}

export function encodeCursor(row: Keyed): string {
  return encodeKeysetCursor(row, NEWEST_FIRST);
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = decodeKeysetCursor(cursor, NEWEST_FIRST);
  return { createdAt: createdAt as Date, id: id as string };
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

/** Rows strictly after the cursor in `order`: (a > x) or (a = x and b > y) or … */
function afterCursor(order: KeysetOrder, values: unknown[]): Record<string, unknown> {
  return {
    $or: order.map((f, i) => {
      const clause: Record<string, unknown> = {};
      for (let j = 0; j < i; j++) clause[order[j].field] = values[j];
      clause[f.field] = { [f.dir === 'asc' ? '$gt' : '$lt']: values[i] };
      return clause;
    }),
  };
}

/**
 * Keyset pagination (default newest first on (createdAt, id)), so pages stay stable while rows
 * are added. `order` must end in a unique column.
 */
export async function paginate<T extends Keyed>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number | null; after?: string | null },
  order: KeysetOrder = NEWEST_FIRST,
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  let filter = where;
  if (args.after) {
    filter = { $and: [where, afterCursor(order, decodeKeysetCursor(args.after, order))] } as FilterQuery<T>;
  }
  const rows = (await em.find(entity, filter, {
    orderBy: Object.fromEntries(order.map((f) => [f.field, f.dir])) as never,
    limit: limit + 1,
  })) as T[];
  const hasNextPage = rows.length > limit;
  const nodes = hasNextPage ? rows.slice(0, limit) : rows;
  return {
    nodes,
    pageInfo: { hasNextPage, endCursor: nodes.length ? encodeKeysetCursor(nodes[nodes.length - 1], order) : null },
  };
}
