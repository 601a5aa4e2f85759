import { Counter, Registry, Gauge, collectDefaultMetrics } from 'prom-client';
import { BoundCounter, BoundHistogram } from './telemetry/bound-series.js';
import { isBuiltInProviderId } from './catalog/lookup.js';

/** One registry per server instance (tests start several in one process). */
export interface Metrics {
  registry: Registry;
  // Updated on every /v1 request: series bound once (telemetry/bound-series.ts).
  httpRequests: BoundCounter<'route' | 'method' | 'status'>;
  httpDuration: BoundHistogram<'route' | 'method' | 'status'>;
  upstreamAttempts: BoundCounter<'provider' | 'outcome'>;
  openStreams: Gauge;
  usageEventsWritten: Counter;
  usageEventsDropped: Counter;
  usageRequestsSummed: Counter;
  usageDeadLetters: Counter;
  creditShortfall: Counter;
  upstreamLatency: BoundHistogram<'provider' | 'outcome'>;
  usageWriterPending: Gauge;
  usageWriterLag: Gauge;
}

/**
 * The `provider` label: built-in ids as they are, every tenant's custom provider id as `custom`,
 * so /metrics neither shows one tenant's names to whoever scrapes it nor grows without bound.
 */
export function providerLabel(provider: string): string {
  return isBuiltInProviderId(provider) ? provider : 'custom';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new BoundCounter('gateway_http_requests_total', 'HTTP requests by route, method and status', ['route', 'method', 'status'], registry),
    httpDuration: new BoundHistogram(
      'gateway_http_request_duration_seconds',
      'HTTP request latency (to the last byte) by route, method and status',
      ['route', 'method', 'status'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registry,
    ),
    upstreamAttempts: new BoundCounter(
      'gateway_upstream_attempts_total',
      'Upstream attempts by provider (custom providers as "custom") and outcome (ok or failure class)',
      ['provider', 'outcome'],
      registry,
    ),
    openStreams: new Gauge({ name: 'gateway_open_streams', help: 'SSE responses in progress', registers: [registry] }),
    usageEventsWritten: new Counter({
      name: 'gateway_usage_events_written_total',
      help: 'Usage events persisted',
      registers: [registry],
    }),
    usageEventsDropped: new Counter({
      name: 'gateway_usage_events_failed_total',
      help: 'Usage event batch writes that failed and were retried',
      registers: [registry],
    }),
    usageRequestsSummed: new Counter({
      name: 'gateway_usage_requests_summed_total',
      help: 'Requests without a stored usage event (USAGE_EVENTS) whose sums reached the rollups, credits and budgets',
      registers: [registry],
    }),
    upstreamLatency: new BoundHistogram(
      'gateway_upstream_latency_seconds',
      'Upstream attempt latency (to the answer, or to the end of the stream) by provider (custom providers as "custom") and outcome',
      ['provider', 'outcome'],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registry,
    ),
    creditShortfall: new Counter({
      name: 'gateway_credit_shortfall_usd_total',
      help: 'Credit charges above the balance left when they were applied (a provider reporting far more usage than the pre-flight hold), written off',
      registers: [registry],
    }),
    usageDeadLetters: new Counter({
      name: 'gateway_usage_dead_letters_total',
      help: 'Usage events the database refused on their own, parked in usage_dead_letter (the rest of their batch landed)',
      registers: [registry],
    }),
    usageWriterPending: new Gauge({
      name: 'gateway_usage_writer_pending',
      help: 'Usage events (and requests summed without one) queued in this instance, not yet written',
      registers: [registry],
    }),
    usageWriterLag: new Gauge({
      name: 'gateway_usage_writer_lag_seconds',
      help: 'Age of the oldest usage event not yet written (0 when the queue is empty)',
      registers: [registry],
    }),
  };
}
