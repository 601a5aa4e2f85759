import type { ApiFormat, Surface } from '../../catalog/types.js';
import { extractVendorError } from '../adapters/common.js';
import { responsesFailedFrame } from '../formats/openai-responses.js';

/** Error bodies in each wire format, for gateway errors and for upstream errors crossing formats. */

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null };
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export function toOpenAiErrorBody(code: string | null, message: string, type = 'api_error'): OpenAiErrorBody {
  return { error: { message, type, code } };
}

export function toAnthropicErrorBody(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
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

/**
 * An upstream error body in the other format, for a 4xx returned to the client "as is" across a
 * translation. Returns the JSON text to send.
 */
export function translateErrorBody(to: ApiFormat, status: number, body: string): string {
  const vendor = extractVendorError(body);
  const message = vendor.message ?? `Upstream returned HTTP ${status}.`;
  if (to === 'anthropic') return JSON.stringify(toAnthropicErrorBody(anthropicErrorTypeForStatus(status), message));
  return JSON.stringify(toOpenAiErrorBody(vendor.code ?? vendor.type ?? null, message, openAiErrorTypeForStatus(status)));
}

/**
 * The terminal SSE frame for a stream that failed after its first byte (never followed by [DONE]),
 * in the shape each surface's official SDK turns into an exception.
 */
export function streamErrorFrame(surface: Surface, code: string, message: string, status = 502): string {
  switch (surface) {
    case 'messages':
      return `event: error\ndata: ${JSON.stringify(toAnthropicErrorBody(anthropicErrorTypeForStatus(status), message))}\n\n`;
    case 'responses':
      // Codex ignores a bare `error` event; `response.failed` ends its turn with the message.
      return responsesFailedFrame(code, message);
    case 'chat':
      return `data: ${JSON.stringify(toOpenAiErrorBody(code, message, openAiErrorTypeForStatus(status)))}\n\n`;
  }
}
