import type { ApiFormat, Surface } from '../../catalog/types.js';
import { extractVendorError } from '../adapters/common.js';
import { responsesFailedFrame } from '../formats/openai-responses.js';
import { cleanText } from '../text-safety.js';

/** Error bodies in each wire format, for gateway errors and for upstream errors crossing formats. */

/**
 * OpenAI's error object: `param` is always present (null when no single parameter is at fault),
 * as OpenAI's API sends it and its OpenAPI spec requires (`Error.required`).
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * Anthropic's `ErrorResponse`. `request_id` is part of it (its SDK's type declares it always
 * present): the gateway's request id, the same as the `request-id` and `x-request-id` headers.
 */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}

export function toOpenAiErrorBody(code: string | null, message: string, type = 'api_error', param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

export function toAnthropicErrorBody(type: string, message: string, requestId: string | null): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** Anthropic's documented error type per status (clients branch on these). */
export function anthropicErrorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function openAiErrorTypeForStatus(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'insufficient_quota';
    case 403:
      return 'permission_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/** `text` with every occurrence of the attempt's credential (raw or JSON-escaped) replaced. */
export function redactCredential(text: string, credential: string | null | undefined): string {
  // Shorter values would match ordinary words; real keys are far longer.
  if (!credential || credential.length < 8) return text;
  let out = text.split(credential).join('[redacted]');
  const escaped = JSON.stringify(credential).slice(1, -1);
  if (escaped !== credential) out = out.split(escaped).join('[redacted]');
  return out;
}

/**
 * An upstream error body as the caller's format, always JSON (audit MEDIUM-1: a custom upstream
 * answered text/html echoing the Authorization header, relayed as is). Only the upstream's
 * message survives, as trimmed text with key-like strings and the exact credential sent on that
 * attempt redacted, control characters folded; its code only when it looks like a code.
 * Returns the JSON text to send with `content-type: application/json`. `requestId`: the
 * gateway's, which Anthropic-format bodies carry.
 */
export function translateErrorBody(to: ApiFormat, status: number, body: string, requestId: string, credential?: string | null): string {
  const vendor = extractVendorError(redactCredential(body, credential));
  // Redacted again after parsing: JSON escapes (\u0073k-…) decode to the key itself.
  const message = cleanText(redactCredential(vendor.message ?? `Upstream returned HTTP ${status}.`, credential));
  if (to === 'anthropic') return JSON.stringify(toAnthropicErrorBody(anthropicErrorTypeForStatus(status), message, requestId));
  const code = [vendor.code, vendor.type].find(isCodeLike) ?? null;
  // OpenAI's errors name the offending parameter; SDKs expose it (`err.param`).
  return JSON.stringify(toOpenAiErrorBody(code, message, openAiErrorTypeForStatus(status), paramOf(body) ?? null));
}

const isCodeLike = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_.[\]-]{1,64}$/.test(v);

/** `error.param` of an OpenAI-style body, when it is a plain parameter name. */
function paramOf(body: string): string | undefined {
  try {
    const param = (JSON.parse(body) as { error?: { param?: unknown } } | null)?.error?.param;
    return isCodeLike(param) ? param : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The terminal SSE frame for a stream that failed after its first byte (never followed by [DONE]),
 * in the shape each surface's official SDK turns into an exception.
 */
export function streamErrorFrame(surface: Surface, code: string, message: string, status = 502): string {
  switch (surface) {
    case 'messages':
      // Anthropic's documented stream error event: the error object alone (the request id is in the headers).
      return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: anthropicErrorTypeForStatus(status), message } })}\n\n`;
    case 'responses':
      // Codex ignores a bare `error` event; `response.failed` ends its turn with the message.
      return responsesFailedFrame(code, message);
    case 'chat':
    case 'embeddings': // never streams; OpenAI's shape for completeness
      return `data: ${JSON.stringify(toOpenAiErrorBody(code, message, openAiErrorTypeForStatus(status)))}\n\n`;
  }
}
