import { AppError } from './app-error.js';

/** Uniqueness or reference conflict (GraphQL CONFLICT). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}
