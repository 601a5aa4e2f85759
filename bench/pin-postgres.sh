#!/usr/bin/env bash
# bench/pin-postgres.sh CPUS: moves this machine's PostgreSQL server (the postmaster and every
# backend, all their threads) onto CPUS, e.g. `1`, or back onto every CPU with `all`. Backends
# forked later inherit the postmaster's affinity.
#
# Why: the shared benchmark pins each server under test to cpu0 and the load generator and mock
# upstream to cpu1. A gateway on a local PostgreSQL then shares cpu0 with the database's backends
# unless they are moved, although in production PostgreSQL runs on cores or hosts of its own
# (README, Performance). `BENCH_POSTGRES_CPU=1 npm run bench` and `PG_CPU=1 npm run bench:ab`
# measure that arrangement: PostgreSQL beside the load generator, like the mock upstream.
# Only a local server can be moved, and moving it needs the right to change its processes'
# affinity (root, or the postgres user).
set -euo pipefail
cpus="${1:?usage: pin-postgres.sh CPUS|all}"
[ "$cpus" = all ] && cpus="0-$(($(nproc --all) - 1))"
pids="$(pgrep -x postgres || true)"
[ -n "$pids" ] || { echo "pin-postgres: no local PostgreSQL process found" >&2; exit 1; }
moved=0
# A backend that exits in between cannot be moved; one the user may not move is reported below.
for pid in $pids; do taskset -a -p -c "$cpus" "$pid" >/dev/null 2>&1 && moved=$((moved + 1)); done
[ "$moved" -gt 0 ] || { echo "pin-postgres: could not change PostgreSQL's CPU affinity (run as root or postgres)" >&2; exit 1; }
echo "pin-postgres: $moved of PostgreSQL's $(wc -w <<<"$pids") processes on CPUs $cpus" >&2
