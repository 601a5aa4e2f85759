import { AppError, type AppErrorOptions } from './app-error.js';

/** Caller sent something malformed (`invalid_request`, 400; GraphQL BAD_USER_INPUT). */
export class ValidationError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super('invalid_request', 400, message, options);
  }
}

export class RequestTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('request_too_large', 413, `Request body exceeds the ${limitBytes}-byte limit.`);
  }
}
