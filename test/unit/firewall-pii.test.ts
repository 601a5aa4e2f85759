import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findPhoneNumbersInText, getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import metadata from 'libphonenumber-js/metadata.min.json' with { type: 'json' };
import { isIPv6 } from 'node:net';
import { detectPii, findIpv6, findPhones, IPV6, isPhoneCandidate, luhnValid, PHONE_MIN_DIGITS } from '../../server/src/gateway/policies/pii/detectors.js';
import { Redactor } from '../../server/src/gateway/policies/redact.js';
import { PII_TYPES, type PiiType } from '../../server/src/gateway/policies/types.js';

const found = (text: string, types: readonly PiiType[] = PII_TYPES) =>
  detectPii(text, types).map((m) => [m.type, text.slice(m.start, m.end)]);

describe('PII detectors', () => {
  it('finds each type in ordinary prose', () => {
    expect(found('Write to jane.doe+work@example.co.uk today')).toEqual([['EMAIL', 'jane.doe+work@example.co.uk']]);
    expect(found('Call +1 415-555-0132 or (415) 555-0199, or +44 20 7946 0958.')).toEqual([
      ['PHONE', '+1 415-555-0132'],
      ['PHONE', '(415) 555-0199'],
      ['PHONE', '+44 20 7946 0958'],
    ]);
    expect(found('Card 4111 1111 1111 1111 and 5500-0000-0000-0004 and 378282246310005')).toEqual([
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['CREDIT_CARD', '5500-0000-0000-0004'],
      ['CREDIT_CARD', '378282246310005'],
    ]);
    expect(found('IBAN DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432')).toEqual([
      ['IBAN', 'DE89 3704 0044 0532 0130 00'],
      ['IBAN', 'GB82WEST12345698765432'],
    ]);
    expect(found('from 203.0.113.7 and 2001:db8::8a2e:370:7334 and ::1')).toEqual([
      ['IP_ADDRESS', '203.0.113.7'],
      ['IP_ADDRESS', '2001:db8::8a2e:370:7334'],
      ['IP_ADDRESS', '::1'],
    ]);
    expect(found('keys sk-proj-abcdefghijklmnopqrstuvwx12 sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA AIzaSyA1234567890abcdefghijklmnopqrstuv')).toEqual([
      ['API_KEY', 'sk-proj-abcdefghijklmnopqrstuvwx12'],
      ['API_KEY', 'sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['API_KEY', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ]);
  });

  it('leaves dates, times, order numbers, version strings and invalid checksums alone', () => {
    const innocent = [
      'Shipped on 2024-05-17 at 10:30:45, order 12345678, ref 4155550132.',
      'Upgrade from v1.2.3.4 to version 2.10.0.1 (build 20240517).',
      'Order number 4111111111111112 failed Luhn; 1234 5678 9012 3456 too.',
      'Not an IBAN: DE00 3704 0044 0532 0130 00; not an IP: 999.1.2.3; ratio 16:9:4.',
      'Invoice INV-2024-000123, SKU 00012345678905, tracking 1Z999AA10123456784.',
    ];
    for (const text of innocent) expect(found(text), text).toEqual([]);
  });

  it('finds every API key format, each behind its cheap gate', () => {
    const keys = [
      'sk-abcdefghijklmnopqrstuvwx',
      'sk-or-v1-abcdefghijklmnopqrstuvwx',
      'sk-svcacct-abcdefghijklmnopqrstuvwx',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'gsk_abcdefghijklmnopqrstuvwx',
      'AKIAABCDEFGHIJKLMNOP',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'gho_abcdefghijklmnopqrstuvwxyz0123456789',
      'ghs_abcdefghijklmnopqrstuvwxyz0123456789',
      'sk_live_abcdefghijklmnop',
      'rk_test_abcdefghijklmnop',
      'xoxb-1234567890-abcdef',
      'ng-abcdefghijklmnopqrstuvwx',
    ];
    for (const key of keys) expect(found(`the key is ${key}.`, ['API_KEY']), key).toEqual([['API_KEY', key]]);
  });

  it('finds the shortest card and a full-form IPv6 address (no ::) past the gates', () => {
    expect(found('card 4222222222222 ok', ['CREDIT_CARD'])).toEqual([['CREDIT_CARD', '4222222222222']]);
    expect(found('host 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up', ['IP_ADDRESS'])).toEqual([['IP_ADDRESS', '2001:0db8:85a3:0000:0000:8a2e:0370:7334']]);
  });

  it('gates phone numbers below the fewest digits any country dials (country code included)', () => {
    // libphonenumber's own metadata: [.., .., .., possibleLengths] per country.
    const countries = (metadata as unknown as { countries: Record<string, unknown[]> }).countries;
    let fewest = Infinity;
    for (const [country, data] of Object.entries(countries)) {
      const lengths = (data[3] as number[] | undefined) ?? [];
      if (lengths.length > 0) fewest = Math.min(fewest, getCountryCallingCode(country as CountryCode).length + Math.min(...lengths));
    }
    expect(PHONE_MIN_DIGITS).toBeLessThanOrEqual(fewest);
  });

  it('finds phone numbers in windows exactly as libphonenumber does on the whole text (property)', () => {
    const pieces = [
      '+1 415-555-0132', '(415) 555-0199', '+44 20 7946 0958', '011 44 20 7946 0958', '+43 1 234567', '415.555.0132', '4155550132',
      '1-800-555-0199', ' ext. 12', ' x12', 'x7', ' #3', 'INV-', '2026-03-14', '2026-000418', '1,250.00', '17:30', ':45', 'v2-', '12', '007',
      ' ', '  ', 'call ', 'order ', 'abc', '(', ')', '+', '-', '.', '/', ',', ';', '\n', 'é',
    ];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((p) => p.join(''));
    // Found by this property: a '+' or '(' before punctuation starts the number.
    for (const t of ['+-1-800-555-0199', '( 4155550132', '(.4155550132']) {
      const whole = findPhoneNumbersInText(t, { defaultCountry: 'US' }).map((m) => [m.startsAt, m.endsAt]);
      expect(whole).toEqual([[0, t.length]]);
      expect(findPhones(t).map((m) => [m.start, m.end]), t).toEqual(whole);
    }
    let found = 0;
    fc.assert(
      fc.property(text, (t) => {
        const whole = findPhoneNumbersInText(t, { defaultCountry: 'US' })
          .filter((m) => isPhoneCandidate(t, m.startsAt, m.endsAt))
          .map((m) => [m.startsAt, m.endsAt]);
        found += whole.length;
        expect(findPhones(t).map((m) => [m.start, m.end]), JSON.stringify(t)).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
    expect(found).toBeGreaterThan(300);
  });

  it('finds IPv6 addresses run by run exactly as the regex does from every position (property)', () => {
    const pieces = ['2001:db8::8a2e:370:7334', '::1', 'fe80::', '1:2:3:4:5:6:7:8', ':', '::', ':::', 'a', 'f', 'g', '_', '1', '17:30', '.', ' ', '-', 'ff'];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 16 }).map((p) => p.join(''));
    let found = 0;
    fc.assert(
      fc.property(text, (t) => {
        const reference = [...t.matchAll(IPV6)]
          .filter((m) => (m[0].includes('::') || m[0].split(':').length === 8) && isIPv6(m[0]))
          .map((m) => [m.index, m.index + m[0].length]);
        found += reference.length;
        expect(findIpv6(t).map((m) => [m.start, m.end]), JSON.stringify(t)).toEqual(reference);
      }),
      { numRuns: 2000 },
    );
    expect(found).toBeGreaterThan(150);
  });

  it('checks the Luhn sum', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('Redactor', () => {
  it('gives the same value the same typed placeholder and counts every match', () => {
    const r = new Redactor(['EMAIL', 'PHONE']);
    expect(r.redact('a@example.com, b@example.com, a@example.com; +1 415-555-0132')).toBe('<EMAIL_1>, <EMAIL_2>, <EMAIL_1>; <PHONE_1>');
    expect(r.redact('again a@example.com')).toBe('again <EMAIL_1>');
    expect([...r.placeholders]).toEqual([
      ['<EMAIL_1>', 'a@example.com'],
      ['<EMAIL_2>', 'b@example.com'],
      ['<PHONE_1>', '+1 415-555-0132'],
    ]);
    expect(r.total).toBe(5);
  });

  it('only looks for the configured types', () => {
    const r = new Redactor(['EMAIL']);
    expect(r.redact('+1 415-555-0132 a@example.com')).toBe('+1 415-555-0132 <EMAIL_1>');
  });
});
