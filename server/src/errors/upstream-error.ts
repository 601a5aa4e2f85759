import { AppError } from './app-error.js';
import type { FailureClass } from './failure-class.js';

/** One failed attempt against one provider credential, as recorded and reported. */
export interface UpstreamFailure {
  failureClass: FailureClass;
  /** Upstream HTTP status, when a response arrived. */
  status?: number;
  /** Vendor error code/type (e.g. `rate_limit_exceeded`, `overloaded_error`) or undici code. */
  vendorCode?: string;
  /** Human-readable reason, safe to show (never contains credentials). */
  message: string;
  retryAfterSeconds?: number;
}

export interface AttemptSummary {
  provider: string;
  model: string;
  error: string;
}

/** Every candidate failed (`upstream_failed`, 502). */
export class UpstreamFailedError extends AppError {
  /**
   * `retryAfterSeconds`: when every attempt was rate limited and said for how long, the shortest
   * wait, sent as `retry-after` so SDKs retry when a provider will take the request again (the
   * status stays 502, the contract's answer when every attempt failed).
   */
  constructor(attempts: AttemptSummary[], retryAfterSeconds?: number) {
    const list = attempts.map((a, i) => `#${i + 1} ${a.provider}:${a.model}: ${a.error}`).join('; ');
    super(
      'upstream_failed',
      502,
      `All upstream attempts failed. ${list}`.trim(),
      retryAfterSeconds === undefined ? undefined : { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } },
    );
  }
}

/**
 * A complete upstream answer past MAX_RESPONSE_BODY_BYTES (`upstream_response_too_large`, 502).
 * Not tried elsewhere and not worth a client retry: the request would draw as large an answer
 * again, billed again. The message names the limit, never the answer.
 */
export class UpstreamResponseTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(
      'upstream_response_too_large',
      502,
      `The provider's answer exceeded this gateway's response size limit of ${limitBytes} bytes (MAX_RESPONSE_BODY_BYTES); it was not retried with other keys or models.`,
      { headers: { 'x-should-retry': 'false' } },
    );
  }
}
