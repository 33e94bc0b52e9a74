#!/usr/bin/env bash
# Reads through Grey's origin on signed URLs against nginx serving the same bytes
# statically from disk, in the same run (wrk on loopback, 2 threads):
#   1. a 20 KB JPEG, whole, again and again (a preview or thumbnail as a page shows it)
#   2. random 1 MiB ranges of a 1 GiB file (a player seeking; bench/origin-ranges.lua)
# Prints requests/s, MB/s and p99 for each, and the ratios; then both again with the blobs
# on S3 (SeaweedFS on loopback) and encrypted at rest, as ratios to the filesystem store.
# Usage: bench/origin.sh [seconds per run, default 10] [connections, default 32]
# ORIGIN_STORES="" skips the S3 and encrypted runs (default "s3 encrypted").
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || scripts/install-system-packages.sh wrk
if [ -z "${GREY_BIN:-}" ]; then swift build -c release --product grey >/dev/null && swift build -c release --product grey-worker >/dev/null; fi
grey=${GREY_BIN:-.build/release/grey}

source bench/lib.sh
use_store fs
start_grey "$grey" 18097 --workers 1

# The files: a 20 KB JPEG, and a 1 GiB MP4 (the sample clip followed by a `free` box of
# noise, which players skip), so that the worker validates both and they become ready.
static="$work/static"
mkdir -p "$static"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=540x405:rate=1 -frames:v 1 -q:v 3 "$static/small.jpg"
python3 - samples/clip.mp4 "$static/big.mp4" <<'PY'
import os, struct, sys
clip = open(sys.argv[1], "rb").read()
padding = (1 << 30) - len(clip) - 8
with open(sys.argv[2], "wb") as f:
    f.write(clip + struct.pack(">I", padding + 8) + b"free")
    while padding:
        chunk = os.urandom(min(padding, 1 << 24))
        f.write(chunk)
        padding -= len(chunk)
PY

# upload FILE TYPE: the file's signed download URL once it is ready.
upload() {
  local file=$1 type=$2 sha size answer id url
  sha=$(sha256sum "$file" | cut -d' ' -f1); size=$(stat -c %s "$file")
  answer=$(curl -sf -X POST localhost:18097/v1/uploads -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"filename\":\"$(basename "$file")\",\"contentType\":\"$type\",\"size\":$size,\"sha256\":\"$sha\"}")
  id=$(echo "$answer" | python3 -c 'import json, sys; print(json.load(sys.stdin)["fileId"])')
  url=$(echo "$answer" | python3 -c 'import json, sys; print(json.load(sys.stdin)["upload"]["url"])')
  curl -sf -o /dev/null -T "$file" -H "Content-Type: $type" "$url"
  for _ in $(seq 1 600); do
    curl -sf "localhost:18097/v1/files/$id" -H "Authorization: Bearer $key" | grep -q '"status":"ready"' && break
    sleep 0.2
  done
  curl -sf "localhost:18097/v1/files/$id" -H "Authorization: Bearer $key" | grep -q '"status":"ready"' ||
    { echo "$file did not become ready: $(curl -s "localhost:18097/v1/files/$id" -H "Authorization: Bearer $key")" >&2; exit 1; }
  curl -sf -X POST "localhost:18097/v1/files/$id/download-url" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"disposition":"inline","ttlSeconds":3600}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["url"])'
}
small_url=$(upload "$static/small.jpg" image/jpeg)
big_url=$(upload "$static/big.mp4" video/mp4)
small_size=$(stat -c %s "$static/small.jpg")

# warm_blobs: read the stored blobs once, so both servers read from the page cache. Grey's
# upload drops a blob's pages from the cache as they reach the disk (so a large upload
# does not fill it), while nginx's copy was just written and is still cached.
warm_blobs() { find "$data_dir/blobs" -type f -exec cat {} + >/dev/null 2>&1 || true; }
warm_blobs

# nginx serving the same files from disk.
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:18098;
    root $static;
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"

# run_wrk URL [LUA]: "requests/s MB/s p99"
# Each run is preceded by 2 s of the same load, not measured, on both servers alike: the
# first range run after a fresh build has shown a one-off stall of several hundred ms.
run_wrk() {
  local out lua=()
  [ -n "${2:-}" ] && lua=(-s "$2")
  SIZE=$((1 << 30)) wrk -t2 -c"$connections" -d2s "${lua[@]}" "$1" >/dev/null
  out=$(SIZE=$((1 << 30)) wrk -t2 -c"$connections" -d"${seconds}s" --latency "${lua[@]}" "$1")
  echo "$out" | grep -q "Non-2xx" && { echo "non-2xx answers: $out" >&2; exit 1; }
  echo "$out" | awk '
    /Requests\/sec/ { rps = $2 }
    /Transfer\/sec/ { v = $2; unit = substr(v, length(v) - 1); n = v + 0; mb = unit == "GB" ? n * 1024 : unit == "KB" ? n / 1024 : n }
    $1 == "99%" { p99 = $2 }
    END { printf "%s %.1f %s\n", rps, mb, p99 }'
}

read -r grey_small grey_small_mb grey_small_p99 < <(run_wrk "$small_url")
read -r nginx_small nginx_small_mb nginx_small_p99 < <(run_wrk "http://127.0.0.1:18098/small.jpg")
read -r grey_range grey_range_mb grey_range_p99 < <(run_wrk "$big_url" bench/origin-ranges.lua)
read -r nginx_range nginx_range_mb nginx_range_p99 < <(run_wrk "http://127.0.0.1:18098/big.mp4" bench/origin-ranges.lua)

# The same reads with the blobs on S3 (SeaweedFS on loopback) and encrypted at rest, each on
# a Grey of its own: "small requests/s, ranges requests/s".
declare -A store_figures
stores=${ORIGIN_STORES-s3 encrypted}
for store in $stores; do
  stop_grey; use_store "$store"; start_grey "$grey" 18097 --workers 1
  store_small_url=$(upload "$static/small.jpg" image/jpeg)
  store_big_url=$(upload "$static/big.mp4" video/mp4)
  [ "$store" = s3 ] || warm_blobs
  read -r small _ _ < <(run_wrk "$store_small_url")
  read -r ranges _ _ < <(run_wrk "$store_big_url" bench/origin-ranges.lua)
  store_figures[$store]="$small $ranges"
done

printf '\n%-50s %11s %9s %9s\n' "run ($connections connections, ${seconds}s, 2 wrk threads)" "requests/s" "MB/s" "p99"
printf '%-50s %11s %9s %9s\n' "grey, a $small_size-byte JPEG on a signed URL" "$grey_small" "$grey_small_mb" "$grey_small_p99"
printf '%-50s %11s %9s %9s\n' "nginx, the same file from disk (reference)" "$nginx_small" "$nginx_small_mb" "$nginx_small_p99"
printf '%-50s %11s\n' "ratio grey/nginx (target 0.7)" "$(ratio "$grey_small" "$nginx_small")"
printf '%-50s %11s %9s %9s\n' "grey, random 1 MiB ranges of 1 GiB" "$grey_range" "$grey_range_mb" "$grey_range_p99"
printf '%-50s %11s %9s %9s\n' "nginx, the same ranges from disk (reference)" "$nginx_range" "$nginx_range_mb" "$nginx_range_p99"
printf '%-50s %11s\n' "ratio grey/nginx (target 0.8)" "$(ratio "$grey_range" "$nginx_range")"
for store in $stores; do
  read -r small ranges <<<"${store_figures[$store]}"
  label=$([ "$store" = s3 ] && echo "on S3 (SeaweedFS on loopback)" || echo "encrypted at rest (filesystem)")
  printf '%-50s %11s\n' "grey $label, the JPEG" "$small"
  printf '%-50s %11s\n' "  ratio to grey on the filesystem" "$(ratio "$small" "$grey_small")"
  printf '%-50s %11s\n' "grey $label, 1 MiB ranges" "$ranges"
  printf '%-50s %11s\n' "  ratio to grey on the filesystem" "$(ratio "$ranges" "$grey_range")"
done
