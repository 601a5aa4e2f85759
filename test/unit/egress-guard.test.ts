import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkHostname,
  classifyAddress,
  EgressBlockedError,
  isAllowed,
  isSelfTarget,
  normalizeAddress,
  parseCidrList,
} from '../../server/src/gateway/egress-guard.js';

const none = parseCidrList([]);

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:0:127.0.0.1', 'loopback'], // SIIT form
    ['::127.0.0.1', 'loopback'], // deprecated IPv4-compatible form
    ['64:ff9b::10.0.0.1', 'private'], // NAT64
    ['2002:7f00:1::', 'loopback'], // 6to4 wrapping 127.0.0.1
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::8.8.8.8', 'public'],
  ])('checks the IPv4 address embedded in %s (%s)', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it('normalizes IPv4-mapped addresses to their IPv4 form', () => {
    expect(normalizeAddress('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(normalizeAddress('[2001:DB8::1]')).toBe('2001:db8::1');
  });
});

describe('parseCidrList', () => {
  it('accepts comma strings, arrays, bare addresses and *', () => {
    expect(parseCidrList('10.0.0.0/8, 192.168.1.5 ,').entries).toEqual(['10.0.0.0/8', '192.168.1.5/32']);
    expect(parseCidrList(['fd00::/8']).entries).toEqual(['fd00::/8']);
    expect(parseCidrList('*').any).toBe(true);
    expect(parseCidrList(undefined).entries).toEqual([]);
  });

  it.each(['10.0.0.0/33', 'nope', '10.0.0.0/', '::1/129', '10.0.0.0/-1'])('rejects %s', (entry) => {
    expect(() => parseCidrList(entry)).toThrow(/invalid CIDR/);
  });

  it('reads an IPv4-mapped IPv6 CIDR as its IPv4 range', () => {
    const allow = parseCidrList('::ffff:10.0.0.0/104');
    expect(allow.entries).toEqual(['10.0.0.0/8']);
    expect(isAllowed('10.9.9.9', allow)).toBe(true);
  });
});

describe('isAllowed', () => {
  it('allows public addresses with an empty allow list', () => {
    expect(isAllowed('8.8.8.8', none)).toBe(true);
    expect(isAllowed('2606:4700:4700::1111', none)).toBe(true);
  });

  it('refuses every internal class with an empty allow list', () => {
    for (const ip of ['127.0.0.1', '::1', '0.0.0.0', '10.0.0.1', '169.254.169.254', '100.64.0.1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isAllowed(ip, none), ip).toBe(false);
    }
  });

  it('allows internal addresses inside the CIDR list only', () => {
    const allow = parseCidrList('127.0.0.0/8,fd00::/8');
    expect(isAllowed('127.0.0.1', allow)).toBe(true);
    expect(isAllowed('::ffff:127.0.0.1', allow)).toBe(true);
    expect(isAllowed('fd00::5', allow)).toBe(true);
    expect(isAllowed('10.0.0.1', allow)).toBe(false);
    expect(isAllowed('::1', allow)).toBe(false);
  });

  it('allows everything with *', () => {
    const allow = parseCidrList(['*']);
    expect(isAllowed('169.254.169.254', allow)).toBe(true);
    expect(isAllowed('::1', allow)).toBe(true);
    expect(isAllowed('garbage', allow)).toBe(false);
  });
});

describe('checkAddress', () => {
  it('returns an EGRESS_BLOCKED error naming the address and class', () => {
    const error = checkAddress('::ffff:127.0.0.1', none);
    expect(error).toBeInstanceOf(EgressBlockedError);
    expect(error?.code).toBe('EGRESS_BLOCKED');
    expect(error?.message).toBe('egress to 127.0.0.1 refused (loopback); set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow');
  });

  it('names a resolved host name but neither its address nor its class (audit LOW: DNS reconnaissance)', () => {
    const error = checkAddress('10.0.0.1', none, 'internal.example');
    expect(error?.message).toBe(
      'egress to internal.example refused: the name does not resolve to an allowed public address; set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow',
    );
    expect(error).toMatchObject({ address: '10.0.0.1', reason: 'private' });
  });

  it('returns undefined for an allowed address', () => {
    expect(checkAddress('1.1.1.1', none)).toBeUndefined();
  });
});

describe('checkHostname', () => {
  it('refuses metadata hostnames whatever they resolve to', () => {
    expect(checkHostname('metadata.google.internal', ['8.8.8.8'], none)?.reason).toBe('metadata');
    expect(checkHostname('Metadata.Google.Internal.', ['8.8.8.8'], none)?.reason).toBe('metadata');
  });

  it('lets a metadata hostname through when its addresses are explicitly allowed', () => {
    expect(checkHostname('metadata.google.internal', ['169.254.169.254'], parseCidrList('*'))).toBeUndefined();
  });

  it('ignores ordinary hostnames', () => {
    expect(checkHostname('api.example.com', ['127.0.0.1'], none)).toBeUndefined();
  });
});

describe('isSelfTarget', () => {
  it('matches the exact listen address and port', () => {
    expect(isSelfTarget('10.0.0.5', 8080, [{ host: '10.0.0.5', port: 8080 }], [])).toBe(true);
    expect(isSelfTarget('10.0.0.5', 8081, [{ host: '10.0.0.5', port: 8080 }], [])).toBe(false);
  });

  it('treats any loopback address as reaching a loopback or localhost listener', () => {
    expect(isSelfTarget('127.0.0.2', 8080, [{ host: '127.0.0.1', port: 8080 }], [])).toBe(true);
    expect(isSelfTarget('::ffff:127.0.0.1', 8080, [{ host: 'localhost', port: 8080 }], [])).toBe(true);
    expect(isSelfTarget('10.0.0.5', 8080, [{ host: '127.0.0.1', port: 8080 }], [])).toBe(false);
  });

  it('treats a wildcard listener as reachable on loopback and every local interface', () => {
    const selves = [{ host: '0.0.0.0', port: 8080 }];
    expect(isSelfTarget('127.0.0.1', 8080, selves, ['192.168.1.10'])).toBe(true);
    expect(isSelfTarget('192.168.1.10', 8080, selves, ['192.168.1.10'])).toBe(true);
    expect(isSelfTarget('192.168.1.11', 8080, selves, ['192.168.1.10'])).toBe(false);
    expect(isSelfTarget('::1', 8080, [{ host: '::', port: 8080 }], [])).toBe(true);
  });
});
