#!/usr/bin/env bash
# Production start-up check: start `beacon serve --workers 1` with BEACON_ENV=production against
# a fresh SQLite database (migrated, reference data seeded), as a TLS-terminating proxy would
# reach it (X-Forwarded-Proto: https, the public Host), and require 200 from the public pages and
# a static file served gzip-compressed with a far-future Cache-Control.  Exit 0 only when all pass.
# Usage: scripts/prod_check.sh          (uses .venv; `make install` first)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=beacon.example.org
work=$(mktemp -d /tmp/beacon-prod-check.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export BEACON_ENV=production
export SECRET_KEY; SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export BEACON_FIELD_KEY; BEACON_FIELD_KEY=$("$BIN/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export BEACON_INDEX_KEY; BEACON_INDEX_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')
export ALLOWED_HOSTS=$HOST
export DATABASE_URL="sqlite:///$work/beacon.sqlite3"
export BEACON_VAR_DIR="$work/var" BEACON_STATIC_ROOT="$work/static" BEACON_MEDIA_ROOT="$work/media"
unset DEBUG

echo "prod check: migrating and seeding a fresh database in $work"
"$BIN/beacon" migrate --no-input >/dev/null
"$BIN/beacon" createcachetable >/dev/null
"$BIN/beacon" seed --no-demo >/dev/null

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid "$BIN/beacon" serve --workers 1 --threads 2 --port "$port" >"$work/serve.log" 2>&1 &
server=$!

fetch() {  # fetch PATH [curl args...]: prints the status code, headers go to $work/headers
  local path=$1; shift
  curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -H "Host: $HOST" -H "X-Forwarded-Proto: https" "$@" \
    "http://127.0.0.1:$port$path" || echo 000
}

for _ in $(seq 1 300); do
  [ "$(fetch /healthz)" = 200 ] && break
  if ! kill -0 "$server" 2>/dev/null; then echo "prod check FAILED: beacon serve exited"; cat "$work/serve.log"; exit 1; fi
  sleep 0.3
done

failed=0
for path in / /report/ /es/report/ /accounts/login/; do
  code=$(fetch "$path")
  if [ "$code" = 200 ] && grep -qi "^content-security-policy: default-src 'self'" "$work/headers"; then
    echo "ok   $path 200"
  else
    echo "FAIL $path $code"; failed=1
  fi
done

fetch / >/dev/null
css=$(grep -o '/static/vendor/uswds/css/uswds\.min\.[0-9a-f]\{12\}\.css' "$work/body" | head -1 || true)
if [ -z "$css" ]; then
  echo "FAIL / names no hashed stylesheet"; failed=1
else
  code=$(fetch "$css" -H "Accept-Encoding: gzip")
  if [ "$code" = 200 ] && grep -qi '^content-encoding: gzip' "$work/headers" &&
     grep -qiE '^cache-control: .*max-age=([0-9]{9,}).*immutable' "$work/headers"; then
    echo "ok   $css gzip, $(grep -i '^cache-control' "$work/headers" | tr -d '\r')"
  else
    echo "FAIL $css $code"; cat "$work/headers"; failed=1
  fi
fi

if [ $failed -ne 0 ]; then echo "prod check FAILED; server log:"; cat "$work/serve.log"; exit 1; fi
echo "prod check passed"
