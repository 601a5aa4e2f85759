/**
 * `tsx bench/shared-goals.ts RESULTS.json`: issue 13's goals checked against one compare.sh run,
 * as a markdown list (exit 0 when every goal holds). The same checks as the shared `ours.mjs`,
 * which applies them to every load scenario (CPU per request ≤ 1.5× bare, 1.3× streaming; req/s ≥
 * 0.7× bare; p99 ≤ 1.5× bare's) but stops with a TypeError before printing them: it reads `rows`
 * of every result, and the c=1 probe's result has none. This one skips results without rows.
 */
import { readFileSync } from 'node:fs';

interface Row {
  target: string;
  errors: number;
  cpuVsBare: number;
  rpsVsBare: number;
  p99VsBare: number;
}
interface Result {
  name: string;
  conc?: number;
  stream?: boolean;
  rows?: Row[];
}

const fmt = (x: number) => `${x.toFixed(2)}×`;
const mark = (ok: boolean) => (ok ? '✅' : '❌');

function goalLines(results: readonly Result[]): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  for (const s of results) {
    if (!s.rows) continue;
    const t = s.rows.find((r) => r.target === 'target');
    if (!t) {
      ok = false;
      lines.push(`- ${s.name} c=${s.conc}: ❌ the gateway has no row`);
      continue;
    }
    const cpuGoal = s.stream ? 1.3 : 1.5;
    const checks = [
      [t.cpuVsBare <= cpuGoal, `CPU/request ${fmt(t.cpuVsBare)} bare (≤ ${cpuGoal})`],
      [t.rpsVsBare >= 0.7, `req/s ${fmt(t.rpsVsBare)} bare (≥ 0.7)`],
      [t.p99VsBare <= 1.5, `p99 ${fmt(t.p99VsBare)} bare's (≤ 1.5)`],
      [t.errors === 0, `${t.errors} errors`],
    ] as const;
    ok &&= checks.every(([pass]) => pass);
    lines.push(`- ${s.name} c=${s.conc}: ${checks.map(([pass, text]) => `${mark(pass)} ${text}`).join(', ')}`);
  }
  return { lines, ok };
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: tsx bench/shared-goals.ts RESULTS.json\n');
  process.exit(2);
}
const { lines, ok } = goalLines((JSON.parse(readFileSync(file, 'utf8')) as { results: Result[] }).results);
process.stdout.write(`### Against the bare proxy (the shared ours.mjs's checks): ${ok ? 'all met' : 'not all met'}\n\n${lines.join('\n')}\n`);
process.exit(ok ? 0 : 1);
