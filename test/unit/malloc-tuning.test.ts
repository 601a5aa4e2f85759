import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import {
  fixMmapThreshold,
  loadMallocControls,
  MALLOC_MMAP_THRESHOLD_BYTES,
  startMallocTrimmer,
  type MallocControls,
} from '../../server/src/malloc-tuning.js';

function fakeControls(trim: () => Promise<boolean> = () => Promise.resolve(true)) {
  return { available: () => true, setMmapThreshold: vi.fn(() => true), trim: vi.fn(trim) } satisfies MallocControls;
}

/** The addon as npm built it: on Linux with glibc and a compiler (`.ci/run` checks CI has it). */
const builtControls = loadMallocControls();

describe('fixMmapThreshold', () => {
  it('fixes the threshold at 32 MB when the environment does not choose one', () => {
    const controls = fakeControls();
    expect(fixMmapThreshold(controls, false)).toBe(true);
    expect(controls.setMmapThreshold).toHaveBeenCalledWith(33554432);
    expect(MALLOC_MMAP_THRESHOLD_BYTES).toBe(33554432);
  });

  it("leaves the operator's own threshold alone", () => {
    const controls = fakeControls();
    expect(fixMmapThreshold(controls, true)).toBe(false);
    expect(controls.setMmapThreshold).not.toHaveBeenCalled();
  });

  it('does nothing without the addon', () => {
    expect(fixMmapThreshold(undefined, false)).toBe(false);
  });
});

describe('the configuration', () => {
  it("knows when the operator set glibc's mmap threshold", () => {
    const chosen = (env: NodeJS.ProcessEnv) => loadConfig(env).mallocMmapThresholdFromEnv;
    expect(chosen({})).toBe(false);
    expect(chosen({ MALLOC_ARENA_MAX: '2', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.pthread.rseq=0' })).toBe(false);
    expect(chosen({ MALLOC_MMAP_THRESHOLD_: '65536' })).toBe(true);
    expect(chosen({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' })).toBe(true);
  });

  it('trims every 5 s unless told otherwise', () => {
    expect(loadConfig({}).mallocTrimIntervalMs).toBe(5_000);
    expect(loadConfig({ MALLOC_TRIM_INTERVAL_MS: '0' }).mallocTrimIntervalMs).toBe(0);
    expect(() => loadConfig({ MALLOC_TRIM_INTERVAL_MS: '-1' })).toThrow(/MALLOC_TRIM_INTERVAL_MS/);
  });
});

describe('startMallocTrimmer', () => {
  afterEach(() => vi.useRealTimers());

  it('trims once per interval, never two at a time, until stopped', async () => {
    vi.useFakeTimers();
    let finish: (released: boolean) => void = () => {};
    const controls = fakeControls(() => new Promise<boolean>((resolve) => (finish = resolve)));
    const stop = startMallocTrimmer(controls, 1_000, () => {});

    await vi.advanceTimersByTimeAsync(999);
    expect(controls.trim).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(controls.trim).toHaveBeenCalledTimes(1);
    // The first trim is still running: the next ticks skip.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(controls.trim).toHaveBeenCalledTimes(1);
    finish(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(controls.trim).toHaveBeenCalledTimes(2);
    finish(false);

    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(controls.trim).toHaveBeenCalledTimes(2);
  });

  it('reports a failed trim and goes on trimming', async () => {
    vi.useFakeTimers();
    const controls = fakeControls(() => Promise.reject(new Error('boom')));
    const errors: unknown[] = [];
    const stop = startMallocTrimmer(controls, 500, (err) => errors.push(err));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(controls.trim).toHaveBeenCalledTimes(2);
    expect(errors.map(String)).toEqual(['Error: boom', 'Error: boom']);
    stop();
  });

  it('never trims with an interval of 0 or without the addon', async () => {
    vi.useFakeTimers();
    const controls = fakeControls();
    startMallocTrimmer(controls, 0, () => {})();
    startMallocTrimmer(undefined, 1_000, () => {})();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(controls.trim).not.toHaveBeenCalled();
  });
});

describe.runIf(builtControls)('the addon on glibc', () => {
  it('takes the mmap threshold', () => {
    expect(builtControls?.setMmapThreshold(MALLOC_MMAP_THRESHOLD_BYTES)).toBe(true);
    expect(builtControls?.setMmapThreshold(0)).toBe(false);
  });

  it('gives free memory inside an arena back to the system', () => {
    // A fresh process: 128 MB of 64 KB Buffers (malloc'd: below the mmap threshold), every other
    // one freed. glibc keeps those free chunks between live ones as RSS; a trim returns them.
    const script = `
      const { loadMallocControls } = await import(${JSON.stringify(new URL('../../server/src/malloc-tuning.ts', import.meta.url).href)});
      const controls = loadMallocControls();
      controls.setMmapThreshold(32 * 1024 * 1024);
      let kept = [];
      for (let i = 0; i < 2048; i++) { const b = Buffer.allocUnsafeSlow(64 * 1024); b.fill(1); kept.push(b); }
      kept = kept.filter((_, i) => i % 2 === 0);
      for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
      const before = process.memoryUsage().rss;
      const released = await controls.trim();
      const after = process.memoryUsage().rss;
      console.log(JSON.stringify({ released, before, after, kept: kept.length }));
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MALLOC_'))),
    });
    const { released, before, after, kept } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    expect(kept).toBe(1024);
    expect(released).toBe(true);
    expect(before - after).toBeGreaterThan(32 * 1024 * 1024);
  });
});
