/**
 * What kind of upstream failure happened. Failover decisions read only this
 * (see gateway/failover.ts); gateway/classify.ts computes it.
 */
export type FailureClass =
  | 'credential' // 401/403: this key is bad; another key may work
  | 'rate_limit' // 429 without quota exhaustion
  | 'quota' // billing/quota exhausted on this key
  | 'model_access' // key cannot use this model
  | 'caller_fault' // the request itself is wrong; retrying elsewhere will not help
  | 'transient' // 408, 5xx, timeouts, connection errors
  | 'unknown';
