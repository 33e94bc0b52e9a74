# Shared by the bench scripts (sourced, not run): a scratch directory removed on exit,
# Grey started on it, and the figures' arithmetic.

work=$(mktemp -d /tmp/grey-bench-XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -n "${grey_pid:-}" ] && kill -TERM "$grey_pid" 2>/dev/null && wait "$grey_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_grey BINARY PORT [SERVE OPTIONS...]: Grey on an embedded database under $work;
# sets grey_pid and key.
start_grey() {
  local binary=$1 port=$2
  shift 2
  GREY_LOG_LEVEL=warning "$binary" serve --data-dir "$work/data" --port "$port" "$@" >"$work/grey.log" 2>"$work/grey.err" &
  grey_pid=$!
  for _ in $(seq 1 300); do grep -q "Grey is ready" "$work/grey.err" 2>/dev/null && break; sleep 0.2; done
  key=$(sed -n 's/.*development API key: \(grey_[^)]*\)).*/\1/p' "$work/grey.err")
  [ -n "$key" ] || { echo "grey did not start:" >&2; cat "$work/grey.err" >&2; exit 1; }
}

# postgres_bin: the newest PostgreSQL binary directory of the system.
postgres_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
