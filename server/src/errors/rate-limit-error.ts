import { AppError } from './app-error.js';

/** The gateway's own limit (not an upstream 429). */
export class RateLimitError extends AppError {
  /** Whole seconds to wait (at least 1), as sent in `retry-after` (/v1) or its GraphQL response's `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('rate_limited', 429, message, { headers: { 'retry-after': String(seconds) } });
    this.retryAfterSeconds = seconds;
  }
}
