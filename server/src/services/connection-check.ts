import { isIP } from 'node:net';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomProvider } from '../entities/custom-provider.entity.js';
import { ProviderKey, type IProviderKey } from '../entities/provider-key.entity.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { EgressBlockedError } from '../gateway/egress-guard.js';
import { modelListRequest } from '../gateway/model-listings.js';
import type { ResolvedProvider } from '../gateway/provider-directory.js';
import type { Services } from '../services.js';
import { providerKeyAad } from './crypto.js';

/**
 * "Test" for provider keys and custom providers: one cheap upstream call (`GET <baseUrl>/models`, which
 * costs nothing at every vendor) through the same upstream client and egress guard as inference, so a
 * refused address or a wrong key shows up here and not on the first real request. The outcome is told in
 * plain words; the key itself never appears in it.
 */
export interface ConnectionCheckResult {
  ok: boolean;
  /** The upstream's HTTP status, when it answered. */
  status: number | null;
  latencyMs: number;
  message: string;
}

const CHECK_TIMEOUT_MS = 10_000;
/** A model listing is small; more than this is read no further. */
const MAX_BODY_BYTES = 256 * 1024;

type CheckDeps = Pick<Services, 'upstream' | 'providers' | 'secretBox'>;

export async function checkProviderKey(deps: CheckDeps, em: EntityManager, accountId: string, providerKeyId: string): Promise<ConnectionCheckResult> {
  const key = await em.findOne(ProviderKey, { id: providerKeyId, accountId });
  if (!key) throw new NotFoundError('provider key', providerKeyId);
  const provider = await resolveProvider(deps, em, accountId, key.provider);
  return probe(deps, provider, decrypt(deps, key));
}

/** A custom provider, with its first provider key (by priority) when it has one: it may need none. */
export async function checkCustomProvider(deps: CheckDeps, em: EntityManager, accountId: string, providerId: string): Promise<ConnectionCheckResult> {
  const provider = await resolveProvider(deps, em, accountId, providerId);
  if (provider.builtIn) throw new NotFoundError('custom provider', providerId);
  const key = await em.findOne(ProviderKey, { accountId, provider: providerId }, { orderBy: { priority: 'asc', createdAt: 'asc' } });
  return probe(deps, provider, key ? decrypt(deps, key) : null);
}

function decrypt(deps: CheckDeps, key: IProviderKey): string {
  return deps.secretBox.decrypt(key.encryptedKey, providerKeyAad(key.accountId, key.id));
}

async function resolveProvider(deps: CheckDeps, em: EntityManager, accountId: string, providerId: string): Promise<ResolvedProvider> {
  const builtIn = deps.providers.getBuiltIn(providerId);
  if (builtIn) return builtIn;
  const custom = await em.findOne(CustomProvider, { accountId, providerId });
  if (!custom) throw new NotFoundError('provider', providerId);
  return deps.providers.fromCustom({
    providerId: custom.providerId,
    name: custom.name,
    baseUrl: custom.baseUrl,
    apiFormat: custom.apiFormat.toLowerCase() === 'anthropic' ? 'anthropic' : 'openai',
    models: new Map(),
  });
}

async function probe(deps: CheckDeps, provider: ResolvedProvider, credential: string | null): Promise<ConnectionCheckResult> {
  const { endpoint } = provider;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  let url: string;
  let headers: Record<string, string>;
  try {
    ({ url, headers } = modelListRequest(endpoint, credential));
  } catch {
    return { ok: false, status: null, latencyMs: 0, message: `The base URL “${endpoint.baseUrl}” is not a valid address.` };
  }
  try {
    const res = await deps.upstream.send({
      url,
      method: 'GET',
      headers,
      egress: provider.egress,
      signal,
      headersTimeoutMs: CHECK_TIMEOUT_MS,
      bodyTimeoutMs: CHECK_TIMEOUT_MS,
    });
    // Drain (bounded) so the connection returns to the pool; the listing itself is not needed.
    await deps.upstream.readBody(res, MAX_BODY_BYTES).catch(() => undefined);
    return { ...describeStatus(res.status, credential !== null), status: res.status, latencyMs: elapsed() };
  } catch (error) {
    return { ok: false, status: null, latencyMs: elapsed(), message: describeNetworkError(error, url) };
  }
}

export function describeStatus(status: number, withKey: boolean): { ok: boolean; message: string } {
  if (status >= 200 && status < 300) return { ok: true, message: withKey ? 'Connected: the provider accepted the key.' : 'Connected: the provider answered.' };
  if (status === 401 || status === 403)
    return {
      ok: false,
      message: withKey
        ? `The provider refused the key (HTTP ${status}). Check that it is copied completely and still active, then rotate it here.`
        : `The provider wants a key (HTTP ${status}). Add a provider key for it.`,
    };
  if (status === 429) return { ok: true, message: 'Connected, but the provider is rate limiting this key right now (HTTP 429). The key itself works.' };
  if (status === 404)
    return { ok: false, message: 'The server answered but has no model list at this address (HTTP 404). Check that the base URL ends with the version path, e.g. /v1.' };
  if (status >= 500) return { ok: false, message: `The provider is reachable but failing (HTTP ${status}). Try again later.` };
  return { ok: false, message: `The provider answered with HTTP ${status}.` };
}

export function describeNetworkError(error: unknown, url: string): string {
  const target = new URL(url).host;
  if (error instanceof EgressBlockedError) {
    if (error.reason === 'gateway-self') return `${target} is this gateway itself; a provider cannot point back at the gateway.`;
    return (
      // For a host name, never what it resolved to (see EgressBlockedError); an address typed in is named with its class.
      (error.hostname !== undefined && isIP(error.hostname) === 0
        ? `The gateway refuses to connect to ${error.hostname}: it does not resolve to an allowed public address. `
        : `The gateway refuses to connect to ${error.address} because it is a ${error.reason} address. `) +
      'An operator can allow it by setting CUSTOM_PROVIDER_ALLOW_PRIVATE (a comma list of CIDRs, e.g. 127.0.0.1/32) and restarting the gateway.'
    );
  }
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return `No answer from ${target} within ${CHECK_TIMEOUT_MS / 1000} seconds.`;
  if (code === 'ECONNREFUSED') return `Nothing is listening at ${target} (connection refused).`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host name in ${target} could not be found (DNS).`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${target} closed the connection before answering.`;
  if (typeof code === 'string' && /CERT|TLS|SSL/.test(code)) return `The TLS certificate of ${target} is not trusted (${code}).`;
  if (code === 'UNSUPPORTED_PROTOCOL') return 'Only http and https addresses are supported.';
  return `Could not reach ${target}.`;
}
