/**
 * Money is integer nano-USD (1e-9 USD) in a bigint, never a float. On the wire it is a decimal
 * string of USD with the nine places trimmed of trailing zeros but kept to at least two
 * ("5.00", "0.0000015", "-1.25").
 */
export const NANO_PER_USD = 1_000_000_000n;
export const NANO_PER_CENT = 10_000_000n;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Exact decimal string → integer units of 10^-scale (e.g. scale 9: USD → nano-USD). Returns
 * undefined for anything that is not a plain decimal or has more than `scale` fraction digits.
 */
export function parseDecimal(value: string, scale = 9): bigint | undefined {
  const m = DECIMAL.exec(value.trim());
  if (!m) return undefined;
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > scale) return undefined;
  const units = BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  return sign ? -units : units;
}

/** nano-USD → "12.345", always at least two decimals, at most nine, no float on the way. */
export function formatUsd(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / NANO_PER_USD;
  let fraction = (abs % NANO_PER_USD).toString().padStart(9, '0').replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** ceil(a / b) for a ≥ 0, b > 0. */
export function divCeil(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
