import { AppError } from './app-error.js';

/** Missing, malformed, unknown or revoked credential (`invalid_api_key`, 401; GraphQL UNAUTHENTICATED). */
export class AuthenticationError extends AppError {
  constructor(message = 'Invalid or missing API key.') {
    super('invalid_api_key', 401, message);
  }
}
