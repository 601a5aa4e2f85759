import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../server/src/heap-growth.js';

describe('limitHeapGrowth', () => {
  it('leaves a heap growing factor chosen on the command line alone', () => {
    expect(limitHeapGrowth(50, '', ['--heap-growing-percent=80'])).toBe(false);
    expect(limitHeapGrowth(50, '', ['--heap_growing_percent=80'])).toBe(false);
  });

  it('leaves a heap growing factor chosen in NODE_OPTIONS alone', () => {
    expect(limitHeapGrowth(50, '--enable-source-maps --heap-growing-percent=80', [])).toBe(false);
  });

  it('sets the factor when nobody chose one', () => {
    expect(limitHeapGrowth(50, '--max-old-space-size=2048', ['--enable-source-maps'])).toBe(true);
  });
});
