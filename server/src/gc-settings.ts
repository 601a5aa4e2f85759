import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/**
 * V8 garbage-collector settings chosen at start-up for how this process runs. Both are flags V8
 * reads each time it collects, so setting them at run time (before the app loads) takes effect
 * from the next collection. A flag the operator chose on the command line is left alone (Node
 * refuses these V8 flags in NODE_OPTIONS).
 */

/**
 * How far V8 lets the old generation grow past what survived the last full GC, in embedded mode.
 * V8 picks that factor itself, up to 4× on a machine with memory to spare: under the benchmark's
 * load the gateway's old generation (about 65 MB alive) grew to 130–140 MB of mostly promoted
 * garbage before a full GC ran, and the process keeps those pages. At 1.5× the main heap peaked
 * at 118–124 MB instead of 176–186 MB. The cost is more full GCs: 4–5 per 20 s of load instead of
 * about 3 (estimated from the heap's growth rate), at about 27 ms each, i.e. well under 1 % of a
 * core; scavenges, where the per-request GC time goes, are unchanged. Embedded mode is the
 * one-process default install, where the footprint is the goal; with PostgreSQL V8 keeps its own
 * choice.
 */
export const EMBEDDED_HEAP_GROWING_PERCENT = 50;

/** Whether a flag matching `pattern` (`_` and `-` alike) was given on the command line. */
function operatorChose(pattern: RegExp, execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => pattern.test(arg.replace(/_/g, '-')));
}

/** Sets V8's heap growing factor for this process, unless the operator chose one. */
export function limitHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): boolean {
  if (operatorChose(/^--heap-growing-percent\b/, execArgv)) return false;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}

/**
 * The CPUs this process can use at once: its CPU affinity (taskset, a cpuset) and, in a
 * container, its cgroup v2 CPU quota (`docker --cpus`, a Kubernetes CPU limit), whichever is lower.
 */
export function usableCpus(affinity = availableParallelism(), cpuMax = readCgroupCpuMax()): number {
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/);
  const limit = quota && quota !== 'max' && Number(period) > 0 ? Number(quota) / Number(period) : Infinity;
  return Math.min(affinity, limit);
}

function readCgroupCpuMax(): string | undefined {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
  } catch {
    return undefined; // not Linux, cgroup v1, or no limit file: affinity alone decides
  }
}

/**
 * Scavenges (the young-generation GC, where a busy gateway's GC time goes) on the main thread only
 * when the process has at most one CPU. V8 splits each scavenge over as many helper threads as
 * Node's platform pool has (4), whatever CPUs the process may use; on one CPU the helpers cannot
 * run beside the main thread, so parallel scavenging only adds their hand-offs. Measured under the
 * shared benchmark's load (gateway pinned to one core, PostgreSQL, `--trace-gc-nvp`, four
 * alternating pairs on a quiet machine): the helpers' scavenging work (4.4–6.4 µs per request) is
 * gone and the main thread's scavenge pause stayed at 7–8 µs per request; the total CPU per
 * request did not separate from the run-to-run noise.
 */
export function scavengeOnMainThreadOnOneCpu(cpus = usableCpus(), execArgv: readonly string[] = process.execArgv): boolean {
  if (cpus > 1 || operatorChose(/^--(no-)?parallel-scavenge\b|^--single-threaded-gc\b/, execArgv)) return false;
  setFlagsFromString('--no-parallel-scavenge');
  return true;
}
