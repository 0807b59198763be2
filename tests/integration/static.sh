#!/usr/bin/env bash
# abrid's static files without node or a browser (so that this also runs
# in the sanitizer stage): a hand-made web_root with a precompressed copy,
# a dotfile and symlinks, fetched with curl --path-as-is. The web app
# itself is tested in Chromium by web.sh.
export ABRI_TEST_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral ports (32768-)
source "$(dirname "$0")/../harness/env.sh"
URL=http://127.0.0.1:$ABRI_TEST_PORT
CSP="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; media-src blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

get() { # get PATH [curl args]: status in $status, headers in $T/h, body in $T/resp
  local p=$1; shift
  status=$(curl -sS --path-as-is -D "$T/h" -o "$T/resp" -w '%{http_code}' "$@" "$URL$p")
}
header() { grep -i "^$1:" "$T/h" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }
common_headers() {
  [ "$(header Content-Security-Policy)" = "$CSP" ] || fail "$1: CSP is '$(header Content-Security-Policy)'"
  [ "$(header Cache-Control)" = no-store ] || fail "$1: Cache-Control"
  [ "$(header Referrer-Policy)" = no-referrer ] || fail "$1: Referrer-Policy"
  [ "$(header X-Content-Type-Options)" = nosniff ] || fail "$1: X-Content-Type-Options"
  [ "$(header Cross-Origin-Opener-Policy)" = same-origin ] || fail "$1: COOP"
  [ "$(header Cross-Origin-Resource-Policy)" = same-origin ] || fail "$1: CORP"
  [ -n "$(header Permissions-Policy)" ] || fail "$1: Permissions-Policy"
  ! grep -qi '^Set-Cookie:' "$T/h" || fail "$1: Set-Cookie"
}

abri_pg_up
abri_keys_up
abri_conf_up
W=$T/www
mkdir -p "$W/js" "$W/.git"
printf '<!doctype html><title>Information</title>\n' >"$W/index.html"
printf 'console.log("plain");\n' >"$W/js/main.js"
printf 'console.log("from gzip");\n' | gzip -9n >"$W/js/main.js.gz"
printf 'secret\n' >"$W/.git/config.txt"
printf 'outside\n' >"$T/outside.txt"
ln -s ../outside.txt "$W/escape.txt"
ln -s index.html "$W/alias.html"
sed -i "s|^web_root = .*|web_root = $W|" "$T/abrid.conf"
"$ABRI" admin migrate --dsn "$DSN" >/dev/null
abrid_start

get /
[ "$status" = 200 ] && cmp -s "$T/resp" "$W/index.html" || fail "/ is not index.html: $status"
[ "$(header Content-Type)" = "text/html; charset=utf-8" ] || fail "index.html Content-Type"
common_headers /
get /js/main.js
[ "$status" = 200 ] && cmp -s "$T/resp" "$W/js/main.js" || fail "main.js: $status"
[ "$(header Content-Type)" = "text/javascript; charset=utf-8" ] || fail "main.js Content-Type"
[ -z "$(header Content-Encoding)" ] || fail "encoded without Accept-Encoding"
ok "/ and /js/main.js with their types and the security headers"

get /js/main.js -H 'Accept-Encoding: br, gzip'
[ "$status" = 200 ] && [ "$(header Content-Encoding)" = gzip ] || fail "no gzip copy: $status"
[ "$(header Vary)" = Accept-Encoding ] || fail "Vary"
[ "$(gzip -dc <"$T/resp")" = 'console.log("from gzip");' ] || fail "gzip body"
get /js/main.js -H 'Accept-Encoding: gzip;q=0'
[ -z "$(header Content-Encoding)" ] || fail "gzip;q=0 still got gzip"
ok "the precompressed copy is sent when accepted (and not when refused)"

for p in /../outside.txt /js/../../outside.txt /%2e%2e/outside.txt /js/%2E%2E/index.html \
         /%2e%2e%2foutside.txt '/index.html%00.js' '/js%5cmain.js' /.git/config.txt \
         /escape.txt /alias.html /js/main.js.gz /js/ /js //index.html /missing.js /x.php; do
  get "$p"
  [ "$status" = 404 ] || fail "$p: expected 404, got $status"
  ! grep -q -e outside -e secret "$T/resp" || fail "$p leaked a file"
  common_headers "$p"
done
ok "traversal, encoded dots, NUL, backslash, dotfiles, symlinks, variants by name: 404"

get /index.html -X POST
[ "$status" = 405 ] || fail "POST on a static file: $status"
get /v1/nothing-here
[ "$status" = 404 ] && grep -q '"not_found"' "$T/resp" || fail "API 404 is not JSON"
common_headers /v1/nothing-here
get /v1/exit -X POST
[ "$status" = 204 ] || fail "/v1/exit: $status"
[ "$(header Clear-Site-Data)" = '"cache", "cookies", "storage"' ] || fail "Clear-Site-Data"
common_headers /v1/exit
get /v1/config
jq -e '.quick_exit_url == "https://www.wikipedia.org/"' "$T/resp" >/dev/null || fail "quick_exit_url"
ok "POST elsewhere 405, API paths keep JSON errors, /v1/exit clears site data, quick_exit_url"

abrid_stop
sed -i "s|^web_root = .*|web_root =|" "$T/abrid.conf"
abrid_start
get /
[ "$status" = 404 ] || fail "empty web_root still serves: $status"
ok "empty web_root: static paths 404"
echo "static: all checks passed"
