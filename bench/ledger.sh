#!/usr/bin/env bash
# Transfers through Grey's HTTP API against PostgreSQL's own single-transaction ceiling,
# measured in the same run on the same embedded cluster (fsync on; a transfer is answered
# only after its batch commits):
#   1. POST /v1/transactions/transfer, 64 connections, among 10,000 wallets
#   2. the same among 10 hot wallets
#   3. pgbench -N (simple-update TPC-B-like) with 64 clients, on the same cluster, run
#      before, between and after the two: each ratio divides by the mean of the pgbench
#      runs on either side of its Grey run, since this machine's speed drifts within minutes
# Usage: bench/ledger.sh [seconds per run, default 30] [connections, default 64] [wallets, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-64}
wallet_count=${3:-10000}
command -v wrk >/dev/null || scripts/install-system-packages.sh wrk
# GREY_BIN runs another build of grey (a debug one, say, to try the script quickly).
if [ -z "${GREY_BIN:-}" ]; then swift build -c release --product grey >/dev/null; fi
grey=${GREY_BIN:-.build/release/grey}

source bench/lib.sh
start_grey "$grey" 18090 --workers 0

echo "setting up $wallet_count + 10 funded wallets..." >&2
python3 bench/ledger-setup.py http://127.0.0.1:18090 "$key" "$wallet_count" 100000000 >"$work/wallets.txt"
python3 bench/ledger-setup.py http://127.0.0.1:18090 "$key" 10 100000000 >"$work/hot.txt"

run_wrk() { # wallet file
  local out
  out=$(RUN="$(basename "$1")" WALLETS="$1" KEY="$key" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/ledger-transfer.lua http://127.0.0.1:18090)
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/^non2xx/ {print $2}')
  echo "$rps $p50 $p99 $non2xx"
}

socket_dir="$work/data/postgres/run"
bin=$(postgres_bin)
"$bin/psql" -q -h "$socket_dir" -U grey -d postgres -c "CREATE DATABASE bench" >/dev/null
"$bin/pgbench" -q -i -s 10 -h "$socket_dir" -U grey bench >/dev/null 2>&1
# pgbench -i vacuums and analyses the tables it loads; the ledger's freshly set-up tables
# get the same, and a checkpoint, so that both sides are measured in the steady state of a
# database in service rather than during autovacuum's first pass over new rows.
"$bin/psql" -q -h "$socket_dir" -U grey -d grey -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
run_pgbench() { # prints tps and average latency
  local out
  out=$("$bin/pgbench" -N -n -c "$connections" -j 2 -T "$seconds" -h "$socket_dir" -U grey bench 2>/dev/null)
  echo "$(echo "$out" | awk -F'= ' '/^tps/ {split($2, a, " "); print a[1]}') $(echo "$out" | awk -F'= ' '/latency average/ {print $2}' | tr -d ' ')"
}
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }

read -r pg1_tps pg1_latency < <(run_pgbench)
read -r spread_rps spread_p50 spread_p99 spread_errors < <(run_wrk "$work/wallets.txt")
read -r pg2_tps pg2_latency < <(run_pgbench)
read -r hot_rps hot_p50 hot_p99 hot_errors < <(run_wrk "$work/hot.txt")
read -r pg3_tps pg3_latency < <(run_pgbench)

verify=$("$grey" ledger verify --data-dir "$work/data" 2>/dev/null | tail -1)

printf '\n%-52s %12s %10s %10s %8s\n' "run ($connections connections, ${seconds}s, fsync on)" "transfers/s" "p50" "p99" "non-2xx"
printf '%-52s %12s %10s %10s %8s\n' "grey transfer, $wallet_count wallets" "$spread_rps" "$spread_p50" "$spread_p99" "$spread_errors"
printf '%-52s %12s %10s %10s %8s\n' "grey transfer, 10 hot wallets" "$hot_rps" "$hot_p50" "$hot_p99" "$hot_errors"
printf '%-52s %12s %10s\n' "pgbench -N, same cluster, before (reference)" "$pg1_tps" "avg $pg1_latency"
printf '%-52s %12s %10s\n' "pgbench -N, between" "$pg2_tps" "avg $pg2_latency"
printf '%-52s %12s %10s\n' "pgbench -N, after" "$pg3_tps" "avg $pg3_latency"
printf '%-52s %12s\n' "ratio grey/pgbench ($wallet_count wallets)" "$(ratio "$spread_rps" "$(mean "$pg1_tps" "$pg2_tps")")"
printf '%-52s %12s\n' "ratio grey/pgbench (10 hot wallets)" "$(ratio "$hot_rps" "$(mean "$pg2_tps" "$pg3_tps")")"
echo "$verify"
