import { describe, expect, it } from 'vitest';
import {
  NEWEST_FIRST,
  decodeCursor,
  decodeKeysetCursor,
  encodeCursor,
  encodeKeysetCursor,
  pageSize,
  type KeysetOrder,
} from '../../server/src/services/pagination.js';

const BY_PRIORITY: KeysetOrder = [
  { field: 'priority', dir: 'asc', kind: 'int' },
  { field: 'createdAt', dir: 'asc', kind: 'date' },
  { field: 'id', dir: 'asc', kind: 'uuid' },
];
const row = { id: '0b6f3c1e-2a4d-4e8f-9a7b-1c2d3e4f5a6b', createdAt: new Date('2026-01-02T03:04:05.678Z'), priority: -7 };

describe('keyset cursors', () => {
  it('encodes the newest-first order as base64url of "<iso>|<id>"', () => {
    const cursor = encodeCursor(row);
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).toBe(`2026-01-02T03:04:05.678Z|${row.id}`);
    expect(encodeKeysetCursor(row, NEWEST_FIRST)).toBe(cursor);
    expect(decodeCursor(cursor)).toEqual({ createdAt: row.createdAt, id: row.id });
  });

  it('round-trips an order with a (negative) integer column', () => {
    const cursor = encodeKeysetCursor(row, BY_PRIORITY);
    expect(decodeKeysetCursor(cursor, BY_PRIORITY)).toEqual([-7, row.createdAt, row.id]);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['a cursor of another order', encodeCursor(row)],
    ['a non-integer priority', Buffer.from(`1.5|2026-01-02T03:04:05.678Z|${row.id}`).toString('base64url')],
    ['a bad date', Buffer.from(`1|yesterday|${row.id}`).toString('base64url')],
    ['a bad id', Buffer.from(`1|2026-01-02T03:04:05.678Z|1 or 1=1`).toString('base64url')],
  ])('rejects %s with a validation error', (_label, cursor) => {
    expect(() => decodeKeysetCursor(cursor, BY_PRIORITY)).toThrow(/Invalid cursor/);
  });

  it('bounds page sizes to 1..100 with a default of 20', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(/first must be between 1 and 100/);
    expect(() => pageSize(0)).toThrow();
    expect(() => pageSize(-1)).toThrow();
  });
});
