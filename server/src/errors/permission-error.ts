import { AppError } from './app-error.js';

/** The caller is known but may not do this (GraphQL FORBIDDEN). */
export class PermissionError extends AppError {
  constructor(code: 'provider_not_allowed' | 'model_not_allowed' | 'forbidden', message: string) {
    super(code, 403, message);
  }
}
