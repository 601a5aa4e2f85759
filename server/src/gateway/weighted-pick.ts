/**
 * Smooth weighted round-robin (the nginx upstream algorithm), chosen over random-by-weight: over
 * any run of sum(weights) picks each item is chosen exactly `weight` times, interleaved rather
 * than in bursts, so small deployments see the configured split at once instead of after enough
 * traffic for randomness to average out. State is per instance (and per loaded access context);
 * several instances each keep the split, so their sum does too. Hand-written because it is ten
 * lines and no maintained package offers exactly this.
 */
export class SmoothWeightedPicker {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly weights: readonly number[]) {
    this.current = weights.map(() => 0);
    this.total = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
  }

  /** Index of the next pick; items of weight 0 are never picked (-1 when every weight is 0). */
  next(): number {
    if (this.total <= 0) return -1;
    let best = -1;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i];
      if (w <= 0) continue;
      this.current[i] += w;
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return best;
  }
}

/** The picked item first, then every other item in its configured order. */
export function pickFirst<T>(items: readonly T[], picker: SmoothWeightedPicker | undefined): T[] {
  const first = picker ? picker.next() : -1;
  if (first <= 0) return [...items];
  return [items[first], ...items.slice(0, first), ...items.slice(first + 1)];
}
