import { createRequire } from 'node:module';

/**
 * glibc's malloc, tuned for a long-running gateway. Node's own memory (Buffers under 128 KB,
 * compile jobs, the embedded database's worker) is malloc'd, and glibc keeps what is freed inside
 * its arenas as RSS: measured under the benchmark's load with the embedded database, 100 MB of the
 * 136 MB glibc held right after start-up was free, and the gateway peaked at ~440 MB RSS. Two
 * controls fix that, neither of which Node exposes, so a small optional addon does
 * (`native/malloc-tuning`, built by npm on Linux; elsewhere, or without a compiler, it is absent
 * and nothing here does anything):
 *
 * - periodic `malloc_trim(0)`, the only call that returns free pages in the middle of an arena;
 * - a fixed mmap threshold, set before the embedded database loads. glibc otherwise moves the
 *   threshold itself, up to the largest block freed, and with that moving threshold the trims gave
 *   nothing back (peak 441 MB against 442).
 *
 * Measured side by side with the gateway before this (both embedded, pinned to one core,
 * alternating 3-s rounds at c=64, process RSS and CPU per request):
 *
 * | mmap threshold | trims every 5 s | peak RSS | CPU per request |
 * |---|---|---:|---:|
 * | moving (glibc's default) | no | 437–451 MB | — |
 * | moving | yes | 441 MB | same |
 * | fixed at 128 KB (`MALLOC_MMAP_THRESHOLD_=131072`) | no | 357–388 MB | same |
 * | fixed at 128 KB | yes | 306–346 MB | **+17 %**, p99 spikes |
 * | fixed at 32 MB | yes | 321–349 MB | same |
 *
 * So: 32 MB (the most glibc's own adjustment would reach) and trims. Capping the arenas
 * (`MALLOC_ARENA_MAX=2`) saved nothing more once the trims ran, and makes busy threads share an
 * arena's lock.
 */
export interface MallocControls {
  /** Whether the addon was built against glibc (false on musl). */
  available(): boolean;
  /** mallopt(M_MMAP_THRESHOLD); true when glibc took it. */
  setMmapThreshold(bytes: number): boolean;
  /** malloc_trim(0) on a libuv pool thread; resolves true when memory went back to the system. */
  trim(): Promise<boolean>;
}

/** glibc's largest mmap threshold on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`); see above. */
export const MALLOC_MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024;

/** The addon, or undefined where it was not built (not Linux, no compiler, musl). */
export function loadMallocControls(): MallocControls | undefined {
  try {
    const controls = createRequire(import.meta.url)('malloc-tuning') as MallocControls;
    return controls.available() ? controls : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fixes the mmap threshold unless the operator chose one in the environment
 * (`config.mallocMmapThresholdFromEnv`); true when it was set.
 */
export function fixMmapThreshold(controls: MallocControls | undefined, chosenByOperator: boolean): boolean {
  if (!controls || chosenByOperator) return false;
  return controls.setMmapThreshold(MALLOC_MMAP_THRESHOLD_BYTES);
}

/**
 * Gives glibc's free pages back every `intervalMs`, one trim at a time, off the event loop (a trim
 * walks every arena: 10–60 ms on a busy gateway, about 1 % of a core at the default 5 s). Returns
 * a function that stops it. The timer does not keep the process alive.
 */
export function startMallocTrimmer(
  controls: MallocControls | undefined,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => void {
  if (!controls || intervalMs <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    controls.trim().then(
      () => (running = false),
      (err: unknown) => {
        running = false;
        onError(err);
      },
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
