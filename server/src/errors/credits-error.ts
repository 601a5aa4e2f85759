import { AppError } from './app-error.js';

/** No unexpired balance can cover the request; nothing was sent upstream. */
export class InsufficientCreditsError extends AppError {
  constructor(message = 'Insufficient credits: purchase credits to continue.') {
    super('insufficient_credits', 402, message);
  }
}

/** No provider key routed and no gateway credentials for the provider. */
export class CredentialsMissingError extends AppError {
  constructor(provider: string) {
    super(
      'provider_credentials_missing',
      424,
      `No provider key is configured for provider ${JSON.stringify(provider)} and it has no gateway credentials.`,
    );
  }
}

/** The access key's budget for the current period cannot cover the request; nothing was sent upstream. */
export class BudgetExceededError extends AppError {
  constructor(message = "Budget exceeded: this access key's budget for the period is spent.") {
    super('budget_exceeded', 402, message);
  }
}
