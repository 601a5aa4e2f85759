import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, DEFAULT_RETRY_POLICY } from '../../server/src/services/alerts/backoff.js';
import { signatureHeader, verifySignatureHeader } from '../../server/src/services/alerts/webhook-signature.js';

describe('alert webhook backoff', () => {
  it('doubles per failure, caps, and jitters within half a step', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1_000, 2_000]);
  });

  it('spreads the default schedule over hours', () => {
    const total = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts - 1 }, (_, i) => retryDelayMs(i + 1, DEFAULT_RETRY_POLICY, () => 0.5)).reduce(
      (a, b) => a + b,
    );
    expect(total).toBeGreaterThan(4 * 3_600_000);
    expect(total).toBeLessThan(12 * 3_600_000);
  });
});

describe('alert webhook signature', () => {
  const secret = 'whsec_test_secret_value';
  const body = '{"id":"e1","type":"webhook.test"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies within the tolerance only, for the exact body and secret', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignatureHeader(header, body, secret, 1_700_000_100)).toBe(true);
    expect(verifySignatureHeader(header, body, secret, 1_700_000_400)).toBe(false);
    expect(verifySignatureHeader(header, `${body} `, secret, 1_700_000_000)).toBe(false);
    expect(verifySignatureHeader(header, body, `${secret}x`, 1_700_000_000)).toBe(false);
    expect(verifySignatureHeader('t=abc,v1=00', body, secret, 1_700_000_000)).toBe(false);
  });
});
