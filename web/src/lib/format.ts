/** Display helpers. Money arrives as exact decimal strings and is formatted as strings, never via floats. */

export function formatUsd(amount: string | null | undefined, minDecimals = 2, maxDecimals = 6): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return amount;
  const [, sign, intRaw, fracRaw = ''] = match;
  const intPart = (intRaw || '0').replace(/^0+(?=\d)/, '');
  let frac = fracRaw.slice(0, maxDecimals).replace(/0+$/, '');
  if (frac.length < minDecimals) frac = frac.padEnd(minDecimals, '0');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const isZero = /^0*$/.test(intPart + frac);
  return `${sign && !isZero ? '-' : ''}$${grouped}${frac ? `.${frac}` : ''}`;
}

/** Decimal USD string → integer cents, or null when not a valid amount with at most 2 decimals. */
export function parseUsdToCents(input: string): bigint | null {
  const match = /^\s*\$?\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec(input);
  if (!match) return null;
  const [, whole, frac = ''] = match;
  return BigInt(whole) * 100n + BigInt(frac.padEnd(2, '0') || '0');
}

export function centsToUsdString(cents: bigint): string {
  const whole = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${frac}`;
}

/** For charts only: a decimal string as a number (plotting tolerates float rounding). */
export function usdToChartNumber(amount: string): number {
  const n = Number(amount);
  return Number.isFinite(n) ? n : 0;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined, fallback = 'Never'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

export function formatDate(iso: string | null | undefined, fallback = '—'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

export function formatRelative(iso: string | null | undefined, fallback = 'Never'): string {
  if (!iso) return fallback;
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((Date.now() - then) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return rtf.format(-value, unit);
    value = Math.round(value / size);
  }
  return rtf.format(-value, 'year');
}

const integer = new Intl.NumberFormat();
export function formatInt(n: number | null | undefined, fallback = '—'): string {
  return n === null || n === undefined ? fallback : integer.format(n);
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
export function formatCompact(n: number | null | undefined, fallback = '—'): string {
  return n === null || n === undefined ? fallback : compact.format(n);
}

/** Human message of an urql CombinedError without the "[GraphQL]" prefix. */
export function errorMessage(error: { graphQLErrors?: { message: string }[]; networkError?: Error; message: string }): string {
  if (error.graphQLErrors && error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join('; ');
  if (error.networkError) return `Network error: ${error.networkError.message}`;
  return error.message.replace(/^\[(GraphQL|Network)\]\s*/, '');
}

export function errorCode(error: { graphQLErrors?: { extensions?: Record<string, unknown> }[] }): string | undefined {
  const code = error.graphQLErrors?.find((e) => typeof e.extensions?.code === 'string')?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Exact sum of decimal USD strings (9 decimal places), returned as a decimal string. */
export function sumUsd(amounts: string[]): string {
  const SCALE = 9;
  let total = 0n;
  for (const amount of amounts) {
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(amount.trim());
    if (!match) continue;
    const [, sign, whole, frac = ''] = match;
    const nano = BigInt(whole || '0') * 10n ** BigInt(SCALE) + BigInt(frac.slice(0, SCALE).padEnd(SCALE, '0') || '0');
    total += sign ? -nano : nano;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const base = 10n ** BigInt(SCALE);
  return `${negative ? '-' : ''}${abs / base}.${(abs % base).toString().padStart(SCALE, '0')}`;
}
