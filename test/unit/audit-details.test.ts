import { describe, expect, it } from 'vitest';
import { auditChanges, auditFields, boundAuditDetails, diffSnapshots, MAX_AUDIT_ENTRIES, MAX_AUDIT_STRING } from '../../server/src/services/audit-details.js';

describe('diffSnapshots', () => {
  it('lists each changed field from → to and leaves unchanged ones out', () => {
    expect(diffSnapshots({ role: 'VIEWER', name: 'a' }, { role: 'ADMIN', name: 'a' })).toEqual({ role: { from: 'VIEWER', to: 'ADMIN' } });
  });

  it('compares lists and objects whole, shown as JSON text, and dates as ISO text', () => {
    const at = new Date('2030-01-01T00:00:00Z');
    expect(diffSnapshots({ models: ['a'], cache: null, at: null }, { models: ['a', 'b'], cache: { enabled: true }, at })).toEqual({
      models: { from: '["a"]', to: '["a","b"]' },
      cache: { from: null, to: '{"enabled":true}' },
      at: { from: null, to: '2030-01-01T00:00:00.000Z' },
    });
  });

  it('takes the same object with its keys in another order (as jsonb returns it) for no change', () => {
    const before = { routing: [{ weights: { k1: 1 }, provider: 'openai', keys: ['k1'] }], models: ['a'] };
    const after = { routing: [{ provider: 'openai', keys: ['k1'], weights: { k1: 1 } }], models: ['a', 'b'] };
    expect(diffSnapshots(before, after)).toEqual({ models: { from: '["a"]', to: '["a","b"]' } });
    // Shown in one order too, whatever order the object came in.
    expect(diffSnapshots({ r: null }, { r: { b: 1, a: 2 } })).toEqual({ r: { from: null, to: '{"a":2,"b":1}' } });
  });

  it('sees a change past the truncation point (values are compared before they are cut)', () => {
    const long = 'x'.repeat(MAX_AUDIT_STRING + 10);
    const changes = diffSnapshots({ d: `${long}1` }, { d: `${long}2` });
    expect(Object.keys(changes)).toEqual(['d']);
    expect(changes.d.from).toHaveLength(MAX_AUDIT_STRING);
  });
});

describe('auditFields / auditChanges', () => {
  it('keeps identifying fields that have a value and the changes', () => {
    expect(auditFields({ name: 'k', budgetUsd: null, rpm: undefined, count: 3 })).toEqual({ fields: { name: 'k', count: 3 } });
    expect(auditChanges({ n: 1 }, { n: 2 }, { name: 'k' })).toEqual({ fields: { name: 'k' }, changes: { n: { from: 1, to: 2 } } });
  });
});

describe('boundAuditDetails', () => {
  it('cuts strings at MAX_AUDIT_STRING characters, ending in an ellipsis', () => {
    const bounded = boundAuditDetails({ fields: { description: '€'.repeat(500) } });
    const value = String(bounded?.fields?.description);
    expect(Array.from(value)).toHaveLength(MAX_AUDIT_STRING);
    expect(value.endsWith('…')).toBe(true);
  });

  it('keeps at most MAX_AUDIT_ENTRIES entries a list and says that some were left out', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_AUDIT_ENTRIES + 5 }, (_, i) => [`f${i}`, { from: i, to: i + 1 }]));
    const bounded = boundAuditDetails({ changes: many });
    expect(Object.keys(bounded?.changes ?? {})).toHaveLength(MAX_AUDIT_ENTRIES);
    expect(bounded?.truncated).toBe(true);
  });

  it('drops fields named like secrets even when a caller passes them', () => {
    const bounded = boundAuditDetails({
      fields: { key: 'sk-live', token: 't', passwordHash: 'h', tokenHash: 'h', encryptedKey: 'e', name: 'ok', tokensPerMinute: 5, keyRedacted: 'sk-…abcd' },
    });
    expect(bounded).toEqual({ fields: { name: 'ok', tokensPerMinute: 5, keyRedacted: 'sk-…abcd' } });
  });

  it('is null when nothing is left to record', () => {
    expect(boundAuditDetails(undefined)).toBeNull();
    expect(boundAuditDetails({ fields: {}, changes: {} })).toBeNull();
  });
});
