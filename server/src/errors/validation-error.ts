import { AppError, type AppErrorOptions } from './app-error.js';

/** Caller sent something malformed (`invalid_request`, 400; GraphQL BAD_USER_INPUT). */
export class ValidationError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super('invalid_request', 400, message, options);
  }
}

/** A request body in a Content-Encoding the gateway does not decode (`invalid_request`, 415). */
export class UnsupportedEncodingError extends AppError {
  constructor(encoding: string) {
    super('invalid_request', 415, `Unsupported Content-Encoding ${JSON.stringify(encoding)}: send the body as is, or gzip, deflate or br.`);
  }
}

export class RequestTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('request_too_large', 413, `Request body exceeds the ${limitBytes}-byte limit.`);
  }
}

/**
 * `model_not_supported` (400): the model exists but cannot serve this route: a chat model sent to
 * `/v1/embeddings`, an embedding model sent to a generative route, or a provider that offers no
 * embeddings at all. Retrying cannot help; another model can.
 */
export class ModelNotSupportedError extends AppError {
  constructor(message: string) {
    super('model_not_supported', 400, message);
  }
}
