#!/usr/bin/env bash
# A large upload through a signed URL, against the two things it cannot beat, measured in
# the same run on the same file and disk:
#   1. POST /v1/uploads, then PUT of the whole file to its signed URL over loopback
#      (bench/ingest-put.py, with sendfile so the client costs little CPU; Grey hashes
#      the stream, sniffs it, writes it, fsyncs it, renames it)
#   2. openssl dgst -sha256 of the file      (hashing alone)
#   3. cp of the file on the same disk       (copying alone, no fsync)
#   4. dd … conv=fsync of the file           (a durable copy through the page cache)
#   5. dd … oflag=direct conv=fsync          (a durable copy past the page cache, as Grey
#                                             writes: what the disk allows when the bytes
#                                             must be on disk before the answer)
#   6. the same signed PUT with the blobs on S3 (SeaweedFS on loopback) and encrypted at
#      rest, each as a ratio to the filesystem store's figure from this run
# The file starts with an MP4 box header so that it passes the type check.
# Usage: bench/ingest.sh [size in MiB, default 1024] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
mebibytes=${1:-1024}
runs=${2:-3}
if [ -z "${GREY_BIN:-}" ]; then swift build -c release --product grey >/dev/null; fi
grey=${GREY_BIN:-.build/release/grey}

source bench/lib.sh
use_store fs
start_grey "$grey" 18085 --workers 0

file="$work/big.mp4"
{ printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'; head -c $((mebibytes * 1048576 - 24)) /dev/urandom; } >"$file"
size=$(stat -c %s "$file")
cat "$file" >/dev/null # in the page cache for every contender

# seconds COMMAND...: wall time of a command, in seconds.
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'; }
rate() { awk -v bytes="$size" -v s="$1" 'BEGIN { printf "%.0f", bytes / 1048576 / s }'; }
best() { sort -g | head -1; }

sha256=$(openssl dgst -sha256 -r "$file" | cut -d' ' -f1)
openssl_s=$(for _ in $(seq "$runs"); do seconds openssl dgst -sha256 "$file"; done | best)
cp_s=$(for _ in $(seq "$runs"); do rm -f "$work/copy"; seconds cp "$file" "$work/copy"; done | best)
dd_s=$(for _ in $(seq "$runs"); do rm -f "$work/copy"; seconds dd if="$file" of="$work/copy" bs=1M conv=fsync status=none; done | best)
direct_s=$(for _ in $(seq "$runs"); do rm -f "$work/copy"; seconds dd if="$file" of="$work/copy" bs=1M oflag=direct conv=fsync status=none; done | best)
rm -f "$work/copy"

upload_once() {
  local url
  url=$(curl -sf -X POST localhost:18085/v1/uploads -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"filename\":\"big.mp4\",\"contentType\":\"video/mp4\",\"size\":$size,\"sha256\":\"$sha256\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["upload"]["url"])')
  local timing
  timing=$(python3 bench/ingest-put.py "$url" "$file" video/mp4)
  [ "${timing#* }" = 201 ] || { echo "upload failed: $timing" >&2; exit 1; }
  echo "${timing% *}"
}
grey_s=$(for _ in $(seq "$runs"); do upload_once; done | best)
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$grey_pid/status")

# The same uploads on the other blob stores, each on a Grey of its own (no subshell: the
# Grey started must stay known to the clean-up).
declare -A store_s
for store in s3 encrypted; do
  stop_grey; use_store "$store"; start_grey "$grey" 18085 --workers 0
  for _ in $(seq "$runs"); do upload_once; done >"$work/$store.times"
  store_s[$store]=$(best <"$work/$store.times")
done

grey_rate=$(rate "$grey_s"); openssl_rate=$(rate "$openssl_s"); cp_rate=$(rate "$cp_s"); dd_rate=$(rate "$dd_s"); direct_rate=$(rate "$direct_s")
slower=$(( openssl_rate < cp_rate ? openssl_rate : cp_rate ))
printf '\n%-52s %10s\n' "run ($mebibytes MiB file, best of $runs, page cache warm)" "MiB/s"
printf '%-52s %10s\n' "grey signed PUT (hash, sniff, write, fsync, rename)" "$grey_rate"
printf '%-52s %10s\n' "openssl dgst -sha256 (reference)" "$openssl_rate"
printf '%-52s %10s\n' "cp on the same disk (reference)" "$cp_rate"
printf '%-52s %10s\n' "dd conv=fsync on the same disk (durable copy)" "$dd_rate"
printf '%-52s %10s\n' "dd oflag=direct conv=fsync (durable, past the cache)" "$direct_rate"
printf '%-52s %10s\n' "ratio grey / slower of openssl and cp" "$(ratio "$grey_rate" "$slower")"
printf '%-52s %10s\n' "ratio grey / durable copy" "$(ratio "$grey_rate" "$dd_rate")"
printf '%-52s %10s\n' "ratio grey / durable copy past the cache" "$(ratio "$grey_rate" "$direct_rate")"
s3_rate=$(rate "${store_s[s3]}"); encrypted_rate=$(rate "${store_s[encrypted]}")
printf '%-52s %10s\n' "grey signed PUT to S3 (SeaweedFS on loopback)" "$s3_rate"
printf '%-52s %10s\n' "ratio grey on S3 / grey on the filesystem" "$(ratio "$s3_rate" "$grey_rate")"
printf '%-52s %10s\n' "grey signed PUT, encrypted at rest (filesystem)" "$encrypted_rate"
printf '%-52s %10s\n' "ratio grey encrypted / grey on the filesystem" "$(ratio "$encrypted_rate" "$grey_rate")"
printf '%-52s %10s\n' "grey peak resident memory (MiB)" "$((rss_kib / 1024))"
