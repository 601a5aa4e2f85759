import { setFlagsFromString } from 'node:v8';

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

/**
 * Sets V8's heap growing factor for this process, unless the operator chose one on the command
 * line or in NODE_OPTIONS. V8 reads the flag each time it sizes the heap after a GC, so setting
 * it at run time takes effect from the next collection.
 */
export function limitHeapGrowth(percent: number, nodeOptions = process.env.NODE_OPTIONS ?? '', execArgv = process.execArgv): boolean {
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg));
  if (chosen) return false;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}
