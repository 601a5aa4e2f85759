import { describe, expect, it } from 'vitest';
import { webSecurityHeaders } from '../../server/src/http/security-headers.js';

describe('webSecurityHeaders', () => {
  it('forbids framing and sniffing and sends no referrer', () => {
    const h = webSecurityHeaders(undefined);
    expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(h['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(h).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  });

  it('adds HSTS only when PUBLIC_URL is https', () => {
    expect(webSecurityHeaders('http://gateway.internal:8080')['strict-transport-security']).toBeUndefined();
    expect(webSecurityHeaders('https://gateway.example.com')['strict-transport-security']).toBe('max-age=31536000');
  });
});
