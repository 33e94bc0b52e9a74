#!/usr/bin/env bash
# Grey's HTTP overhead against references measured in the same run on the same machine:
#   1. GET /healthz on Grey           vs  nginx answering the same JSON from its config
#   2. an authenticated GET /v1/users/{id} (key lookup + user lookup, two indexed
#      queries)                       vs  pgbench -S (one indexed SELECT per transaction)
#      on the same embedded PostgreSQL cluster, with as many connections
# Usage: bench/http-overhead.sh [seconds per run, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || scripts/install-system-packages.sh wrk
swift build -c release --product grey >/dev/null
grey=.build/release/grey

source bench/lib.sh
start_grey "$grey" 18080 --workers 0
user=$(curl -sf -X POST localhost:18080/v1/users -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/json' -d '{"externalId":"bench"}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

# nginx answering /healthz from its configuration.
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18081;
    location = /healthz { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"

run_wrk() { # url [header]
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "$2" "$1"); else out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1"); fi
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "$rps $p50 $p99"
}


read -r grey_rps grey_p50 grey_p99 < <(run_wrk http://127.0.0.1:18080/healthz)
read -r nginx_rps nginx_p50 nginx_p99 < <(run_wrk http://127.0.0.1:18081/healthz)

read -r auth_rps auth_p50 auth_p99 < <(run_wrk "http://127.0.0.1:18080/v1/users/$user" "Authorization: Bearer $key")

# pgbench -S on the same cluster, through the same Unix socket.
socket_dir="$work/data/postgres/run"
bin=$(postgres_bin)
"$bin/psql" -q -h "$socket_dir" -U grey -d postgres -c "CREATE DATABASE bench" >/dev/null
"$bin/pgbench" -q -i -s 1 -h "$socket_dir" -U grey bench >/dev/null 2>&1
pg_out=$("$bin/pgbench" -S -n -c "$connections" -j 2 -T "$seconds" -h "$socket_dir" -U grey bench 2>/dev/null)
pg_tps=$(echo "$pg_out" | awk -F'= ' '/^tps/ {split($2, a, " "); print a[1]}')
pg_latency=$(echo "$pg_out" | awk -F'= ' '/latency average/ {print $2}')

printf '\n%-44s %12s %10s %10s\n' "run ($connections connections, ${seconds}s, 2 wrk threads)" "requests/s" "p50" "p99"
printf '%-44s %12s %10s %10s\n' "grey GET /healthz" "$grey_rps" "$grey_p50" "$grey_p99"
printf '%-44s %12s %10s %10s\n' "nginx return 200 (reference)" "$nginx_rps" "$nginx_p50" "$nginx_p99"
printf '%-44s %12s\n' "ratio grey/nginx" "$(ratio "$grey_rps" "$nginx_rps")"
printf '%-44s %12s %10s %10s\n' "grey GET /v1/users/{id} (bearer key)" "$auth_rps" "$auth_p50" "$auth_p99"
printf '%-44s %12s %10s\n' "pgbench -S, same cluster (reference)" "$pg_tps" "avg $pg_latency"
printf '%-44s %12s\n' "ratio grey/pgbench" "$(ratio "$auth_rps" "$pg_tps")"
