/**
 * Headers for the admin UI and its assets. The CSP fits the built SPA: scripts and workers only
 * from this origin (GraphiQL's Monaco editor starts its workers from bundled files or blob: URLs),
 * inline styles allowed because React's style props and Monaco set them, data: for the inline icon
 * and fonts, requests only to this origin (/graphql). No page may frame the UI (clickjacking).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webSecurityHeaders(publicUrl: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    // For browsers without frame-ancestors.
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
  // Only when the operator says the UI is served over https: HSTS on a plain-http deployment
  // would lock browsers out of it for a year.
  if (publicUrl?.startsWith('https://')) headers['strict-transport-security'] = 'max-age=31536000';
  return headers;
}
