#!/usr/bin/env bash
# Web UI page times (figures for docs/benchmarks.md). Usage: bench/ui.sh [OBJECTS] [RUNS]
#   OBJECTS  indicators stored before the pages are timed (default 1000000), loaded over TAXII by
#            the same generator as bench/taxii.sh (crates/entente/examples/taxii_load.rs)
#   RUNS     requests per page (default 100)
# A node on loopback (plain HTTP), signed in as an analyst and as an admin through the sign-in form;
# each page asked RUNS times one after another; the time is curl's time to the first byte of the
# answer (server time plus loopback), reported as median and p95 per page.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
objects=${1:-1000000}
runs=${2:-100}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

cargo build --release -q -p entente --bin entente --example taxii_load
bin="$root/target/release/entente"; load="$root/target/release/examples/taxii_load"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), commit $(git rev-parse --short HEAD)"

d="$tmp/node"
"$bin" init --dir "$d" --charter examples/sco.toml --state KZ >/dev/null
analyst=$("$bin" user add --dir "$d" analyst --role analyst)
admin=$("$bin" user add --dir "$d" admin --role admin)
token=$(sed -n 's/^token: //p' <<<"$analyst")
ENTENTE_LOG=warn "$bin" serve --dir "$d" --listen 127.0.0.1:0 --plain-http > "$tmp/serve.out" &
pid=$!
for _ in $(seq 50); do grep -q serving "$tmp/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^entente: serving //p' "$tmp/serve.out"); base=${url%taxii2/}
echo "== loading $objects objects"
"$load" --collection "${url}api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/" \
  --auth "bearer:$token" --objects "$objects" --gets 0 --pid "$pid" --label entente
# A few warnings, so the dashboard and the warnings list have threads to derive.
for i in $(seq 20); do
  curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "${base}api/v1/warnings" -d "{
    \"kind\": \"watch\", \"title\": \"Courier $i\", \"subject\": {\"names\": [\"Timur Aliyev $i\"]},
    \"legal_basis\": \"Shanghai Convention, art. 2\", \"issuing_authority\": \"NSC\", \"action_requested\": \"Report\",
    \"contact\": \"KZ liaison\", \"purpose\": \"Prevent an attack\", \"source\": \"Human source\",
    \"review_date\": \"$(date -u -d '+90 days' +%Y-%m-%dT%H:%M:%SZ)\",
    \"grading\": {\"source\": \"B\", \"information\": \"2\", \"handling\": [\"H0\"]}}"
done

# The node's cookies are __Host- cookies marked Secure, which curl does not keep for plain HTTP:
# they are read from the answers' headers and sent by hand.
cookie_of() { # HEADERS-FILE NAME
  sed -n "s/^[Ss]et-[Cc]ookie: $2=\([^;]*\).*/\1/p" "$1" | head -1
}
sign_in() { # NAME PASSWORD -> prints the session cookie
  local page csrf pre
  page=$(curl -s -D "$tmp/h1" "${base}signin")
  pre=$(cookie_of "$tmp/h1" __Host-entente-pre)
  csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -o /dev/null -D "$tmp/h2" -H "Cookie: __Host-entente-pre=$pre" --data-urlencode "csrf=$csrf" \
    --data-urlencode "name=$1" --data-urlencode "password=$2" --data-urlencode "next=/" "${base}signin"
  echo "__Host-entente=$(cookie_of "$tmp/h2" __Host-entente)"
}
analyst_cookie=$(sign_in analyst "$(sed -n 's/^password: //p' <<<"$analyst")")
admin_cookie=$(sign_in admin "$(sed -n 's/^password: //p' <<<"$admin")")

some=$(curl -s -H "Authorization: Bearer $token" -H 'Accept: application/taxii+json;version=2.1' \
  "${url}api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/objects/?match%5Btype%5D=indicator&limit=1" | grep -o '"id":"indicator--[^"]*"' | head -1 | cut -d'"' -f4 || true)
warning=$(curl -s -H "Authorization: Bearer $token" "${base}api/v1/warnings" | grep -o '"id":"x-entente-warning--[^"]*"' | head -1 | cut -d'"' -f4 || true)
[ -n "$some" ] && [ -n "$warning" ] || { echo "bench/ui.sh: found no indicator or no warning to time" >&2; exit 1; }

echo "== $runs requests per page; milliseconds to the first byte"
printf '%-44s %8s %8s %8s\n' page median p95 status
time_page() { # COOKIE PATH
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $1" "${base}$2")
  for _ in $(seq "$runs"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Cookie: $1" "${base}$2"
  done | sort -n | awk -v p="$2" -v s="$status" '{t[NR]=$1*1000} END {printf "%-44s %8.1f %8.1f %8s\n", "/" p, t[int(NR*0.5)], t[int(NR*0.95)], s}'
}
for p in "" "intel" "intel?type=indicator" "intel?marking=TLP%3ARED" "intel?since=2099-01-01" "intel/$some" \
         "intel/new" "warnings" "warnings/$warning" "warnings/new" "register" \
         "screen?name=Timur+Aliyev" "federation"; do
  time_page "$analyst_cookie" "$p"
done
for p in "audit" "admin"; do time_page "$admin_cookie" "$p"; done
grep VmHWM /proc/$pid/status | sed 's/^/server peak memory: /'
kill "$pid"; wait "$pid" 2>/dev/null || true
