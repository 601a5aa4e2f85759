import { describe, expect, it } from 'vitest';
import { limitHeapGrowth, scavengeOnMainThreadOnOneCpu, usableCpus } from '../../server/src/gc-settings.js';

// Setting a flag changes this test process's V8 too: both only tune how its GC works.


describe('limitHeapGrowth', () => {
  it('leaves a heap growing factor chosen on the command line alone', () => {
    expect(limitHeapGrowth(50, ['--heap-growing-percent=80'])).toBe(false);
    expect(limitHeapGrowth(50, ['--enable-source-maps', '--heap_growing_percent=80'])).toBe(false);
  });

  it('sets the factor when nobody chose one', () => {
    expect(limitHeapGrowth(50, ['--enable-source-maps', '--max-old-space-size=2048'])).toBe(true);
  });
});

describe('usableCpus', () => {
  it('is the affinity when the cgroup sets no quota', () => {
    expect(usableCpus(4, 'max 100000\n')).toBe(4);
    expect(usableCpus(1, undefined)).toBe(1);
  });

  it('is the quota when it is lower than the affinity', () => {
    expect(usableCpus(8, '100000 100000\n')).toBe(1);
    expect(usableCpus(8, '50000 100000')).toBe(0.5);
    expect(usableCpus(8, '250000 100000')).toBe(2.5);
    expect(usableCpus(2, '400000 100000')).toBe(2);
  });
});

describe('scavengeOnMainThreadOnOneCpu', () => {
  const nobody: string[] = [];

  it('keeps parallel scavenging with more than one CPU', () => {
    expect(scavengeOnMainThreadOnOneCpu(2, nobody)).toBe(false);
    expect(scavengeOnMainThreadOnOneCpu(1.5, nobody)).toBe(false);
  });

  it('leaves an operator choice alone', () => {
    expect(scavengeOnMainThreadOnOneCpu(1, ['--parallel-scavenge'])).toBe(false);
    expect(scavengeOnMainThreadOnOneCpu(1, ['--no-parallel-scavenge'])).toBe(false);
    expect(scavengeOnMainThreadOnOneCpu(1, ['--single_threaded_gc'])).toBe(false);
  });

  it('scavenges on the main thread with one CPU or less', () => {
    expect(scavengeOnMainThreadOnOneCpu(1, nobody)).toBe(true);
    expect(scavengeOnMainThreadOnOneCpu(0.5, nobody)).toBe(true);
  });
});
