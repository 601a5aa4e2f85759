import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Pure address policy for outbound calls to custom providers (no I/O). `upstream.ts` applies it
 * inside the connector, to the addresses actually connected to, so DNS answers cannot dodge it.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

/** Why a connection was refused: an address class, or a loop back into the gateway itself. */
/** `unresolved`: the name has no address (told apart from a refusal only in the operator's logs). */
export type EgressRefusalReason = Exclude<AddressClass, 'public'> | 'gateway-self' | 'unresolved';

export interface AllowList {
  /** `*`: every address is allowed (the self-loop refusal still applies). */
  any: boolean;
  /** The entries as given, normalised, for logs and config echo. */
  entries: string[];
  blockList: BlockList;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Raised from the connector; `code` sits beside undici's own codes so `classify.ts` can read it.
 * The message reaches tenants: for a host name it says neither what the name resolved to nor
 * which class of address that was (that would map the operator's internal DNS for any tenant);
 * `address` and `reason` stay on the error for the operator's logs. An address the tenant wrote
 * itself is named with its class, which tells nothing new.
 */
export class EgressBlockedError extends Error {
  readonly code = 'EGRESS_BLOCKED';
  readonly address: string;
  readonly hostname: string | undefined;
  readonly reason: EgressRefusalReason;

  constructor(address: string, reason: EgressRefusalReason, hostname?: string) {
    const named = hostname !== undefined && isIP(hostname) === 0;
    const hint = reason === 'gateway-self' ? '' : '; set CUSTOM_PROVIDER_ALLOW_PRIVATE to allow';
    const why = reason === 'gateway-self' ? "the gateway's own listen address" : reason;
    super(
      named
        ? `egress to ${hostname} refused: the name does not resolve to an allowed public address${hint}`
        : `egress to ${address} refused (${why})${hint}`,
    );
    this.name = 'EgressBlockedError';
    this.address = address;
    this.hostname = hostname;
    this.reason = reason;
  }
}

type Range = readonly [AddressClass, string, number];

// First match wins, so narrower ranges (metadata) come before the ranges containing them.
const IPV4_RANGES: readonly Range[] = [
  ['unspecified', '0.0.0.0', 8],
  ['loopback', '127.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['metadata', '169.254.169.254', 32], // AWS, GCP, Azure, OCI, DigitalOcean instance metadata
  ['link-local', '169.254.0.0', 16],
  ['metadata', '100.100.100.200', 32], // Alibaba Cloud metadata (inside CGNAT space)
  ['cgnat', '100.64.0.0', 10],
  ['metadata', '168.63.129.16', 32], // Azure wire server: public space, but host-internal
  ['reserved', '192.0.0.0', 24], // IETF protocol assignments
  ['reserved', '192.0.2.0', 24], // documentation
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '198.18.0.0', 15], // benchmarking
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  ['reserved', '240.0.0.0', 4],
];

const IPV6_RANGES: readonly Range[] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['metadata', 'fd00:ec2::254', 128], // AWS instance metadata over IPv6
  ['private', 'fc00::', 7], // unique local
  ['private', 'fec0::', 10], // deprecated site-local, still routed inside some networks
  ['link-local', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
  ['reserved', '2001:db8::', 32], // documentation
  ['reserved', '2001::', 32], // Teredo: the embedded client address is obfuscated, so refuse outright
  ['reserved', '100::', 64], // discard-only
  ['reserved', '64:ff9b:1::', 48], // local-use NAT64, translates to operator-chosen space
];

function compile(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): [AddressClass, BlockList][] {
  return ranges.map(([cls, net, prefix]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return [cls, list];
  });
}

const IPV4_TABLE = compile(IPV4_RANGES, 'ipv4');
const IPV6_TABLE = compile(IPV6_RANGES, 'ipv6');

/** Strips `[]` and a `%zone` suffix, which `net.isIP` and `BlockList` treat inconsistently. */
function bareAddress(ip: string): string {
  let out = ip.trim();
  if (out.startsWith('[') && out.endsWith(']')) out = out.slice(1, -1);
  const zone = out.indexOf('%');
  if (zone !== -1) out = out.slice(0, zone);
  return out;
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it does not parse. */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // Rewrite a dotted-quad tail ("::ffff:1.2.3.4") as two hex groups so one parser handles both.
    if (!isIPv4(maybeV4)) return undefined;
    const [a, b, c, d] = maybeV4.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = text.split('::');
  let groups: number[];
  if (rest === undefined) {
    groups = parse(head);
  } else {
    const left = parse(head);
    const right = parse(rest);
    const fill = 8 - left.length - right.length;
    if (fill < 0) return undefined;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  }
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  return groups;
}

function v4FromGroups(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/**
 * The IPv4 address an IPv6 address stands for, when the IPv6 form is only a wrapper that some
 * stack (the kernel, a NAT64 gateway, a 6to4 relay) turns back into IPv4: mapped `::ffff:a.b.c.d`,
 * SIIT `::ffff:0:a.b.c.d`, deprecated compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`.
 */
function embeddedIPv4(groups: number[]): string | undefined {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4FromGroups(groups[6], groups[7]);
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4FromGroups(groups[6], groups[7]);
  if (zeros(0, 6) && !(groups[6] === 0 && groups[7] <= 1)) return v4FromGroups(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4FromGroups(groups[6], groups[7]);
  if (groups[0] === 0x2002) return v4FromGroups(groups[1], groups[2]);
  return undefined;
}

/** The IPv4 form of a wrapped address, else the address itself (bare, lower-case). */
export function normalizeAddress(ip: string): string {
  const bare = bareAddress(ip);
  if (isIP(bare) !== 6) return bare;
  const groups = ipv6Groups(bare);
  return (groups && embeddedIPv4(groups)) ?? bare.toLowerCase();
}

export function classifyAddress(ip: string): AddressClass {
  const bare = bareAddress(ip);
  const family = isIP(bare);
  if (family === 4) return IPV4_TABLE.find(([, list]) => list.check(bare, 'ipv4'))?.[0] ?? 'public';
  if (family !== 6) return 'invalid';
  const groups = ipv6Groups(bare);
  if (!groups) return 'invalid';
  const v4 = embeddedIPv4(groups);
  if (v4 !== undefined) return classifyAddress(v4);
  const hit = IPV6_TABLE.find(([, list]) => list.check(bare, 'ipv6'));
  if (hit) return hit[0];
  // Only 2000::/3 is allocated global unicast; anything else is not a real provider.
  return (groups[0] & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/**
 * Parses `CUSTOM_PROVIDER_ALLOW_PRIVATE`: a comma list (or array) of CIDRs or bare addresses, or `*`.
 * Throws on an entry that is not a valid CIDR so a typo fails at start-up, not at request time.
 */
export function parseCidrList(input: string | readonly string[] | undefined): AllowList {
  const raw = typeof input === 'string' ? input.split(',') : (input ?? []);
  const blockList = new BlockList();
  const entries: string[] = [];
  let any = false;
  for (const item of raw) {
    const entry = item.trim();
    if (entry === '') continue;
    if (entry === '*') {
      any = true;
      entries.push('*');
      continue;
    }
    const slash = entry.indexOf('/');
    let address = bareAddress(slash === -1 ? entry : entry.slice(0, slash)).toLowerCase();
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    let prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0 || !(prefix >= 0 && prefix <= max)) throw new Error(`invalid CIDR "${entry}"`);
    // "::ffff:10.0.0.0/104" is written in IPv6 terms but means 10.0.0.0/8, and targets are
    // compared in their IPv4 form (see normalizeAddress).
    const groups = family === 6 ? ipv6Groups(address) : undefined;
    if (groups && prefix >= 96 && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      address = v4FromGroups(groups[6], groups[7]);
      prefix -= 96;
    }
    blockList.addSubnet(address, prefix, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    entries.push(`${address}/${prefix}`);
  }
  return { any, entries, blockList };
}

function inAllowList(normalized: string, allow: AllowList): boolean {
  if (allow.any) return true;
  const family = isIP(normalized);
  if (family === 0) return false;
  return allow.blockList.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when a custom provider may connect to `ip`: public, or non-public but operator-allowed. */
export function isAllowed(ip: string, allow: AllowList): boolean {
  const cls = classifyAddress(ip);
  if (cls === 'invalid') return false;
  return cls === 'public' || inAllowList(normalizeAddress(ip), allow);
}

/** The refusal for one resolved/connected address, or undefined when it may be used. */
export function checkAddress(ip: string, allow: AllowList, hostname?: string): EgressBlockedError | undefined {
  const cls = classifyAddress(ip);
  if (cls === 'invalid') return new EgressBlockedError(ip, cls, hostname);
  if (cls === 'public' || inAllowList(normalizeAddress(ip), allow)) return undefined;
  return new EgressBlockedError(normalizeAddress(ip), cls, hostname);
}

// Names that reach instance metadata without any private-looking address in the URL.
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

export function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(hostname.trim().toLowerCase().replace(/\.$/, ''));
}

/**
 * A metadata hostname is refused unless every address it resolves to was explicitly allowed;
 * callers check the resolved addresses separately, so this only answers for the name.
 */
export function checkHostname(hostname: string, addresses: readonly string[], allow: AllowList): EgressBlockedError | undefined {
  if (!isMetadataHostname(hostname)) return undefined;
  if (addresses.length > 0 && addresses.every((a) => inAllowList(normalizeAddress(a), allow))) return undefined;
  return new EgressBlockedError(addresses[0] ?? hostname, 'metadata', hostname);
}

const isUnspecified = (host: string) => host === '' || classifyAddress(host) === 'unspecified';

/**
 * Whether (ip, port) reaches one of the gateway's own listeners. A wildcard listener is reachable
 * on every local interface; `localAddresses` lists them (from `os.networkInterfaces()`), passed in
 * to keep this function pure. Loopback listeners are matched by the whole loopback range because
 * the kernel may route any of 127/8 to them.
 */
export function isSelfTarget(
  ip: string,
  port: number,
  selves: readonly ListenAddress[],
  localAddresses: readonly string[],
): boolean {
  const target = normalizeAddress(ip);
  const targetIsLoopback = classifyAddress(target) === 'loopback';
  for (const self of selves) {
    if (self.port !== port) continue;
    const host = bareAddress(self.host).toLowerCase();
    if (isUnspecified(host)) {
      if (targetIsLoopback || classifyAddress(target) === 'unspecified') return true;
      if (localAddresses.some((local) => normalizeAddress(local) === target)) return true;
      continue;
    }
    if (host === 'localhost' || (isIP(host) !== 0 && classifyAddress(host) === 'loopback')) {
      if (targetIsLoopback) return true;
      continue;
    }
    if (normalizeAddress(host) === target) return true;
  }
  return false;
}
