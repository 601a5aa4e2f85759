import { providerLabel, type Metrics } from '../metrics.js';
import type { UsageRecord } from '../services/usage/usage-record.js';

/**
 * Per-provider upstream latency, one observation per attempt. Custom provider ids are chosen by
 * tenants, so they share the label `custom` (no tenant text in /metrics, bounded cardinality).
 */
export function observeUpstreamLatency(metrics: Metrics, record: UsageRecord): void {
  for (const a of record.attempts) {
    const outcome = a.error === null && a.status !== null && a.status < 400 ? 'ok' : 'error';
    metrics.upstreamLatency.pair(providerLabel(a.provider), outcome).observe(a.latencyMs / 1000);
  }
}
