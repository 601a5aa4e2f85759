import { AppError } from './app-error.js';

/** The account's total timeout elapsed before any attempt succeeded (`upstream_timeout`, 504). */
export class UpstreamTimeoutError extends AppError {
  constructor(totalTimeoutMs: number) {
    super('upstream_timeout', 504, `The request did not complete within the total timeout of ${totalTimeoutMs} ms.`);
  }
}
