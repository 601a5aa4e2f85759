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

type Detector = (text: string) => PiiMatch[];

// Candidate patterns are deliberately simple (no nested quantifiers, so no catastrophic
// backtracking); each candidate is then confirmed by a checksum or a parser where one exists.
/** The domain after an '@' (sticky, tried only where an '@' is). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)/g;
const IPV6 = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])/g;
/** Cheap pre-checks: most prose has no run of digits a phone number needs, and no hex-colon pair. */
const MAYBE_PHONE = /\d[\d\s().+-]{5,}\d/;
const MAYBE_IPV6 = /[0-9A-Fa-f]:|::/;
/** Provider and platform key formats (OpenAI, Anthropic, OpenRouter, Google, Groq, AWS, GitHub, Stripe, Slack, this gateway). */
const API_KEY =
  /\b(?:sk-(?:ant-|proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|gsk_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|ng-[A-Za-z0-9_-]{20,})/g;

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

function isPhoneCandidate(text: string, start: number, end: number): boolean {
  const raw = text.slice(start, end);
  // Part of a longer token ("INV-2024-000123", "v2-415-555-0132"): an identifier, not a number.
  if (/[\w-]/.test(text.charAt(start - 1)) || /[\w-]/.test(text.charAt(end))) return false;
  // National numbers without a separator ("4155550132") are indistinguishable from order or
  // reference numbers, so they count only when written as a phone number is: with +, spaces,
  // dashes, dots or parentheses.
  return raw.includes('+') || /[\s().-]/.test(raw.trim());
}

/**
 * E-mail addresses, scanning outwards from each '@' rather than running a regex from every
 * position (a local-part regex re-reads up to 64 characters at each start: ~10x slower on prose).
 */
function findEmails(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && EMAIL_LOCAL_CHAR.test(text.charAt(start - 1))) start--;
    if (start === at) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN.exec(text);
    if (domain) out.push({ type: 'EMAIL', start, end: at + 1 + domain[0].length });
  }
  return out;
}

const DETECTORS: Record<PiiType, Detector> = {
  EMAIL: findEmails,
  PHONE: (text) =>
    !MAYBE_PHONE.test(text) ? [] : findPhoneNumbersInText(text, { defaultCountry: 'US' })
      .filter((m) => isPhoneCandidate(text, m.startsAt, m.endsAt))
      .map((m) => ({ type: 'PHONE' as const, start: m.startsAt, end: m.endsAt })),
  CREDIT_CARD: (text) => regexMatches(CARD, 'CREDIT_CARD', text, isCard),
  IBAN: (text) => regexMatches(IBAN, 'IBAN', text, (v) => isValidIBAN(electronicFormatIBAN(v) ?? '')),
  IP_ADDRESS: (text) => [
    // "v1.2.3.4" and "version 1.2.3.4" are versions, not addresses.
    ...regexMatches(IPV4, 'IP_ADDRESS', text, (v, start) => isIPv4(v) && !/(?:\bv|version\s*)$/i.test(text.slice(Math.max(0, start - 8), start))),
    ...(MAYBE_IPV6.test(text) ? regexMatches(IPV6, 'IP_ADDRESS', text, (v) => (v.includes('::') || v.split(':').length === 8 ? isIPv6(v) : false)) : []),
  ],
  API_KEY: (text) => regexMatches(API_KEY, 'API_KEY', text),
};

/**
 * Every match of the given types, sorted by start, overlaps resolved in favour of the earlier and
 * then the longer match (an API key's digits are not also a phone number).
 */
export function detectPii(text: string, types: readonly PiiType[]): PiiMatch[] {
  const all = types.flatMap((t) => DETECTORS[t](text));
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
