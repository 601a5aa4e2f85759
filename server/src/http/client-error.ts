import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { toOpenAiErrorBody } from '../gateway/translate/error-body.js';

/**
 * What Node answers for a request it could not read (headers past the limit, a malformed request,
 * the headers or body too slow), with the same statuses, plus a JSON error body in the OpenAI shape
 * the /v1 surface uses. Node's own answer is a bare status line, which the SDKs report as "431
 * status code (no body)". The request never reached routing, so its caller's format is unknown:
 * the OpenAI shape is the one most clients read (the Anthropic SDKs show the raw text).
 */
const ANSWERS: Record<string, { status: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: '431 Request Header Fields Too Large',
    code: 'request_headers_too_large',
    message: 'Request headers are too large (16 KB in all).',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: '408 Request Timeout',
    code: 'request_timeout',
    message: 'The request took too long to arrive (HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS).',
  },
};
const BAD_REQUEST = { status: '400 Bad Request', code: 'invalid_request', message: 'Malformed HTTP request.' };

function rawAnswer(errorCode: string | undefined): string {
  const { status, code, message } = (errorCode !== undefined && ANSWERS[errorCode]) || BAD_REQUEST;
  const body = JSON.stringify(toOpenAiErrorBody(code, message, 'invalid_request_error'));
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `x-gateway-error-code: ${code}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** The response Node is writing on this socket, if any (http internals: no public accessor). */
interface SocketWithResponse extends Duplex {
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Answers as Node's default clientError handling does (lib/_http_server.js socketOnError): only
 * when nothing of a response was written on the socket yet, then the socket is destroyed.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: SocketWithResponse) => {
    if (err.code !== 'ECONNRESET' && socket.writable && !socket._httpMessage?.headersSent) socket.write(rawAnswer(err.code));
    socket.destroy(err);
  });
}
