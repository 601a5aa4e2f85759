import { AppError } from './app-error.js';

/** The gateway's own limit (not an upstream 429). */
export class RateLimitError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 429, message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}
