#!/usr/bin/env bash
# Regenerates every upload-test sample in samples/ and samples/bad/, then samples/manifest.tsv.
# Runs from any directory. Outputs are the same byte for byte on every run with the same
# Debian tool versions (fixed sources, bit-exact ffmpeg, no metadata, fixed zip dates),
# except bad/encrypted.pdf: AES-256 PDF encryption draws a random file key every time.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/samples
bad=$out/bad

# ffmpeg/ffprobe, vips/vipsheader, heif-enc, exiftool, pdfinfo, qpdf, file (libmagic).
scripts/install-system-packages.sh \
  ffmpeg libvips-tools libheif-examples libimage-exiftool-perl poppler-utils qpdf file python3

mkdir -p "$bad"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Bit-exact ffmpeg output: no encoder version strings, no creation times, no copied metadata.
exact=(-hide_banner -loglevel error -y -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
nometa=(-map_metadata -1)
video=(-f lavfi -i testsrc2=size=320x240:rate=25:duration=2)
tone=(-f lavfi -i sine=frequency=440:sample_rate=44100:duration=2)
h264_aac=(-c:v libx264 -preset medium -crf 28 -pix_fmt yuv420p -threads 1 -c:a aac -b:a 64k -ac 1)

# ---- good samples: one per supported type; each should upload and validate ----

# photo.png: the 640x480 source picture (ffmpeg's testsrc2 test card, first frame).
ffmpeg "${exact[@]}" -f lavfi -i testsrc2=size=640x480:rate=1 -frames:v 1 "${nometa[@]}" \
  "$out/photo.png"

# photo.jpg: the same picture as a JPEG carrying EXIF Orientation 6 (stored 640x480, shown
# rotated 90 degrees clockwise as 480x640): tests that previews honour the orientation.
vips copy "$out/photo.png" "$work/photo.jpg[Q=85,strip]"
exiftool -q -overwrite_original -n -Orientation=6 "$work/photo.jpg"
mv "$work/photo.jpg" "$out/photo.jpg"

# photo.heic: HEIC (HEVC still image), as phones upload.
heif-enc -q 50 -o "$out/photo.heic" "$out/photo.png" >/dev/null

# photo.webp: lossy WebP.
vips copy "$out/photo.png" "$out/photo.webp[Q=75,strip]"

# animation.gif: 160x120, 5 frames at 5 fps, looping: a multi-frame image.
ffmpeg "${exact[@]}" -f lavfi \
  -i "testsrc2=size=160x120:rate=5:duration=1,split[a][b];[a]palettegen=max_colors=64[p];[b][p]paletteuse=dither=none" \
  -loop 0 "${nometa[@]}" "$out/animation.gif"

# clip.mp4: 2 s, 320x240 H.264 test card with a 440 Hz AAC tone (moov atom at the end,
# as ffmpeg writes it by default: bad/truncated.mp4 then has no moov at all).
ffmpeg "${exact[@]}" "${video[@]}" "${tone[@]}" "${h264_aac[@]}" "${nometa[@]}" \
  -f mp4 "$out/clip.mp4"

# clip.mov: the same 2 s clip in a QuickTime container.
ffmpeg "${exact[@]}" "${video[@]}" "${tone[@]}" "${h264_aac[@]}" "${nometa[@]}" \
  -f mov "$out/clip.mov"

# tone.mp3: 2 s, 440 Hz, mono, 44.1 kHz MP3, no ID3 tag.
ffmpeg "${exact[@]}" "${tone[@]}" -c:a libmp3lame -b:a 64k -ac 1 -write_id3v1 0 -id3v2_version 0 \
  "${nometa[@]}" "$out/tone.mp3"

# tone.wav: 1 s, 440 Hz, mono, 22.05 kHz, 16-bit PCM.
ffmpeg "${exact[@]}" -f lavfi -i sine=frequency=440:sample_rate=22050:duration=1 \
  -c:a pcm_s16le -ac 1 "${nometa[@]}" "$out/tone.wav"

# document.pdf: three pages of text, written by hand (no dates, fixed /ID).
python3 "$out/generate_pdf.py" "$out/document.pdf"

# document.docx, sheet.xlsx: minimal Office Open XML packages (stdlib zipfile).
python3 "$out/generate_office.py" docx "$out/document.docx"
python3 "$out/generate_office.py" xlsx "$out/sheet.xlsx"

# ---- bad samples: each should be refused, at upload or at validation ----

half() { # half SOURCE DEST PERCENT: the first PERCENT % of SOURCE's bytes
  head -c $(( $(stat -c %s "$1") * $3 / 100 )) "$1" >"$2"
}

# truncated.jpg, truncated.mp4: pass the upload sniff (the headers are whole), fail deep
# validation (corrupt): the JPEG ends mid-scan, the MP4 loses its moov atom.
half "$out/photo.jpg" "$bad/truncated.jpg" 50
half "$out/clip.mp4" "$bad/truncated.mp4" 30

# html-named.jpg: an HTML page declared as a JPEG (type_mismatch at upload).
cat >"$bad/html-named.jpg" <<'EOF'
<!DOCTYPE html>
<html>
<head><title>Not a picture</title></head>
<body><p>This HTML page is named like a JPEG; the upload sniff must refuse it.</p></body>
</html>
EOF

# script-named.pdf: a shell script declared as a PDF (type_mismatch at upload).
cat >"$bad/script-named.pdf" <<'EOF'
#!/bin/sh
# A shell script named like a PDF; the upload sniff must refuse it.
echo "this is not a PDF"
exit 0
EOF

# elf-named.png: a complete 129-byte x86-64 ELF executable declared as a PNG (type_mismatch).
python3 "$out/generate_elf.py" "$bad/elf-named.png"

# empty.jpg: zero bytes (empty).
: >"$bad/empty.jpg"

# png-named.jpg: a real 160x120 PNG declared as a JPEG (type_mismatch: a valid image, but
# not of the declared type).
ffmpeg "${exact[@]}" -f lavfi -i testsrc2=size=160x120:rate=1 -frames:v 1 "${nometa[@]}" \
  -f image2 -c:v png "$bad/png-named.jpg"

# encrypted.pdf: document.pdf with AES-256 encryption, user password "secret" (encrypted).
qpdf --encrypt secret owner 256 -- "$out/document.pdf" "$bad/encrypted.pdf"

# zipbomb.docx: sniffs as a .docx, but word/document.xml inflates to 200 MiB (zip_bomb).
python3 "$out/generate_office.py" zipbomb "$bad/zipbomb.docx"

# truncated.png: the first half of photo.png (corrupt: its image data ends early).
half "$out/photo.png" "$bad/truncated.png" 50
# huge-header.png: a 128-byte PNG whose header claims 50000x50000 pixels (too_many_pixels,
# refused from the header before any decode).
python3 "$out/generate_bad.py" huge-png "$bad/huge-header.png"
# broken-xref.pdf: document.pdf with startxref pointing into a page (corrupt; viewers
# would rebuild the table, Grey refuses a PDF whose cross-reference table is not there).
python3 "$out/generate_bad.py" broken-xref "$out/document.pdf" "$bad/broken-xref.pdf"
# random-named.mp3: 4 KiB of pseudo-random bytes declared as MP3 (type_mismatch).
python3 "$out/generate_bad.py" random "$bad/random-named.mp3"
# html-named.pdf: an HTML page declared as a PDF (type_mismatch at upload).
printf '<!DOCTYPE html>\n<html><head><title>Invoice</title></head>\n<body><p>An HTML page named like a PDF; the upload sniff must refuse it.</p></body></html>\n' \
  >"$bad/html-named.pdf"

# ---- manifest.tsv: declared type, size, checksum, expected outcome, measured facts ----

declared() { # the MIME type the extension implies (as Debian's /etc/mime.types maps it)
  case "${1##*.}" in
    jpg) echo image/jpeg ;;
    png) echo image/png ;;
    heic) echo image/heic ;;
    webp) echo image/webp ;;
    gif) echo image/gif ;;
    mp4) echo video/mp4 ;;
    mov) echo video/quicktime ;;
    mp3) echo audio/mpeg ;;
    wav) echo audio/x-wav ;;
    pdf) echo application/pdf ;;
    docx) echo application/vnd.openxmlformats-officedocument.wordprocessingml.document ;;
    xlsx) echo application/vnd.openxmlformats-officedocument.spreadsheetml.sheet ;;
    *) echo "no declared type for $1" >&2; return 1 ;;
  esac
}

ms() { awk '{ printf "%d\n", $1 * 1000 + 0.5 }'; }
probe() { ffprobe -v error -of default=noprint_wrappers=1:nokey=1 "$@"; }

facts() { # facts FILE: width, height, duration in ms, pages (- where not applicable)
  local file=$1 w=- h=- d=- p=-
  case "${file##*.}" in
    jpg|png|heic|webp)
      w=$(vipsheader -f width "$file"); h=$(vipsheader -f height "$file") ;;
    gif)
      w=$(vipsheader -f width "$file"); h=$(vipsheader -f height "$file")
      d=$(probe -show_entries format=duration "$file" | ms) ;;
    mp4|mov)
      w=$(probe -select_streams v:0 -show_entries stream=width "$file")
      h=$(probe -select_streams v:0 -show_entries stream=height "$file")
      d=$(probe -show_entries format=duration "$file" | ms) ;;
    mp3|wav)
      d=$(probe -show_entries format=duration "$file" | ms) ;;
    pdf)
      p=$(pdfinfo "$file" | awk '/^Pages:/ { print $2 }') ;;
  esac
  printf '%s\t%s\t%s\t%s' "$w" "$h" "$d" "$p"
}

row() { # row PATH EXPECTED (PATH relative to samples/)
  local file=$out/$1 measured=$'-\t-\t-\t-'
  [ "$2" = ok ] && measured=$(facts "$file")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(declared "$1")" "$(stat -c %s "$file")" \
    "$(sha256sum "$file" | cut -d' ' -f1)" "$2" "$measured"
}

{
  printf 'path\tdeclared_mime\tbytes\tsha256\texpected\twidth\theight\tduration_ms\tpages\n'
  for f in photo.jpg photo.png photo.heic photo.webp animation.gif clip.mp4 clip.mov \
           document.pdf document.docx sheet.xlsx tone.mp3 tone.wav; do
    row "$f" ok
  done
  row bad/truncated.jpg corrupt
  row bad/truncated.mp4 corrupt
  row bad/html-named.jpg type_mismatch
  row bad/script-named.pdf type_mismatch
  row bad/elf-named.png type_mismatch
  row bad/empty.jpg empty
  row bad/png-named.jpg type_mismatch
  row bad/encrypted.pdf encrypted
  row bad/zipbomb.docx zip_bomb
  row bad/truncated.png corrupt
  row bad/huge-header.png too_many_pixels
  row bad/broken-xref.pdf corrupt
  row bad/random-named.mp3 type_mismatch
  row bad/html-named.pdf type_mismatch
} >"$out/manifest.tsv"

# The whole folder must stay under 5 MiB.
total=$(du -sb "$out" | cut -f1)
if [ "$total" -ge $((5 * 1024 * 1024)) ]; then
  echo "samples/ is $total bytes, over the 5 MiB limit" >&2
  exit 1
fi
echo "samples: $(($(wc -l <"$out/manifest.tsv") - 1)) files and manifest.tsv written ($total bytes in samples/)"
