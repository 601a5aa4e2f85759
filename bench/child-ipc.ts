import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The tiny protocol between the orchestrator and the benchmark's helper processes (upstream,
 * bare proxy): the child says `ready` with its port, then answers `stats` with its own CPU time
 * (process.cpuUsage(): every thread of the process, GC included) and RSS.
 */

export interface ReadyMessage {
  type: 'ready';
  port: number;
}

export interface StatsMessage {
  type: 'stats';
  /** µs of user + system CPU since the process started. */
  cpuMicros: number;
  rssBytes: number;
}

export type ChildMessage = ReadyMessage | StatsMessage;

/** Child side: announce the port and answer stats requests until the parent goes away. */
export function serveOverIpc(port: number, onStop: () => Promise<void>): void {
  if (!process.send) throw new Error('this module is meant to be started with child_process.fork()');
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'stats') {
      const cpu = process.cpuUsage();
      const reply: StatsMessage = { type: 'stats', cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss() };
      process.send?.(reply);
    } else if (msg?.type === 'stop') {
      void onStop().finally(() => process.exit(0));
    }
  });
  // The orchestrator died (IPC channel closed): never outlive it.
  process.on('disconnect', () => process.exit(0));
  const ready: ReadyMessage = { type: 'ready', port };
  process.send(ready);
}

/** True when `moduleUrl` is the entry point of this process (`node --import tsx bench/x.ts`). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(resolve(entry)).href;
}

/** `--name value` from argv, or the default. */
export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** CPU (utime + stime, µs) and RSS of any process from /proc (Linux): used for the gateway. */
export function procStats(pid: number): { cpuMicros: number; rssBytes: number; hwmBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { cpuMicros: (ticks * 1e6) / CLOCK_TICKS, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

/**
 * CPU (µs, procStats) so far of each PostgreSQL server process on this machine, by pid: backends
 * and background workers (their titles start `postgres: `), or with `database` only the backends
 * serving it (their titles name it). A process that exits between two readings drops out.
 */
export function postgresCpuByPid(database?: string): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || (database !== undefined && !cmd.includes(` ${database} `))) continue;
      cpu.set(Number(entry), procStats(Number(entry)).cpuMicros);
    } catch {
      // the process ended meanwhile
    }
  }
  return cpu;
}

/** USER_HZ: 100 on every mainstream Linux build (getconf CLK_TCK). */
const CLOCK_TICKS = 100;
