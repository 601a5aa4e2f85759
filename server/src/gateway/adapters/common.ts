import { STATUS_CODES } from 'node:http';
import type { UpstreamFailure } from '../../errors/upstream-error.js';
import { classifyHttpFailure, classifyVendorError, parseRetryAfter } from '../classify.js';
import type { ApiFormat } from '../../catalog/types.js';
import type { BuildRequestInput, BuiltRequest } from './adapter.js';

/** Wire mechanics shared by every adapter; none of it depends on the vendor. */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `{"error": {...}}` beside no `answerField`, or Anthropic's `{"type": "error"}`: OpenAI-compatible
 * vendors have sent both with status 200, whatever format they otherwise speak.
 */
export function isErrorBodyOf(json: unknown, answerField: string): boolean {
  if (!isRecord(json)) return false;
  if (json.type === 'error') return true;
  return isRecord(json.error) && !(answerField in json);
}

/** The strings among `values`, joined (answer text pieces of any format). */
export function joinText(values: Iterable<unknown>): string {
  let out = '';
  for (const v of values) if (typeof v === 'string') out += v;
  return out;
}

export function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `https://x/v1?api-version=1` + `/chat/completions` → `https://x/v1/chat/completions?api-version=1`. */
export function joinUrl(baseUrl: string, path: string): string {
  const q = baseUrl.indexOf('?');
  let base = q < 0 ? baseUrl : baseUrl.slice(0, q);
  const query = q < 0 ? '' : baseUrl.slice(q);
  while (base.endsWith('/')) base = base.slice(0, -1);
  return base + path + query;
}

// Credentials are ours to set; framing and encoding belong to the HTTP client (a forwarded
// accept-encoding would hand the SSE parser compressed bytes).
const NEVER_FORWARD: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
  'host',
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'accept-encoding',
  'keep-alive',
  'upgrade',
]);

/** A client header of one API's family (`anthropic-beta`, `openai-beta`) reaches only providers speaking that API. */
function meantFor(name: string, format: ApiFormat): boolean {
  if (name.startsWith('anthropic-')) return format === 'anthropic';
  if (name.startsWith('openai-')) return format === 'openai';
  return true;
}

export function buildHeaders(input: BuildRequestInput): Record<string, string> {
  const { endpoint, forwardHeaders, credential } = input;
  const headers: Record<string, string> = {};
  for (const name in endpoint.fixedHeaders) headers[name.toLowerCase()] = endpoint.fixedHeaders[name];
  // After the fixed ones: a client's anthropic-version overrides the catalog default.
  for (const name in forwardHeaders) {
    const lower = name.toLowerCase();
    if (!NEVER_FORWARD.has(lower) && meantFor(lower, endpoint.apiFormat)) headers[lower] = forwardHeaders[name];
  }
  headers['content-type'] = 'application/json';
  if (credential !== null) {
    if (endpoint.authStyle === 'bearer') headers.authorization = `Bearer ${credential}`;
    else headers['x-api-key'] = credential;
  }
  return headers;
}

/** Never sent upstream whatever the client wrote: the gateway's own fallback list. */
const GATEWAY_ONLY = 'models';

/**
 * One shallow copy of the client body with the model rewritten and stripped parameters removed;
 * key order is kept so the upstream sees what the client wrote.
 */
export function rewriteBody(input: BuildRequestInput, removed?: string[]): Record<string, unknown> {
  const { body, model, stream, endpoint } = input;
  const strip = endpoint.stripParams;
  const out: Record<string, unknown> = {};
  for (const key in body) {
    if (key === GATEWAY_ONLY) continue;
    if (strip.length > 0 && strip.includes(key)) {
      removed?.push(key);
      continue;
    }
    out[key] = key === 'model' ? model : body[key];
  }
  if (!('model' in out)) out.model = model;
  if (stream) out.stream = true;
  else if ('stream' in out) out.stream = false;
  return out;
}

export function buildJsonRequest(input: BuildRequestInput, path: string): BuiltRequest {
  const removedParams: string[] = [];
  return {
    url: joinUrl(input.endpoint.baseUrl, path),
    headers: buildHeaders(input),
    body: JSON.stringify(rewriteBody(input, removedParams)),
    injectedStreamUsage: false,
    removedParams,
  };
}

const MAX_MESSAGE = 500;
// Keys some vendors echo back in 401 bodies; OpenAI masks its own, others may not.
const SECRET_LIKE = /\b(sk-(?:ant-|proj-)?|sk_(?:live|test)_|gsk_|xai-|ng-|AIza|Bearer\s+)[A-Za-z0-9_\-.]{8,}/g;

/** Safe to show a caller: secrets redacted, whitespace folded, at most ~500 characters. */
export function safeMessage(text: string): string {
  let s = text.replace(SECRET_LIKE, '$1[redacted]');
  if (/\s\s|[\r\n\t]/.test(s)) s = s.replace(/\s+/g, ' ');
  s = s.trim();
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s;
}

export interface VendorError {
  code?: string;
  type?: string;
  message?: string;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Reads the error object of an OpenAI, Anthropic or Google-style body, a bare `{message}`, or plain text. */
export function readErrorObject(obj: unknown): VendorError {
  if (Array.isArray(obj)) obj = obj[0];
  if (!isRecord(obj)) return {};
  const e = obj.error;
  if (isRecord(e)) {
    return {
      // Google puts an HTTP number in `code` and the useful name in `status`.
      code: typeof e.code === 'string' && e.code !== '' ? e.code : undefined,
      type: str(e.type) ?? str(e.status),
      message: str(e.message),
    };
  }
  return {
    code: typeof obj.code === 'string' && obj.code !== '' ? obj.code : undefined,
    type: obj.type === 'error' ? undefined : str(obj.type),
    message: str(e) ?? str(obj.message) ?? str(obj.detail) ?? str(obj.msg),
  };
}

export function extractVendorError(body: string): VendorError {
  const text = body.trim();
  if (text === '') return {};
  const first = text.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    try {
      const v = readErrorObject(JSON.parse(text));
      return v.message === undefined ? v : { ...v, message: safeMessage(v.message) };
    } catch {
      // not JSON after all; fall through to plain text
    }
  }
  if (first === 60 /* < */) return {}; // an HTML error page says nothing useful
  return { message: safeMessage(text) };
}

export function parseUpstreamError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): UpstreamFailure {
  const vendor = extractVendorError(body);
  const message = vendor.message ?? STATUS_CODES[status] ?? `HTTP ${status}`;
  const failure: UpstreamFailure = {
    failureClass: classifyHttpFailure(status, vendor.code, vendor.type, vendor.message),
    status,
    message,
  };
  const vendorCode = vendor.code ?? vendor.type;
  if (vendorCode !== undefined) failure.vendorCode = vendorCode;
  const retryAfter = parseRetryAfter(headers);
  if (retryAfter !== undefined) failure.retryAfterSeconds = retryAfter;
  return failure;
}

/** An error frame inside a 200 stream (OpenAI `{error:{…}}`, Anthropic `event: error`, Responses `error`). */
export function failureFromErrorFrame(errorObject: Record<string, unknown>, fallbackMessage: string): UpstreamFailure {
  const v = readErrorObject({ error: errorObject });
  // OpenRouter-style frames carry the upstream HTTP status as a numeric code.
  const numeric = finiteNumber(errorObject.code);
  const status = numeric !== undefined && numeric >= 400 && numeric <= 599 ? numeric : undefined;
  const failure: UpstreamFailure = {
    failureClass:
      status !== undefined
        ? classifyHttpFailure(status, v.code, v.type, v.message)
        : classifyVendorError(v.code, v.type),
    message: v.message === undefined ? fallbackMessage : safeMessage(v.message),
  };
  if (status !== undefined) failure.status = status;
  const vendorCode = v.code ?? v.type;
  if (vendorCode !== undefined) failure.vendorCode = vendorCode;
  return failure;
}

/** JSON frame payload or undefined; stream frames that are not JSON are passed on, never fatal. */
export function parseFrame(data: string): Record<string, unknown> | undefined {
  const first = data.charCodeAt(0);
  if (first !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
