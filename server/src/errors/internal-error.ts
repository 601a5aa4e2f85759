import { AppError } from './app-error.js';

/** Anything unexpected. Its message is never sent; the request id is. */
export class InternalError extends AppError {
  constructor(requestId: string, cause?: unknown) {
    super('internal_error', 500, `Internal error (request ${requestId}).`, { cause, expose: true });
  }
}
