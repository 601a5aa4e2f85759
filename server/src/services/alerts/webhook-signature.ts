import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Alert webhooks are signed the way Stripe signs its webhooks: header
 * `X-Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with
 * the organization's signing secret (its UTF-8 bytes, `whsec_` prefix included). The timestamp
 * is signed too, so a receiver that checks it (README: tolerance of a few minutes) refuses replays.
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';

/** A fresh signing secret: 256 random bits behind a recognisable prefix (as Stripe's `whsec_`). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmacHex(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`, 'utf8').digest('hex');
}

/** The signature header's value for `body` sent at `timestampSec`. */
export function signatureHeader(secret: string, body: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * Receiver side (tests, and the README's example in a few lines): true when one `v1` signature
 * matches and the timestamp is within `toleranceSec` of `nowSec`.
 */
export function verifySignatureHeader(header: string, body: string, secret: string, nowSec: number, toleranceSec = 300): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isSafeInteger(t) || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
