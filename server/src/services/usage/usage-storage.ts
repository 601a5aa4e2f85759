import type { UsageRecord } from './usage-record.js';

/**
 * Which requests get a stored usage event (`USAGE_EVENTS`):
 * - `all` (default): every request, as the contract describes;
 * - `errors`: only requests that failed: an error status (400 or above), or an error code with a
 *   status already sent (a stream cut off midway), so failures stay inspectable;
 * - `off`: none.
 * A request without a stored event is still counted exactly: its tokens, spend and cost go into
 * the hourly and daily rollups (every usage summary), its charge into credits and its key's
 * budget, and into alert detection, summed per batch (usage-sums.ts). What is lost is the
 * per-request record: the events list, `usageRequest`, the CSV export and a summary filtered by
 * request id. OpenTelemetry spans, when configured, still describe every request.
 *
 * Why a switch: storing one row per request is the largest cost of a `/v1` request after the
 * proxying itself (bench/RESULTS.md, sessions 13–18). Operators who keep per-request records
 * elsewhere (OpenTelemetry) can turn it off, as LiteLLM's `disable_spend_logs` does.
 */
export const USAGE_EVENT_STORAGE = ['all', 'errors', 'off'] as const;
export type UsageEventStorage = (typeof USAGE_EVENT_STORAGE)[number];

/** Whether `record` is stored as a usage event under `storage`. */
export function storesEvent(storage: UsageEventStorage, record: Pick<UsageRecord, 'status' | 'errorCode'>): boolean {
  return storage === 'all' || (storage === 'errors' && (record.status >= 400 || record.errorCode !== null));
}
