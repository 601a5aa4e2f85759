import { readFileSync } from 'node:fs';

/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time by function, by package, and
 * inclusive time of the gateway's own functions.
 *
 *   npx tsx bench/profile-summary.ts /tmp/gateway-cpu-prof/*.cpuprofile [--top 40] [--last=SECONDS]
 *
 * --last=S keeps only the final S seconds of each profile (the load run, without start-up).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: gateway source, an npm package, Node itself, or V8. */
export function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: core';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/server/')) return 'gateway';
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const s = url.indexOf('/server/');
  if (s >= 0) return url.slice(s + 1);
  return url.replace(/^file:\/\//, '');
}

const keyOf = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;

function summarise(files: string[], top: number, lastMicros: number): string {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const categories = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map<number, ProfileNode>();
    const parent = new Map<number, number>();
    for (const n of profile.nodes) {
      byId.set(n.id, n);
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    // --last: only samples in the final seconds (the load run), not start-up and set-up.
    let t = 0;
    const times = profile.timeDeltas.map((d) => (t += d));
    const from = t - lastMicros;
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i] ?? 0;
      if (times[i] < from) continue;
      const node = byId.get(profile.samples[i]);
      if (!node) continue;
      if (IDLE.has(node.callFrame.functionName)) {
        idle += dt;
        continue;
      }
      total += dt;
      const k = keyOf(node.callFrame);
      self.set(k, (self.get(k) ?? 0) + dt);
      const cat = categoryOf(node.callFrame);
      categories.set(cat, (categories.get(cat) ?? 0) + dt);
      // Inclusive time of gateway functions, each counted once per sample (recursion-safe).
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const f = byId.get(id)?.callFrame;
        if (!f || categoryOf(f) !== 'gateway') continue;
        const key = keyOf(f);
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      }
    }
  }
  const pct = (v: number) => `${((100 * v) / total).toFixed(1)}%`;
  const ms = (v: number) => `${(v / 1000).toFixed(0)} ms`;
  const table = (title: string, rows: [string, number][]) =>
    [`### ${title}`, '', '| | self | share |', '|---|---:|---:|', ...rows.map(([k, v]) => `| \`${k}\` | ${ms(v)} | ${pct(v)} |`), ''].join('\n');
  const sorted = (m: Map<string, number>, filter: (k: string) => boolean = () => true) =>
    [...m.entries()].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]);
  const out: string[] = [];
  out.push(`Busy time ${ms(total)} (idle ${ms(idle)}) over ${files.length} profile(s).`, '');
  out.push(table('Self time by package', sorted(categories).slice(0, top)));
  out.push(table('Top functions by self time', sorted(self).slice(0, top)));
  out.push(table('Gateway functions by self time', sorted(self, (k) => k.includes(' server/')).slice(0, top)));
  out.push(
    [
      '### Gateway functions by inclusive time',
      '',
      '| | inclusive | share |',
      '|---|---:|---:|',
      ...sorted(inclusive).slice(0, top).map(([k, v]) => `| \`${k}\` | ${ms(v)} | ${pct(v)} |`),
      '',
    ].join('\n'),
  );
  return out.join('\n');
}

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 40;
const lastArg = args.find((a) => a.startsWith('--last='));
const lastMicros = lastArg ? Number(lastArg.slice('--last='.length)) * 1e6 : Infinity;
// The value after --top is not a file; without --top (topIdx -1) every argument may be one.
const files = args.filter((a, i) => a.endsWith('.cpuprofile') && (topIdx < 0 || i !== topIdx + 1));
if (files.length === 0) {
  process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile... [--top N] [--last=SECONDS]\n');
  process.exit(2);
}
process.stdout.write(`${summarise(files, top, lastMicros)}\n`);
