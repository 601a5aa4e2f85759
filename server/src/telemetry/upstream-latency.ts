import { BUILT_IN_PROVIDERS } from '../catalog/providers.js';
import type { Metrics } from '../metrics.js';
import type { UsageRecord } from '../services/usage/usage-record.js';

const BUILT_IN = new Set(BUILT_IN_PROVIDERS.map((p) => p.id));

/**
 * Per-provider upstream latency, one observation per attempt. Custom provider ids are chosen by
 * tenants, so they share the label `custom` (no tenant text in /metrics, bounded cardinality).
 */
export function observeUpstreamLatency(metrics: Metrics, record: UsageRecord): void {
  for (const a of record.attempts) {
    const outcome = a.error === null && a.status !== null && a.status < 400 ? 'ok' : 'error';
    metrics.upstreamLatency.pair(BUILT_IN.has(a.provider) ? a.provider : 'custom', outcome).observe(a.latencyMs / 1000);
  }
}
