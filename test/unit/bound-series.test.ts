import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from '../../server/src/telemetry/bound-series.js';

describe('bound series (the /v1 metrics)', () => {
  it('expose exactly what prom-client would for the same updates', async () => {
    const reference = new Registry();
    const ours = new Registry();
    const h1 = new Histogram({ name: 'lat_seconds', help: 'latency', labelNames: ['provider', 'outcome'], buckets: [0.1, 1, 5], registers: [reference] });
    const h2 = new BoundHistogram('lat_seconds', 'latency', ['provider', 'outcome'], [0.1, 1, 5], ours);
    const c1 = new Counter({ name: 'req_total', help: 'requests', labelNames: ['route'], registers: [reference] });
    const c2 = new BoundCounter('req_total', 'requests', ['route'], ours);
    const bound = h2.labels({ provider: 'openai', outcome: 'ok' });
    for (const v of [0.05, 0.1, 0.5, 1, 4.9, 7, 120]) {
      h1.observe({ provider: 'openai', outcome: 'ok' }, v);
      bound.observe(v);
    }
    h1.observe({ provider: 'custom', outcome: 'error' }, 0.3);
    h2.observe({ outcome: 'error', provider: 'custom' }, 0.3);
    c1.inc({ route: '/v1/chat/completions' });
    c1.inc({ route: '/v1/chat/completions' }, 2);
    c2.inc({ route: '/v1/chat/completions' });
    c2.labels({ route: '/v1/chat/completions' }).inc(2);
    expect(await ours.metrics()).toBe(await reference.metrics());
    expect(await ours.metrics()).toContain('lat_seconds_bucket{le="1",provider="openai",outcome="ok"} 4');
  });

  it('pair() updates the series its label values name, in label-name order', async () => {
    const registry = new Registry();
    const attempts = new BoundCounter('attempts_total', 'attempts', ['provider', 'outcome'], registry);
    attempts.pair('openai', 'ok').inc();
    attempts.pair('openai', 'ok').inc();
    attempts.labels({ provider: 'openai', outcome: 'ok' }).inc();
    attempts.pair('anthropic', 'transient').inc();
    const text = await registry.metrics();
    expect(text).toContain('attempts_total{provider="openai",outcome="ok"} 3');
    expect(text).toContain('attempts_total{provider="anthropic",outcome="transient"} 1');
    attempts.reset();
    attempts.pair('openai', 'ok').inc();
    expect(await registry.metrics()).toContain('attempts_total{provider="openai",outcome="ok"} 1');
  });
});
