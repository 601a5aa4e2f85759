/**
 * What kind of upstream failure happened. gateway/classify.ts computes it; every decision taken
 * on it is one row of FAILURE_POLICY below.
 */
export type FailureClass =
  | 'credential' // 401/403: this key is bad; another key may work
  | 'rate_limit' // 429 without quota exhaustion
  | 'quota' // billing/quota exhausted on this key
  | 'model_access' // key cannot use this model
  | 'caller_fault' // the request itself is wrong; retrying elsewhere will not help
  | 'transient' // 408, 5xx, timeouts, connection errors
  | 'unknown';

export interface FailurePolicy {
  /** Try the next candidate (the contract: 429, 401/403, 408, 5xx, timeouts, connection errors). Otherwise the upstream's answer goes back as is. */
  failOver: boolean;
  /** Counts toward the credential's circuit breaker: "this key is unwell", not "this request or model is wrong". */
  opensCircuit: boolean;
  /** Anthropic's error type for an error event inside a stream. */
  anthropicErrorType: string;
}

/** One table per failure class decision, in one place, so a new class cannot be half-handled. */
export const FAILURE_POLICY: Readonly<Record<FailureClass, FailurePolicy>> = {
  credential: { failOver: true, opensCircuit: true, anthropicErrorType: 'authentication_error' },
  rate_limit: { failOver: true, opensCircuit: true, anthropicErrorType: 'rate_limit_error' },
  quota: { failOver: true, opensCircuit: true, anthropicErrorType: 'billing_error' },
  model_access: { failOver: true, opensCircuit: false, anthropicErrorType: 'not_found_error' },
  caller_fault: { failOver: false, opensCircuit: false, anthropicErrorType: 'invalid_request_error' },
  transient: { failOver: true, opensCircuit: true, anthropicErrorType: 'api_error' },
  unknown: { failOver: true, opensCircuit: true, anthropicErrorType: 'api_error' },
};
