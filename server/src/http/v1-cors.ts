import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a browser app may read of a /v1 answer besides the basic headers: the gateway's own. */
const EXPOSED = [
  'x-request-id',
  'x-gateway-attempts',
  'x-gateway-provider',
  'x-gateway-model',
  'x-gateway-rejected-models',
  'x-gateway-removed-params',
  'x-gateway-cache',
  'x-gateway-virtual-model',
  'x-gateway-error-code',
  'x-should-retry',
  'retry-after',
  'request-id',
].join(', ');

/** How long a browser may reuse a preflight answer (seconds). */
const PREFLIGHT_MAX_AGE = '600';

/**
 * CORS for /v1, off unless V1_CORS_ORIGINS names origins (`*`: any): a browser app calling the
 * gateway with an access key of its own, as the SDKs allow (OpenAI's dangerouslyAllowBrowser,
 * Anthropic's anthropic-dangerous-direct-browser-access). Keys travel in headers, never cookies,
 * so credentials are not allowed and the preflight grants whatever headers it is asked for. The
 * admin surface (Koa) never answers cross-origin.
 *
 * Returns true when it answered the request itself (a preflight). Written by hand: the Koa CORS
 * middleware does not run on /v1, which is served before Koa (app.ts), and this is a few headers.
 */
export function v1Cors(origins: readonly string[]): ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined {
  if (origins.length === 0) return undefined;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const permitted = any || allowed.has(origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (permitted) {
      res.setHeader('access-control-allow-origin', any ? '*' : origin);
      if (!any) res.setHeader('vary', 'Origin');
    }
    if (!preflight) {
      if (permitted) res.setHeader('access-control-expose-headers', EXPOSED);
      return false;
    }
    // A refused origin gets the same 204 without the allow headers: the browser blocks the call.
    if (permitted) {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, POST');
      const asked = req.headers['access-control-request-headers'];
      if (asked) res.setHeader('access-control-allow-headers', asked);
      res.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE);
    }
    res.writeHead(204).end();
    return true;
  };
}
