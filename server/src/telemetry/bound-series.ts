import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the /v1 hot path, exposed through the same prom-client registry and
 * in the same text format as prom-client's own. Written by hand because prom-client validates the
 * label set and hashes it into a string key on every `inc`/`observe`, also through `.labels()`
 * children (~1–2 µs each, four per /v1 request). Here a label set is resolved once into a series
 * object, and an update is a number increment (plus a bucket search for histograms).
 */

type Labels<L extends string> = Record<L, string>;

/** The part of prom-client's metric contract its Registry reads (`registerMetric`, `metrics()`, `resetMetrics()`). */
interface CollectedValue {
  labels: Record<string, string | number>;
  /** Written after `labels` (prom-client puts a histogram's `le` first this way). */
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}

abstract class BoundMetric<L extends string, S> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, { labels: Labels<L>; s: S }>();
  private readonly pairs = new Map<string, Map<string, S>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these labels, created on first use (keep it: later updates cost no lookup). */
  labels(labels: Labels<L>): S {
    let key = '';
    for (const n of this.labelNames) key += `${labels[n]}\u0000`;
    let entry = this.series.get(key);
    if (!entry) {
      const copy = {} as Labels<L>;
      for (const n of this.labelNames) copy[n] = labels[n];
      entry = { labels: copy, s: this.create() };
      this.series.set(key, entry);
    }
    return entry.s;
  }

  /**
   * The series of a two-label metric by its label values, in `labelNames` order: for updates whose
   * labels vary per call (provider and outcome of each upstream attempt), where `labels()` would
   * build a label object and a key string every time. The pairs seen are kept in nested maps.
   */
  pair(first: string, second: string): S {
    let inner = this.pairs.get(first);
    if (!inner) this.pairs.set(first, (inner = new Map()));
    let s = inner.get(second);
    if (!s) {
      const [a, b] = this.labelNames;
      s = this.labels({ [a]: first, [b]: second } as Labels<L>);
      inner.set(second, s);
    }
    return s;
  }

  reset(): void {
    this.series.clear();
    this.pairs.clear();
  }

  protected abstract create(): S;
}

export interface CounterSeries {
  inc(by?: number): void;
}

class CounterCell implements CounterSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class BoundCounter<L extends string> extends BoundMetric<L, CounterSeries> {
  readonly type = 'counter';

  /** A one-off update (prefer a kept series on hot paths). */
  inc(labels: Labels<L>, by = 1): void {
    this.labels(labels).inc(by);
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: CollectedValue[] } {
    const values = [...this.series.values()].map(({ labels, s }) => ({ labels, value: (s as CounterCell).value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected create(): CounterSeries {
    return new CounterCell();
  }
}

export interface HistogramSeries {
  observe(value: number): void;
}

class HistogramCell implements HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

export class BoundHistogram<L extends string> extends BoundMetric<L, HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  /** A one-off update (prefer a kept series on hot paths). */
  observe(labels: Labels<L>, value: number): void {
    this.labels(labels).observe(value);
  }

  /** Cumulative `_bucket` lines per `le`, then `+Inf`, `_sum` and `_count`, as prom-client writes them. */
  get(): { name: string; help: string; type: string; aggregator: string; values: CollectedValue[] } {
    const values: CollectedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, s } of this.series.values()) {
      const cell = s as HistogramCell;
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += cell.counts[i];
        values.push({ labels: { le }, sharedLabels: labels, value: acc, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: cell.count, metricName: bucket });
      values.push({ labels, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: cell.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected create(): HistogramSeries {
    return new HistogramCell(this.buckets);
  }
}
