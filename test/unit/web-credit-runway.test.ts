import { describe, expect, it } from 'vitest';
import { dailySpend, runway, spendRangeStart } from '../../web/src/pages/credits/credit-spend.js';

const now = new Date('2026-03-15T09:30:00Z');
const from = spendRangeStart(now);
const days = (spend: Record<string, string>) => dailySpend(Object.entries(spend).map(([key, costUsd]) => ({ key, costUsd })), from, now);

describe('the Credits page runway', () => {
  it('covers 30 UTC days up to today, zero-filled', () => {
    const d = days({ '2026-03-15': '0.50', '2026-02-14': '1.00' });
    expect(from.toISOString()).toBe('2026-02-14T00:00:00.000Z');
    expect(d).toHaveLength(30);
    expect(d[0]).toMatchObject({ day: '2026-02-14', spendUsd: '1.00' });
    expect(d[29]).toMatchObject({ day: '2026-03-15', spendUsd: '0.50' });
    expect(d.filter((x) => x.spend === 0)).toHaveLength(28);
  });

  it('averages the 7 full days before today exactly, to the nano, and rounds the days down', () => {
    // 1.00 over 7 days: 0.142857142 a day; 10.00 lasts 70.0000007 days.
    expect(runway('10.00', days({ '2026-03-08': '1.00', '2026-03-07': '50.00', '2026-03-15': '9.00' }))).toEqual({
      kind: 'lasts',
      averageUsd: '0.142857142',
      days: 70n,
    });
    expect(runway('0.10', days({ '2026-03-14': '7.00' }))).toEqual({ kind: 'lasts', averageUsd: '1.000000000', days: 0n });
  });

  it('has no estimate without spend in those days, and none for an empty balance', () => {
    expect(runway('10.00', days({ '2026-03-15': '3.00', '2026-03-07': '3.00' }))).toEqual({ kind: 'no-spend' });
    expect(runway('0.00', days({ '2026-03-14': '3.00' }))).toEqual({ kind: 'empty' });
  });
});
