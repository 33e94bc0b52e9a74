#!/usr/bin/env bash
# Starts nginx as Grey's edge cache in the foreground.
# Usage: nginx/run-edge.sh LISTEN ORIGIN DIR   e.g. 127.0.0.1:8081 127.0.0.1:8080 .grey/edge
# GREY_SIGNING_KEYS must hold the origin's signing keys (`make edge` reads them from the
# data directory). The cache, logs and rendered configuration live under DIR.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 LISTEN ORIGIN DIR" >&2; exit 2; }
listen=$1 origin=$2
[ -n "${GREY_SIGNING_KEYS:-}" ] || { echo "GREY_SIGNING_KEYS is not set" >&2; exit 2; }
[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || { echo "install libnginx-mod-http-js (make setup)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$3"
dir=$(cd "$3" && pwd)
mkdir -p "$dir/cache" "$dir/tmp"
chmod 755 "$dir"
user=""
if [ "$(id -u)" -eq 0 ]; then
  # As root, nginx's workers run as nobody: they must own what they write.
  user="user nobody nogroup;"
  chown -R nobody:nogroup "$dir/cache" "$dir/tmp"
fi
sed -e "s|@DIR@|$dir|g" -e "s|@LISTEN@|$listen|g" -e "s|@ORIGIN@|$origin|g" -e "s|@NGINX@|$here|g" -e "s|@USER@|$user|g" \
  "$here/edge.conf.template" >"$dir/nginx.conf"
exec /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
