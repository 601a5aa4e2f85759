/**
 * Which kind of non-public address a URL names, as the server's egress guard would classify it, for a
 * warning before saving. Literal IPs and localhost only: host names are resolved (and checked) by the server.
 */
export function privateAddressKind(url: string): 'loopback' | 'private' | 'link-local' | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0.0.0.0' || host === '::') return 'loopback';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 127 || a === 0) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    if (a === 169 && b === 254) return 'link-local';
    return null;
  }
  if (/^f[cd][0-9a-f]{2}:/.test(host)) return 'private';
  if (/^fe[89ab][0-9a-f]:/.test(host)) return 'link-local';
  return null;
}
