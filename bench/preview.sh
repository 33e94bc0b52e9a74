#!/usr/bin/env bash
# Previews against the command-line tools that make the same picture, in the same run on
# the same files (best of RUNS; ours timed inside a worker, as the service runs it, and as
# a fresh process; the tools as fresh processes):
#   1. a 1024 px thumbnail of a 24 MP JPEG: grey-worker render thumbnail vs vipsthumbnail
#   2. a 1024 px still at 10 % of a 10 s 1080p H.264 video: grey-worker render still vs
#      ffmpeg -ss T -i F -frames:v 1 (scaled to the same 1024 px)
#   3. the first page of a dense one-page PDF at 1024 px: grey-worker render page vs
#      pdftoppm -f 1 -l 1
# then the time from the end of a PUT to `ready` over COUNT uploads each, through a
# running `grey serve` with its workers (p50, p95): the 24 MP JPEG, and the image, PDF
# and video samples.
# Usage: bench/preview.sh [runs, default 5] [count, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
count=${2:-20}
scripts/install-system-packages.sh ffmpeg libvips-tools poppler-utils python3
if [ -z "${GREY_BIN:-}" ]; then swift build -c release --product grey >/dev/null && swift build -c release --product grey-worker >/dev/null; fi
grey=${GREY_BIN:-.build/release/grey}
worker=$(dirname "$grey")/grey-worker

source bench/lib.sh

photo="$work/photo24.jpg" video="$work/video.mp4" pdf="$work/dense.pdf"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=6000x4000:rate=1 -frames:v 1 -q:v 3 "$photo"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=10 \
  -c:v libx264 -preset veryfast -g 300 -pix_fmt yuv420p "$video"
python3 bench/make-pdf.py "$pdf" 100000
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$video")
at=$(awk -v d="$duration" 'BEGIN { printf "%.3f", d / 10 }')

# best COMMAND...: the best wall time of RUNS runs, in milliseconds.
best() {
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
  done | sort -n | head -1 | awk '{ printf "%.1f", $1 / 1000 }'
}

# inside KIND INPUT OUTPUT: the best time grey-worker reports for the preview call itself,
# as a running worker makes it (its process start-up, ~0.1 s of loading 190 shared
# libraries, happens once per worker, not per file).
inside() {
  for _ in $(seq "$runs"); do "$worker" render "$@" --size 1024 | awk '{ print $(NF - 1) }'; done | sort -g | head -1
}

ours_thumb=$(inside thumbnail "$photo" "$work/ours.jpg")
cold_thumb=$(best "$worker" render thumbnail "$photo" "$work/ours.jpg" --size 1024)
ref_thumb=$(best vipsthumbnail "$photo" --size 1024 -o "$work/ref.jpg[Q=82,strip]")
ours_still=$(inside still "$video" "$work/ours-still.jpg")
cold_still=$(best "$worker" render still "$video" "$work/ours-still.jpg" --size 1024)
ref_still=$(best ffmpeg -hide_banner -loglevel error -y -ss "$at" -i "$video" -frames:v 1 -vf scale=1024:-2 "$work/ref-still.jpg")
ours_page=$(inside page "$pdf" "$work/ours-page.png")
cold_page=$(best "$worker" render page "$pdf" "$work/ours-page.png" --size 1024)
ref_page=$(best pdftoppm -f 1 -l 1 -png -scale-to-x 1024 -scale-to-y -1 "$pdf" "$work/ref-page")

start_grey "$grey" 18095
# ready NAME FILE TYPE: "NAME p50 p95" (ms) over COUNT uploads of FILE.
ready() {
  python3 bench/preview-ready.py http://127.0.0.1:18095 "$key" "$2" "$3" "$count" | sort -g |
    awk -v n="$count" -v name="$1" '{ t[NR] = $1 * 1000 } END { printf "%s %.0f %.0f\n", name, t[int((n + 1) * 0.5)], t[int(n * 0.95 + 0.999)] }'
}
readiness=$(
  ready "24 MP JPEG (6000x4000)" "$photo" image/jpeg
  ready "samples/photo.jpg" samples/photo.jpg image/jpeg
  ready "samples/document.pdf" samples/document.pdf application/pdf
  ready "samples/clip.mp4" samples/clip.mp4 video/mp4
)

printf '\n%-56s %9s %9s %9s %6s\n' "run (best of $runs)" "worker ms" "process" "tool ms" "ratio"
printf '%-56s %9s %9s %9s %6s\n' "1024 px thumbnail of a 6000x4000 JPEG (vipsthumbnail)" "$ours_thumb" "$cold_thumb" "$ref_thumb" "$(ratio "$ours_thumb" "$ref_thumb")"
printf '%-56s %9s %9s %9s %6s\n' "1024 px still at ${at} s of 1080p H.264 (ffmpeg -ss)" "$ours_still" "$cold_still" "$ref_still" "$(ratio "$ours_still" "$ref_still")"
printf '%-56s %9s %9s %9s %6s\n' "1024 px first page of a 100,000-shape PDF (pdftoppm)" "$ours_page" "$cold_page" "$ref_page" "$(ratio "$ours_page" "$ref_page")"
echo "worker ms: the preview call in a running worker; process: a fresh grey-worker process;"
echo "tool ms: a fresh process of the tool (its start-up included); ratio: worker / tool."
printf '\n%-56s %9s %9s\n' "end of PUT to ready, $count uploads each" "p50 ms" "p95 ms"
echo "$readiness" | while read -r line; do
  name=${line% * *}; figures=${line##"$name" }
  printf '%-56s %9s %9s\n' "$name" ${figures}
done
