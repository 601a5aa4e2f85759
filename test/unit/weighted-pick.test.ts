import { describe, expect, it } from 'vitest';
import { pickFirst, SmoothWeightedPicker } from '../../server/src/gateway/weighted-pick.js';

function counts(weights: number[], picks: number): number[] {
  const picker = new SmoothWeightedPicker(weights);
  const out = weights.map(() => 0);
  for (let i = 0; i < picks; i++) out[picker.next()]++;
  return out;
}

describe('SmoothWeightedPicker', () => {
  it('picks each item exactly its weight times in every window of sum(weights) picks', () => {
    expect(counts([5, 1, 1], 7)).toEqual([5, 1, 1]);
    expect(counts([3, 2], 500)).toEqual([300, 200]);
  });

  it('interleaves picks instead of sending a burst to the heaviest item', () => {
    const picker = new SmoothWeightedPicker([5, 1, 1]);
    // nginx's documented sequence for weights 5,1,1: a a b a c a a
    expect(Array.from({ length: 7 }, () => picker.next())).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('never picks an item of weight 0', () => {
    expect(counts([0, 2, 0, 1], 300)).toEqual([0, 200, 0, 100]);
  });

  it('returns -1 when every weight is 0, and pickFirst then keeps the configured order', () => {
    const picker = new SmoothWeightedPicker([0, 0]);
    expect(picker.next()).toBe(-1);
    expect(pickFirst(['a', 'b'], picker)).toEqual(['a', 'b']);
  });

  it('pickFirst moves the picked item to the front and keeps the rest in order', () => {
    const picker = new SmoothWeightedPicker([0, 0, 1]);
    expect(pickFirst(['a', 'b', 'c'], picker)).toEqual(['c', 'a', 'b']);
  });
});
