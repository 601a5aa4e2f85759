#!/usr/bin/env bash
# npm run bench: the shared side-by-side benchmark (direct mock, bare node:http + undici proxy,
# Portkey if installed, and this checkout as TARGET), so our figures are ratios against the same
# bare proxy every engineer and the issue use. The shared folder is read-only: its files are
# copied into bench/.shared-bench/ (git-ignored; its node_modules stay there between runs).
#
#   npm run bench                                   # embedded database (the default install)
#   BENCH_DATABASE_URL=postgres://… npm run bench   # PostgreSQL (use a fresh, empty database)
#   ROUNDS=1 ROUND_S=1 WARMUP_S=1 CONC=16 SCENARIOS=nonstream,stream npm run bench   # smoke run
#   USAGE_EVENTS=off BENCH_DATABASE_URL=postgres://… npm run bench   # the gateway without stored usage events
#   BENCH_POSTGRES_CPU=1 BENCH_DATABASE_URL=postgres://127.0.0.1… npm run bench   # a local PostgreSQL moved off the
#                                                   # gateway's cpu0 for the run (bench/pin-postgres.sh)
#
# Knobs are compare.sh's (see its README). The report replaces the <db> section of bench/RESULTS.md
# (<db>-usage-events-<mode> when USAGE_EVENTS is set to another mode than all; -postgres-cpu<N> appended
# when BENCH_POSTGRES_CPU is set).
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH_DIR:-}"
if [ -z "$shared" ]; then
  for d in "$project/../shared/bench" "$project/../../shared/bench"; do [ -f "$d/compare.sh" ] && shared="$(cd "$d" && pwd)" && break; done
fi
[ -n "$shared" ] || { echo "shared bench not found: set SHARED_BENCH_DIR to the folder holding compare.sh" >&2; exit 1; }

work="$project/bench/.shared-bench"
mkdir -p "$work"
# Everything but dependencies and old results; a Portkey install in the shared folder is used in place.
(cd "$shared" && find . -maxdepth 1 -type f -exec cp {} "$work/" \;)
[ -d "$shared/.portkey" ] && export PORTKEY_DIR="${PORTKEY_DIR:-$shared/.portkey}"

db=embedded
[ -n "${BENCH_DATABASE_URL:-}" ] && db=postgresql
usage_events="${USAGE_EVENTS:-all}"
section="$db"
[ "$usage_events" != all ] && section="$db-usage-events-$usage_events"
postgres_cpu="${BENCH_POSTGRES_CPU:-}"
if [ -n "$postgres_cpu" ]; then
  [ "$db" = postgresql ] || { echo "BENCH_POSTGRES_CPU needs BENCH_DATABASE_URL" >&2; exit 1; }
  "$project/bench/pin-postgres.sh" "$postgres_cpu"
  trap '"$project/bench/pin-postgres.sh" all' EXIT
  section="$section-postgres-cpu$postgres_cpu"
fi
echo "[bench] target: $project on $db${postgres_cpu:+ (PostgreSQL on CPU $postgres_cpu)}, USAGE_EVENTS=$usage_events; shared bench from $shared" >&2
status=0
touch "$work/.started"
(cd "$work" && PROJECT_DIR="$project" node ours.mjs) || status=$?
# Only a report this run wrote (an aborted run must not republish an old one).
latest="$(find "$work/results" -name '*.md' -newer "$work/.started" 2>/dev/null | sort | tail -n 1 || true)"
if [ -n "$latest" ]; then
  # The goal check ours.mjs would print (it stops on the probe's result first): bench/shared-goals.ts.
  json="${latest%.md}.json"
  goals=""
  [ -f "$json" ] && { goals="$(cd "$project" && npx tsx bench/shared-goals.ts "$json")" || true; }
  [ -n "$goals" ] && printf '%s\n' "$goals" >&2
  stamp="npm run bench ($db${postgres_cpu:+ on CPU $postgres_cpu}, USAGE_EVENTS=$usage_events), $(date -u +%FT%TZ), $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), node $(node -v)"
  # Replace this database's section between its markers, keeping the rest of the file.
  node -e '
    const fs = require("node:fs");
    const [file, db, stamp, report, goals] = process.argv.slice(1);
    const start = `<!-- bench:${db}:start -->`, end = `<!-- bench:${db}:end -->`;
    const text = fs.readFileSync(file, "utf8");
    const i = text.indexOf(start), j = text.indexOf(end);
    const body = `${start}\n_${stamp}_\n\n${goals ? `${goals.trim()}\n\n` : ""}${fs.readFileSync(report, "utf8").trim()}\n${end}`;
    fs.writeFileSync(file, i >= 0 && j > i ? text.slice(0, i) + body + text.slice(j + end.length) : `${text.trimEnd()}\n\n${body}\n`);
  ' "$project/bench/RESULTS.md" "$section" "$stamp" "$latest" "$goals"
  echo "[bench] report: bench/RESULTS.md ($section section)" >&2
fi
exit "$status"
