import { describe, expect, it } from 'vitest';
import { errorMessage, formatDateTime, formatUsd, parseUsdNano, plainWords, sumUsd } from '../../web/src/lib/format.js';

describe('the UI money format', () => {
  it('never shows a non-zero amount as $0.00', () => {
    expect(formatUsd('0.000000900')).toBe('$0.0000009');
    expect(formatUsd('0.000000001')).toBe('$0.000000001');
    expect(formatUsd('-0.000000001')).toBe('-$0.000000001');
    expect(formatUsd('0.000000000')).toBe('$0.00');
    expect(formatUsd('-0')).toBe('$0.00');
  });

  it('gives one string per amount: 2 to 6 decimals, rounded half away from zero, grouped thousands', () => {
    expect(formatUsd('42.180000000')).toBe('$42.18');
    expect(formatUsd('0.000171100')).toBe('$0.000171');
    expect(formatUsd('-0.000171100')).toBe('-$0.000171');
    expect(formatUsd('0.0000015')).toBe('$0.000002');
    expect(formatUsd('9.999950000')).toBe('$9.99995');
    expect(formatUsd('1234567.5')).toBe('$1,234,567.50');
    expect(formatUsd('5')).toBe('$5.00');
    expect(formatUsd('.5')).toBe('$0.50');
  });

  it('passes through what is not a decimal and dashes what is missing', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd('')).toBe('—');
    expect(formatUsd('abc')).toBe('abc');
    expect(parseUsdNano('-')).toBeNull();
  });

  it('sums exactly at nine decimals', () => {
    expect(sumUsd(['0.1', '0.2', '-0.000000001'])).toBe('0.299999999');
    expect(sumUsd(['-1', '0.5'])).toBe('-0.500000000');
  });

  it('names the time zone of every timestamp', () => {
    const at = new Date('2026-11-27T10:00:00Z');
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
    expect(zone).toBeTruthy();
    expect(formatDateTime(at.toISOString())).toContain(zone);
  });
});

describe('error messages in plain words', () => {
  it('names fields as the forms do, and splits unknown camelCase names', () => {
    expect(plainWords('perAttemptTimeoutMs must not exceed totalTimeoutMs')).toBe('the per-attempt timeout must not exceed the total timeout');
    expect(plainWords('someNewField is invalid')).toBe('some new field is invalid');
    expect(plainWords('Model gpt-4o-mini is not allowed')).toBe('Model gpt-4o-mini is not allowed');
    expect(errorMessage({ graphQLErrors: [{ message: 'baseUrl must be https' }], message: '' })).toBe('The base URL must be https');
  });
});
