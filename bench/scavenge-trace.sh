#!/usr/bin/env bash
# npm run bench:scavenges -- [DIR ...]: what V8's young-generation GC costs per /v1 request, for
# each built checkout DIR (default: this one), one after the other on the same machine.
#
# Wall-clock A/B runs on a shared 2-vCPU machine swing by more than the few per cent one change
# moves (bench/RESULTS.md, sessions 14–15); what the scavenger copies per request does not: it
# follows from what the code keeps alive, not from the machine's speed. Each DIR's gateway
# (`npm run build` first) runs with --trace-gc-nvp on a fresh PostgreSQL database, pinned to cpu0
# beside the shared bench's mock upstream (its own, on :9190) on cpu1; WARM requests, then MEASURED requests at
# concurrency CONC, non-streaming. Per DIR it prints: scavenges, their pause sum per request, mean
# and longest pause, bytes surviving a scavenge (copied or promoted) per request, the allocation
# between two scavenges, full GCs, and (noisy, for context) CPU per request and req/s.
#
# Env: BENCH_DATABASE_URL (a server to create scratch databases on; default local postgres),
#      SHARED_BENCH_DIR (holding mock-upstream.mjs; default ../shared/bench), WARM=20000
#      MEASURED=30000 CONC=64 PORT=8390.
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH_DIR:-$project/../shared/bench}"
[ -f "$shared/mock-upstream.mjs" ] || { echo "set SHARED_BENCH_DIR to the folder holding mock-upstream.mjs" >&2; exit 1; }
server="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
warm="${WARM:-20000}" measured="${MEASURED:-30000}" conc="${CONC:-64}" port="${PORT:-8390}"
[ "$#" -gt 0 ] || set -- "$project"
work="$(mktemp -d)"
pids=()
db=""
cleanup() {
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
  [ -z "$db" ] || psql "$server" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The shared mock on a port of its own, taking the provider key bench/gateway-setup.ts stores.
mock_port=9190
MOCK_PORT=$mock_port MOCK_KEY=sk-bench-0000000000000000 setsid taskset -c 1 node "$shared/mock-upstream.mjs" >"$work/mock.log" 2>&1 &
pids+=($!)

# Prints a fresh account's access key (the set-up every bench uses).
cat >"$work/setup.mts" <<JS
import { setUpGatewayAccount } from '$project/bench/gateway-setup.ts';
const base = process.argv[2];
for (let i = 0; i < 240; i++) {
  try { if ((await fetch(base + '/healthz')).ok) break; } catch {}
  await new Promise((r) => setTimeout(r, 500));
}
console.log((await setUpGatewayAccount(base)).accessToken);
JS

# Sends exactly N requests, CONC in flight, on keep-alive connections; prints {"ms":…}.
cat >"$work/load.mjs" <<'JS'
import { Pool } from 'undici';
const [url, key, n, conc] = process.argv.slice(2);
const u = new URL(url);
const pool = new Pool(u.origin, { connections: +conc, headersTimeout: 0, bodyTimeout: 0 });
const body = JSON.stringify({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
let sent = 0, failed = 0;
const worker = async () => {
  while (sent < +n) {
    sent++;
    const r = await pool.request({ path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    await r.body.dump();
    if (r.statusCode !== 200) failed++;
  }
};
const t = Date.now();
await Promise.all(Array.from({ length: +conc }, worker));
if (failed > 0) { console.error(`${failed} requests failed`); process.exit(1); }
console.log(JSON.stringify({ ms: Date.now() - t }));
await pool.close();
JS
ln -s "$project/node_modules" "$work/node_modules"

for dir in "$@"; do
  dir="$(cd "$dir" && pwd)"
  db="scavenge_trace_$$_$RANDOM"
  psql "$server" -qc "create database $db" >/dev/null
  url="${server%/*}/$db"
  log="$work/gc.log"
  (cd "$dir" && PORT=$port HOST=127.0.0.1 DATABASE_URL="$url" SECRET_KEY="$(head -c32 /dev/urandom | base64)" \
    ACCESS_KEY_RATE_LIMIT_PER_MINUTE=1000000000 PROVIDER_BASE_URL_OPENAI=http://127.0.0.1:$mock_port/v1 PAYMENTS=manual LOG_LEVEL=warn \
    exec setsid taskset -c 0 node --trace-gc-nvp server/dist/main.js >"$log" 2>&1) &
  gw=$!
  pids+=($gw)
  key="$(npx tsx "$work/setup.mts" "http://127.0.0.1:$port")"
  node_pid="$(pgrep -n -f "trace-gc-nvp server/dist/main.js")"
  target="http://127.0.0.1:$port/v1/chat/completions"
  taskset -c 1 node "$work/load.mjs" "$target" "$key" "$warm" "$conc" >/dev/null
  sleep 1
  mark=$(wc -l <"$log")
  cpu0=$(awk '{print $14 + $15}' "/proc/$node_pid/stat")
  result=$(taskset -c 1 node "$work/load.mjs" "$target" "$key" "$measured" "$conc")
  cpu1=$(awk '{print $14 + $15}' "/proc/$node_pid/stat")
  kill -- "-$gw" 2>/dev/null || kill "$node_pid"
  wait "$gw" 2>/dev/null || true
  psql "$server" -qc "drop database $db with (force)" >/dev/null
  db=""
  tail -n +"$((mark + 1))" "$log" | node -e '
    const [name, n, ticks, result] = process.argv.slice(1);
    const gcs = require("fs").readFileSync(0, "utf8").split("\n")
      .map((l) => Object.fromEntries(l.split(/\s+/).map((x) => x.split("=")).filter((p) => p.length === 2)));
    const scavenges = gcs.filter((g) => g.gc === "s"), full = gcs.filter((g) => g.gc === "mc" || g.gc === "ms");
    const sum = (list, k) => list.reduce((s, g) => s + Number(g[k] || 0), 0);
    const pause = sum(scavenges, "pause"), survived = sum(scavenges, "new_space_survived"); // copied within the young generation or promoted
    const ms = JSON.parse(result).ms;
    console.log(`${name}: ${scavenges.length} scavenges, ${(pause * 1000 / n).toFixed(2)} µs/request paused (mean ${(pause / scavenges.length).toFixed(2)} ms,`
      + ` longest ${Math.max(...scavenges.map((g) => +g.pause))} ms), ${(survived / n).toFixed(0)} B/request surviving,`
      + ` ${(sum(scavenges, "allocated") / scavenges.length / 1e6).toFixed(1)} MB allocated between scavenges; ${full.length} full GCs`
      + ` (${sum(full, "pause").toFixed(0)} ms); CPU ${(ticks * 1e4 / n).toFixed(1)} µs/request, ${Math.round(n / ms * 1000)} req/s (noisy)`);
  ' "$dir" "$measured" "$((cpu1 - cpu0))" "$result"
done
