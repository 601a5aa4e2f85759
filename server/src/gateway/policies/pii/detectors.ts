import { isIPv4, isIPv6 } from 'node:net';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { PiiType } from '../types.js';

/** One detected value: [start, end) in UTF-16 units of the scanned text. */
export interface PiiMatch {
  type: PiiType;
  start: number;
  end: number;
}

const DIGIT_RUN = /\d+/g;
function countDigits(text: string, cap: number): number {
  let n = 0;
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m && n < cap; m = DIGIT_RUN.exec(text)) n += m[0].length;
  DIGIT_RUN.lastIndex = 0;
  return n;
}

/** A card number has 13 to 19 digits. */
const CARD_MIN_DIGITS = 13;
/**
 * The shortest phone number libphonenumber accepts anywhere has 6 digits with its country code
 * (Austria: +43 and 4 digits; a unit test re-derives this from the library's metadata).
 */
export const PHONE_MIN_DIGITS = 6;
/** An IPv4 address has 4 numbers; an IBAN starts with two letters and two check digits. */
const IPV4_MIN_DIGITS = 4;
const IBAN_MIN_DIGITS = 2;

/**
 * What the detectors' cheap gates read, found once per text and only if a gate asks: most prose
 * has too few digits for a card, a phone number or an address, so the costlier scans (and
 * libphonenumber) never run on it.
 */
class TextFacts {
  private digitCount = -1;
  constructor(readonly text: string) {}

  /** Digits in the text, counted up to the most any gate asks for. */
  get digits(): number {
    if (this.digitCount < 0) this.digitCount = countDigits(this.text, CARD_MIN_DIGITS);
    return this.digitCount;
  }
}

type Detector = (facts: TextFacts) => PiiMatch[];

// Candidate patterns are deliberately simple (no nested quantifiers, so no catastrophic
// backtracking); each candidate is then confirmed by a checksum or a parser where one exists.
/** The domain after an '@' (sticky, tried only where an '@' is). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)/g;
/** Reference form of IPv6 candidates (findIpv6 runs it sticky, IPV6_AT, only where one can start). */
export const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;
/** A run of digits and separators a phone number needs (checked before libphonenumber runs). */
const MAYBE_PHONE = /\d[\d\s().+-]{5,}\d/;
/** Provider and platform key formats (OpenAI, Anthropic, OpenRouter, Google, Groq, AWS, GitHub, Stripe, Slack, this gateway). */
const API_KEY =
  /\b(?:sk-(?:ant-|proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|ng-[A-Za-z0-9_-]{20,})/g;

/**
 * Whether the text has what an API_KEY alternative starts with (keep in step with it): AIza or
 * AKIA, or a '-' / '_' right after sk, rk, ng, xox? or gh?. Separators are rare in prose and
 * capitals rarer, so this is a few memchr-like searches instead of the regex's scan.
 */
function mayHaveApiKey(text: string): boolean {
  if (text.includes('AIza') || text.includes('AKIA')) return true;
  for (const sep of ['-', '_']) {
    for (let p = text.indexOf(sep); p !== -1; p = text.indexOf(sep, p + 1)) {
      if (text.startsWith('sk', p - 2) || text.startsWith('rk', p - 2) || text.startsWith('ng', p - 2) || text.startsWith('xox', p - 4) || text.startsWith('gh', p - 3)) {
        return true;
      }
    }
  }
  return false;
}

function regexMatches(re: RegExp, type: PiiType, text: string, accept: (value: string, start: number) => boolean = () => true): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (const m of text.matchAll(re)) {
    const start = m.index;
    if (accept(m[0], start)) out.push({ type, start, end: start + m[0].length });
  }
  return out;
}

/** Luhn checksum over the digits of a card candidate. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay,
 * Maestro). With Luhn alone one in ten random 16-digit order numbers would count as a card.
 */
const CARD_PREFIX = /^(?:4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6(?:011|5|4[4-9]|2)|3(?:0[0-5]|[689])|35|5[06-9]|6\d)/;

function isCard(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  // A consistent grouping only: "4111 1111 1111 1111" or "4111-1111-…", not "41 111-11 …".
  if (/ /.test(candidate) && /-/.test(candidate)) return false;
  return CARD_PREFIX.test(digits) && luhnValid(digits);
}

export function isPhoneCandidate(text: string, start: number, end: number): boolean {
  const raw = text.slice(start, end);
  // Part of a longer token ("INV-2024-000123", "v2-415-555-0132"): an identifier, not a number.
  if (/[\w-]/.test(text.charAt(start - 1)) || /[\w-]/.test(text.charAt(end))) return false;
  // National numbers without a separator ("4155550132") are indistinguishable from order or
  // reference numbers, so they count only when written as a phone number is: with +, spaces,
  // dashes, dots or parentheses.
  return raw.includes('+') || /[\s().-]/.test(raw.trim());
}

/** [A-Za-z0-9._%+-] */
function isEmailLocalChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** IPV6 from a given position (sticky): where the run of hex digits and colons around a colon starts. */
const IPV6_AT = /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/y;
const WORD_COLON_OR_DOT = /[\w:.]/;

const isHexOrColon = (c: number) => c === 58 || isHexDigit(c);

/**
 * IPv6 addresses, tried only where one can be: every address has `::` or a hex digit on both
 * sides of a colon ("Note: " has neither), and can only start where its run of hex digits and
 * colons starts (IPV6's lookbehind), so the regex runs once per such run, not from every position.
 */
export function findIpv6(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next !== 58 && !(isHexDigit(next) && isHexDigit(text.charCodeAt(i - 1)))) continue;
    let start = i;
    while (start > 0 && isHexOrColon(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < text.length && isHexOrColon(text.charCodeAt(end))) end++;
    if (!WORD_COLON_OR_DOT.test(text.charAt(start - 1))) {
      IPV6_AT.lastIndex = start;
      const v = IPV6_AT.exec(text)?.[0];
      if (v && (v.includes('::') || v.split(':').length === 8) && isIPv6(v)) out.push({ type: 'IP_ADDRESS', start, end: start + v.length });
    }
    i = end - 1; // the rest of this run cannot start an address
  }
  return out;
}

/**
 * Digits with the punctuation libphonenumber allows between them (its VALID_PUNCTUATION and plus
 * signs; no 'x': extensions are in the margin below), at least PHONE_MIN_DIGITS characters long
 * (shorter runs, most numbers in prose, never make a match object). Linear: the class and \d
 * only overlap at the cluster's last digit.
 */
const PHONE_CLUSTER = /[+\uFF0B(\uFF08\uFF3B]?\d[\d\s\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF0F/\uFF0E.\u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D[\]~\u2053\u223C\uFF5E+\uFF0B]{4,}\d/g;
/** Context libphonenumber reads around a number (the char before it, a ":30" after it, " ext. 1234"). */
const PHONE_CONTEXT = 32;
const ONLY_DIGITS_AND_DASHES = /^[\d-]+$/;
const BARE_DIGITS = /^\d+$/;
/** libphonenumber's extension markers start with a letter ("ext", "x", "доб"), '#', ',', ';' or '~'. */
const EXTENSION_MAY_FOLLOW = /^\s*[\p{L}#\uFF03,;~]/u;
/** The default region's (US) numbers have 10 digits; fewer only dial abroad (+ or the 011 prefix). */
const NATIONAL_DIGITS = 10;

function countDigitsIn(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** libphonenumber's characters that may start a number (its LEAD_CLASS). */
const PHONE_LEAD = /[+\uFF0B(\uFF08[\uFF3B]/;
/** Phone punctuation (PHONE_CLUSTER's separators) that may sit between a leading character and the digits. */
const PHONE_PUNCTUATION = /[\s\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF0F/\uFF0E.\u00A0\u00AD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D[\]~\u2053\u223C\uFF5E]/;

/**
 * Where a cluster starting at `at` really starts: libphonenumber begins a number at a leading '+'
 * or opening bracket even with punctuation before the first digit ("+-1-800-555-0199",
 * "( 4155550132"), so the farthest such character in the punctuation run before the digits
 * belongs to the cluster. Linear overall: the walk only crosses the punctuation between this
 * cluster and the previous one.
 */
function leadBefore(text: string, at: number): number {
  let start = at;
  for (let i = at - 1; i >= 0; i--) {
    const ch = text.charAt(i);
    if (PHONE_LEAD.test(ch)) start = i;
    else if (!PHONE_PUNCTUATION.test(ch)) break;
  }
  return start;
}

/**
 * Phone numbers by libphonenumber, run only on windows around digit clusters that could be one:
 * it costs ~20-60 µs per number-like thing it looks at, so on a whole prompt with dates, amounts
 * and order numbers it took milliseconds. A cluster qualifies with as many digits as a number of
 * the default region has, or with fewer when it dials abroad ('+', or starting with 0).
 */
export function findPhones(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  let windowStart = -1;
  let windowEnd = -1;
  const flush = () => {
    if (windowStart < 0) return;
    const window = text.slice(windowStart, windowEnd);
    for (const m of findPhoneNumbersInText(window, { defaultCountry: 'US' })) {
      const start = windowStart + m.startsAt;
      const end = windowStart + m.endsAt;
      if (isPhoneCandidate(text, start, end)) out.push({ type: 'PHONE', start, end });
    }
  };
  PHONE_CLUSTER.lastIndex = 0;
  for (let m = PHONE_CLUSTER.exec(text); m; m = PHONE_CLUSTER.exec(text)) {
    const end = m.index + m[0].length;
    const start = leadBefore(text, m.index);
    const cluster = start === m.index ? m[0] : text.slice(start, end);
    // What isPhoneCandidate would refuse anyway: a run of digits and dashes inside a longer token
    // (every match in it starts after a letter, digit or dash), or bare digits with no
    // extension after them (no separator in any match).
    if (ONLY_DIGITS_AND_DASHES.test(cluster) && /[\w-]/.test(text.charAt(start - 1))) continue;
    if (BARE_DIGITS.test(cluster) && !EXTENSION_MAY_FOLLOW.test(text.slice(end, end + 8))) continue;
    const digits = countDigitsIn(text, start, end);
    const abroad = cluster.includes('+') || cluster.includes('\uFF0B') || cluster.startsWith('0') || text.charCodeAt(start - 1) === 43;
    if (digits < NATIONAL_DIGITS && !(abroad && digits >= PHONE_MIN_DIGITS)) continue;
    const from = Math.max(0, start - PHONE_CONTEXT);
    const to = Math.min(text.length, end + PHONE_CONTEXT);
    if (from <= windowEnd) windowEnd = to;
    else {
      flush();
      windowStart = from;
      windowEnd = to;
    }
  }
  flush();
  PHONE_CLUSTER.lastIndex = 0;
  return out;
}

/**
 * E-mail addresses, scanning outwards from each '@' rather than running a regex from every
 * position (a local-part regex re-reads up to 64 characters at each start: ~10x slower on prose).
 */
function findEmails(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && isEmailLocalChar(text.charCodeAt(start - 1))) start--;
    if (start === at) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN.exec(text);
    if (domain) out.push({ type: 'EMAIL', start, end: at + 1 + domain[0].length });
  }
  return out;
}

const DETECTORS: Record<PiiType, Detector> = {
  EMAIL: ({ text }) => findEmails(text),
  PHONE: (facts) => (facts.digits < PHONE_MIN_DIGITS || !MAYBE_PHONE.test(facts.text) ? [] : findPhones(facts.text)),
  CREDIT_CARD: (facts) => (facts.digits < CARD_MIN_DIGITS ? [] : regexMatches(CARD, 'CREDIT_CARD', facts.text, isCard)),
  IBAN: (facts) =>
    facts.digits < IBAN_MIN_DIGITS ? [] : regexMatches(IBAN, 'IBAN', facts.text, (v) => isValidIBAN(electronicFormatIBAN(v) ?? '')),
  IP_ADDRESS: (facts) => {
    const { text } = facts;
    const v4 =
      facts.digits >= IPV4_MIN_DIGITS && text.includes('.')
        ? // "v1.2.3.4" and "version 1.2.3.4" are versions, not addresses.
          regexMatches(IPV4, 'IP_ADDRESS', text, (v, start) => isIPv4(v) && !/(?:\bv|version\s*)$/i.test(text.slice(Math.max(0, start - 8), start)))
        : [];
    const v6 = findIpv6(text);
    return v6.length === 0 ? v4 : [...v4, ...v6];
  },
  API_KEY: ({ text }) => (mayHaveApiKey(text) ? regexMatches(API_KEY, 'API_KEY', text) : []),
};

/**
 * Every match of the given types, sorted by start, overlaps resolved in favour of the earlier and
 * then the longer match (an API key's digits are not also a phone number).
 */
export function detectPii(text: string, types: readonly PiiType[]): PiiMatch[] {
  const facts = new TextFacts(text);
  let all: PiiMatch[] = [];
  for (const type of types) {
    const found = DETECTORS[type](facts);
    if (found.length > 0) all = all.length === 0 ? found : all.concat(found);
  }
  if (all.length <= 1) return all;
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PiiMatch[] = [];
  let covered = 0;
  for (const m of all) {
    if (m.start < covered) continue;
    out.push(m);
    covered = m.end;
  }
  return out;
}
