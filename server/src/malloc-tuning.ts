import { createRequire } from 'node:module';

/**
 * glibc's malloc, tuned for a long-running gateway. Node's own memory (Buffers under 128 KB, compile
 * jobs, the embedded database's worker) is malloc'd, and glibc keeps what is freed inside its
 * arenas as RSS: measured under the benchmark's load with the embedded database, 100 MB of the
 * 136 MB glibc held right after start-up was free, and the gateway peaked at ~420 MB RSS. Two
 * controls fix that, neither of which Node exposes, so a small optional addon does
 * (`native/malloc-tuning`, built by npm on Linux; elsewhere, or without a compiler, it is absent
 * and nothing here does anything):
 *
 * - a fixed mmap threshold. glibc raises it by itself to the largest block freed (up to 32 MB):
 *   after PGlite's 9 MB WASM buffer or a 16 MB scrypt buffer is freed, every later block below
 *   that size is carved from an arena instead of mapped and unmapped. glibc reads
 *   `MALLOC_MMAP_THRESHOLD_` only from the environment at process start, which the Docker image
 *   sets but `npm start` cannot portably; `mallopt()` sets the same at run time.
 * - periodic `malloc_trim(0)`, the only call that returns free pages in the middle of an arena.
 *
 * Peak RSS of the embedded gateway (process alone, the same 10 s + 10 s load): ~420 MB without
 * either, ~380 MB with the threshold, 300–320 MB with both. Capping the arenas as well
 * (`MALLOC_ARENA_MAX=2`) saved nothing more once the trims ran, and would make the main thread
 * and the database worker share an arena's lock.
 */
export interface MallocControls {
  /** Whether the addon was built against glibc (false on musl). */
  available(): boolean;
  /** mallopt(M_MMAP_THRESHOLD); true when glibc took it. */
  setMmapThreshold(bytes: number): boolean;
  /** malloc_trim(0) on a libuv pool thread; resolves true when memory went back to the system. */
  trim(): Promise<boolean>;
}

/** glibc's default starting threshold, and the value the Docker image sets. */
export const MALLOC_MMAP_THRESHOLD_BYTES = 128 * 1024;

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
 * walks every arena: 10–60 ms on a busy gateway, about 1 % of a core at the default 5 s). Returns a function that stops it. The timer does
 * not keep the process alive.
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
