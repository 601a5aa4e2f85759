import type { FailureClass } from '../errors/failure-class.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';

/**
 * Every rule that turns an upstream failure into a FailureClass lives here, so the failover
 * behaviour can be read (and tested) in one place.
 */

/** Vendor codes/types meaning "this key's money or quota ran out" (OpenAI, Anthropic, OpenRouter, DeepSeek …). */
const QUOTA_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'billing_error',
  'quota_exceeded',
  'insufficient_balance',
  'insufficient_credits',
  'payment_required',
]);

/** Vendor codes/types meaning "this key cannot use (or the provider does not have) this model". */
const MODEL_CODES: ReadonlySet<string> = new Set([
  'model_not_found',
  'model_not_available',
  'model_not_supported',
  'unsupported_model',
  'model_access_denied',
  'not_found_error',
]);

/** In-band errors (a 200 stream whose frame is an error) carry no HTTP status: the vendor type decides. */
const VENDOR_CLASS: Readonly<Record<string, FailureClass>> = {
  overloaded_error: 'transient',
  api_error: 'transient',
  server_error: 'transient',
  internal_error: 'transient',
  internal_server_error: 'transient',
  service_unavailable: 'transient',
  timeout_error: 'transient',
  timeout: 'transient',
  rate_limit_error: 'rate_limit',
  rate_limit_exceeded: 'rate_limit',
  tokens: 'rate_limit',
  requests: 'rate_limit',
  authentication_error: 'credential',
  permission_error: 'credential',
  invalid_api_key: 'credential',
  invalid_request_error: 'caller_fault',
  request_too_large: 'caller_fault',
  context_length_exceeded: 'caller_fault',
  invalid_prompt: 'caller_fault',
};

// 429 bodies that are really about money, when the vendor gives no recognised code.
const QUOTA_MESSAGE_429 = /quota|billing|credit|balance|payment/i;
// Anthropic answers 400 invalid_request_error for an empty credit balance; only these phrasings count.
const QUOTA_MESSAGE_400 = /credit balance is too low|insufficient (?:balance|credits?|funds)|exceeded your current quota/i;
const MODEL_MESSAGE_404 = /\bmodel\b/i;

function has(set: ReadonlySet<string>, a?: string, b?: string): boolean {
  return (a !== undefined && set.has(a.toLowerCase())) || (b !== undefined && set.has(b.toLowerCase()));
}

export function classifyHttpFailure(
  status: number,
  vendorCode?: string,
  vendorType?: string,
  message?: string,
): FailureClass {
  if (status === 401 || status === 403) return 'credential';
  if (status === 402) return 'quota';
  if (status === 429) {
    if (has(QUOTA_CODES, vendorCode, vendorType)) return 'quota';
    // A vendor that names the error a rate limit is believed over any wording in the message.
    if (classifyVendorError(vendorCode, vendorType) === 'rate_limit') return 'rate_limit';
    return message !== undefined && QUOTA_MESSAGE_429.test(message) ? 'quota' : 'rate_limit';
  }
  // 409: OpenAI uses it for transient lock conflicts (its SDKs retry it).
  if (status === 408 || status === 409 || status >= 500) return 'transient';
  if (status === 404) {
    return has(MODEL_CODES, vendorCode, vendorType) || (message !== undefined && MODEL_MESSAGE_404.test(message))
      ? 'model_access'
      : 'caller_fault';
  }
  if (status >= 400) {
    if (has(QUOTA_CODES, vendorCode, vendorType)) return 'quota';
    if (message !== undefined && QUOTA_MESSAGE_400.test(message)) return 'quota';
    // Some OpenAI-compatible vendors answer 400 with an explicit model_not_found code.
    if (vendorCode !== undefined && vendorCode.toLowerCase() === 'model_not_found') return 'model_access';
    return 'caller_fault';
  }
  return classifyVendorError(vendorCode, vendorType);
}

/** For errors without a failing HTTP status (in-band stream error frames). */
export function classifyVendorError(vendorCode?: string, vendorType?: string): FailureClass {
  if (has(QUOTA_CODES, vendorCode, vendorType)) return 'quota';
  if (vendorCode !== undefined && vendorCode.toLowerCase() === 'model_not_found') return 'model_access';
  const byCode = vendorCode === undefined ? undefined : VENDOR_CLASS[vendorCode.toLowerCase()];
  if (byCode !== undefined) return byCode;
  const byType = vendorType === undefined ? undefined : VENDOR_CLASS[vendorType.toLowerCase()];
  return byType ?? 'unknown';
}

interface NetworkRule {
  failureClass: FailureClass;
  message: string;
}

/** Messages are fixed strings: raw error text can carry URLs (and keys in query strings). */
const NETWORK_RULES: Readonly<Record<string, NetworkRule>> = {
  UND_ERR_CONNECT_TIMEOUT: { failureClass: 'transient', message: 'Timed out connecting to the provider.' },
  UND_ERR_HEADERS_TIMEOUT: { failureClass: 'transient', message: 'Timed out waiting for the provider to respond.' },
  UND_ERR_BODY_TIMEOUT: { failureClass: 'transient', message: 'Timed out reading the provider response.' },
  UND_ERR_SOCKET: { failureClass: 'transient', message: 'The connection to the provider closed unexpectedly.' },
  UND_ERR_CLOSED: { failureClass: 'transient', message: 'The connection to the provider was closed.' },
  UND_ERR_ABORTED: { failureClass: 'transient', message: 'The provider request was aborted.' },
  ECONNRESET: { failureClass: 'transient', message: 'The provider reset the connection.' },
  ECONNREFUSED: { failureClass: 'transient', message: 'The provider refused the connection.' },
  ECONNABORTED: { failureClass: 'transient', message: 'The connection to the provider was aborted.' },
  EPIPE: { failureClass: 'transient', message: 'The connection to the provider closed unexpectedly.' },
  ETIMEDOUT: { failureClass: 'transient', message: 'Timed out connecting to the provider.' },
  EHOSTUNREACH: { failureClass: 'transient', message: 'The provider host is unreachable.' },
  ENETUNREACH: { failureClass: 'transient', message: 'The provider network is unreachable.' },
  ENOTFOUND: { failureClass: 'transient', message: 'The provider host name could not be resolved.' },
  EAI_AGAIN: { failureClass: 'transient', message: 'The provider host name could not be resolved (temporary DNS failure).' },
  TimeoutError: { failureClass: 'transient', message: 'The provider request timed out.' },
  AbortError: { failureClass: 'transient', message: 'The provider request was aborted.' },
};

const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

function errorField(err: unknown, key: 'code' | 'name' | 'message'): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** Codes of an answer past a size limit: ours (upstream.ts's ResponseTooLargeError) and undici's own cap. */
const TOO_LARGE_CODES: ReadonlySet<string> = new Set(['RESPONSE_TOO_LARGE', 'UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE']);

/**
 * A complete answer past its size limit (see TOO_LARGE_CODES). Its size
 * follows from the request (how much it asked the model to write), so another key or model would
 * send as much again, and the provider bills every such attempt: it is the request's fault, with
 * no failover and no mark against the key's circuit. The message names the limit, never the answer.
 */
function responseTooLarge(err: unknown): UpstreamFailure {
  const limit = (err as { limit?: unknown }).limit;
  return {
    failureClass: 'caller_fault',
    vendorCode: 'RESPONSE_TOO_LARGE',
    message: `The provider's answer exceeded the response size limit${typeof limit === 'number' ? ` of ${limit} bytes` : ''}.`,
  };
}

export function classifyNetworkError(err: unknown): UpstreamFailure {
  // fetch wraps undici errors (TypeError "fetch failed" → cause); walk a few levels.
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = errorField(current, 'code');
    if (code === 'EGRESS_BLOCKED') {
      // Our egress guard wrote this message for the caller; it holds no secrets. A refused
      // connection is about this provider's address, not the request: other candidates may serve it.
      return {
        failureClass: 'transient',
        vendorCode: code,
        message: errorField(current, 'message') ?? 'The provider address is not allowed.',
      };
    }
    if (code !== undefined && TOO_LARGE_CODES.has(code)) return responseTooLarge(current);
    const rule = (code !== undefined ? NETWORK_RULES[code] : undefined) ?? NETWORK_RULES[errorField(current, 'name') ?? ''];
    if (rule !== undefined) {
      return { failureClass: rule.failureClass, vendorCode: code ?? errorField(current, 'name'), message: rule.message };
    }
    if (code !== undefined && TLS_CODE.test(code)) {
      return { failureClass: 'unknown', vendorCode: code, message: `TLS error talking to the provider (${code}).` };
    }
    current = (current as { cause?: unknown }).cause;
  }
  const code = errorField(err, 'code');
  return {
    failureClass: 'unknown',
    vendorCode: code,
    message: code === undefined ? 'The provider request failed.' : `The provider request failed (${code}).`,
  };
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds to wait, from `retry-after-ms` (OpenAI) or `retry-after` (seconds or HTTP date). */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.ceil(n / 1000);
  }
  const raw = header(headers, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds) : undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
