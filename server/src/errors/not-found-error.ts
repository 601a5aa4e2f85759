import { AppError } from './app-error.js';

/** An object that does not exist or belongs to another account (GraphQL NOT_FOUND). */
export class NotFoundError extends AppError {
  constructor(what: string, id?: string) {
    super('not_found', 404, id === undefined ? `${what} not found.` : `${what} ${JSON.stringify(id)} not found.`);
  }
}

/** `model_unknown`: the model string resolves to nothing; message may suggest a catalog id. */
export class ModelUnknownError extends AppError {
  constructor(
    /** The model string that did not resolve. */
    readonly model: string,
    suggestion?: string,
    message?: string,
  ) {
    super(
      'model_unknown',
      404,
      message ??
        `Model ${JSON.stringify(model)} is not known.` + (suggestion ? ` Did you mean ${JSON.stringify(suggestion)}?` : ''),
      { details: suggestion ? { suggestion } : {} },
    );
  }
}
