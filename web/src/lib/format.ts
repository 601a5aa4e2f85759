/** Display helpers. Money arrives as exact decimal strings and is formatted as strings, never via floats. */

const NANO_DIGITS = 9;
const NANO = 10n ** BigInt(NANO_DIGITS);

/** A decimal USD string as integer nano-dollars (the server's internal precision), or null when not a decimal. */
export function parseUsdNano(amount: string): bigint | null {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match || (match[2] === '' && !match[3])) return null;
  const [, sign, whole, frac = ''] = match;
  const nano = BigInt(whole || '0') * NANO + BigInt(frac.slice(0, NANO_DIGITS).padEnd(NANO_DIGITS, '0') || '0');
  return sign ? -nano : nano;
}

/**
 * The one money format of the UI, so the same amount reads the same on every page: at least 2 decimals,
 * up to 6 (rounded half away from zero), and all 9 for amounts under a millionth of a dollar, so a
 * non-zero amount never reads "$0.00". Exact strings in, strings out: never through floats.
 */
export function formatUsd(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const nano = parseUsdNano(amount);
  if (nano === null) return amount;
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const micro = 1000n; // nano per micro-dollar
  const digits = abs !== 0n && abs < micro ? NANO_DIGITS : 6;
  const unit = 10n ** BigInt(NANO_DIGITS - digits);
  const rounded = (abs + unit / 2n) / unit; // half away from zero (on the absolute value)
  const scale = 10n ** BigInt(digits);
  const whole = (rounded / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = (rounded % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative && abs !== 0n ? '-' : ''}$${whole}.${frac}`;
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

// Every timestamp names its time zone (the browser's), because charts and budgets use UTC days.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZoneName: 'short' });

// Budgets, charts and key expiry use UTC: their dates say so and read the same in every browser.
const utcDateTimeFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** "Jan 15, 2027, 14:00 UTC": a moment in UTC whatever the browser's time zone. */
export function formatUtcDateTime(iso: string | null | undefined, fallback = 'Never'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${utcDateTimeFormat.format(d)} UTC`;
}

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

/** API field names that show up in server messages, as the forms label them. */
const FIELD_WORDS: Record<string, string> = {
  perAttemptTimeoutMs: 'the per-attempt timeout',
  totalTimeoutMs: 'the total timeout',
  amountUsd: 'the amount',
  baseUrl: 'the base URL',
  providerId: 'the provider id',
  apiFormat: 'the API format',
  allowedProviders: 'the allowed providers',
  allowedModels: 'the allowed models',
  providerKeyIds: 'the provider keys',
  configurationId: 'the configuration',
  useGatewayCredentials: 'gateway credentials',
  maxInputTokens: 'the input token cap',
  maxOutputTokens: 'the output token cap',
  budgetUsd: 'the budget',
  requestsPerMinute: 'requests per minute',
  tokensPerMinute: 'tokens per minute',
  expiresAt: 'the expiry date',
};

/** Server messages name API fields ("perAttemptTimeoutMs must not exceed totalTimeoutMs"); say them in words. */
export function plainWords(message: string): string {
  return message.replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (name) => FIELD_WORDS[name] ?? name.replace(/([A-Z])/g, ' $1').toLowerCase());
}

/** Human message of an urql CombinedError without the "[GraphQL]" prefix, field names in words. */
export function errorMessage(error: { graphQLErrors?: { message: string }[]; networkError?: Error; message: string }): string {
  const sentence = (text: string) => plainWords(text).replace(/^[a-z]/, (c) => c.toUpperCase());
  if (error.graphQLErrors && error.graphQLErrors.length > 0) return sentence(error.graphQLErrors.map((e) => e.message).join('; '));
  if (error.networkError) return `Could not reach the gateway (${error.networkError.message}). Check your connection and try again.`;
  return sentence(error.message.replace(/^\[(GraphQL|Network)\]\s*/, ''));
}

export function errorCode(error: { graphQLErrors?: { extensions?: Record<string, unknown> }[] }): string | undefined {
  const code = error.graphQLErrors?.find((e) => typeof e.extensions?.code === 'string')?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Exact sum of decimal USD strings (9 decimal places), returned as a decimal string. */
export function sumUsd(amounts: string[]): string {
  return nanoToUsd(amounts.reduce((sum, amount) => sum + (parseUsdNano(amount) ?? 0n), 0n));
}

/** Integer nano-dollars as a decimal USD string with all 9 places ("1.230000000"), for formatUsd. */
export function nanoToUsd(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  return `${negative ? '-' : ''}${abs / NANO}.${(abs % NANO).toString().padStart(NANO_DIGITS, '0')}`;
}

const DAY_MS = 86_400_000;

/**
 * One entry per day from `from` (a UTC midnight) until `end` (exclusive), at most `limit`: its UTC
 * day key (YYYY-MM-DD, as usage summaries group days) and its chart label ("Mar 5").
 */
export function utcDays(from: Date, end: Date, limit = Number.POSITIVE_INFINITY): { day: string; label: string }[] {
  const days: { day: string; label: string }[] = [];
  for (let t = from.getTime(); t < end.getTime() && days.length < limit; t += DAY_MS) {
    const at = new Date(t);
    days.push({ day: at.toISOString().slice(0, 10), label: at.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }) });
  }
  return days;
}
