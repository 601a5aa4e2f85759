import pg from 'pg';
const stats = new Map<string,{n:number,ms:number}>();
const orig = pg.Client.prototype.query as any;
(pg.Client.prototype as any).query = function (this: any, text: any, values: any, cb: any) {
  const t = performance.now();
  const key = (typeof text === 'string' ? text : text?.text ?? '?').replace(/\s+/g,' ').slice(0, 60);
  const p = orig.call(this, text, values, cb);
  if (p && typeof p.then === 'function') p.then(() => { const s = stats.get(key) ?? {n:0,ms:0}; s.n++; s.ms += performance.now()-t; stats.set(key,s); }, () => {});
  return p;
};
process.on('exit', () => { [...stats].sort((a,b)=>b[1].ms-a[1].ms).slice(0,25).forEach(([k,s])=>process.stderr.write(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(6)}x ${(s.ms/s.n).toFixed(2).padStart(7)} ${k}\n`)); });
await import('./bench/usage-write-cost.ts');
