#!/usr/bin/env bash
# TAXII benchmarks (figures for docs/benchmarks.md). Usage: bench/taxii.sh [LARGE] [COMPARE]
#   LARGE   objects for the scale run against Entente (default 1000000)
#   COMPARE objects for the same workload against Entente and medallion (memory backend), in the
#           same run, reported as a ratio (default 20000)
#   RELATIONSHIPS=1 makes every other object of the Entente runs a relationship (the cost of the
#           index of references); NODE_BIN runs another build of the node (a before/after)
# Both servers serve plain HTTP on loopback; the same load generator (crates/entente/examples/
# taxii_load.rs) drives both: ingest in envelopes of 1,000, paging by 1,000, GET by id.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
large=${1:-1000000}
compare=${2:-20000}
out="$root/bench/out"; mkdir -p "$out"
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

cargo build --release -q -p entente --bin entente --example taxii_load
bin="${NODE_BIN:-$root/target/release/entente}"; load="$root/target/release/examples/taxii_load"

venv="$root/bench/.venv"
if [ ! -x "$venv/bin/medallion" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$root/bench/requirements.txt"
fi

entente_run() { # N LABEL GETS
  local d="$tmp/node-$2"
  "$bin" init --dir "$d" --charter examples/sco.toml --state KZ >/dev/null
  local token; token=$("$bin" user add --dir "$d" bench --role analyst | sed -n 's/^token: //p')
  ENTENTE_LOG=warn "$bin" serve --dir "$d" --listen 127.0.0.1:0 --plain-http > "$tmp/serve-$2.out" &
  local pid=$!
  for _ in $(seq 50); do grep -q serving "$tmp/serve-$2.out" && break; sleep 0.1; done
  local url; url=$(sed -n 's/^entente: serving //p' "$tmp/serve-$2.out")
  "$load" --collection "${url}api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/" \
    --auth "bearer:$token" --objects "$1" --gets "$3" --pid "$pid" --label "entente" \
    --relationships "${RELATIONSHIPS:-0}" | tee "$out/entente-$2.json"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  du -sh "$d/node.db" | sed 's/^/database size: /'
}

medallion_run() { # N GETS
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local col=365fed99-08fa-4dcd-a1b3-fb247eb41d01
  cat > "$tmp/medallion-data.json" <<JSON
{"/discovery": {"title": "bench", "default": "http://127.0.0.1:$port/api1/", "api_roots": ["http://127.0.0.1:$port/api1/"]},
 "api1": {"information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 100000000},
          "status": [],
          "collections": [{"id": "$col", "title": "bench", "can_read": true, "can_write": true,
                           "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
JSON
  cat > "$tmp/medallion.json" <<JSON
{"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": "$tmp/medallion-data.json"},
 "users": {"bench": "bench"}, "taxii": {"max_page_size": 1000}}
JSON
  "$venv/bin/medallion" --host 127.0.0.1 --port "$port" --log-level ERROR "$tmp/medallion.json" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/taxii2/" && break; sleep 0.1; done
  "$load" --collection "http://127.0.0.1:$port/api1/collections/$col/" --auth "basic:bench:bench" \
    --objects "$1" --gets "$2" --pid "$pid" --label "medallion" | tee "$out/medallion.json"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== scale: $large objects into Entente"
entente_run "$large" large 2000
[ "$compare" -gt 0 ] || exit 0
echo "== comparison at $compare objects: Entente and medallion, same workload"
# medallion answers a GET by id in ~0.1 s and more as it grows: 200 of them each, for both.
entente_run "$compare" compare 200
medallion_run "$compare" 200
python3 - "$out/entente-compare.json" "$out/medallion.json" <<'PY'
import json, sys
e, m = (json.load(open(p)) for p in sys.argv[1:3])
print("== ratios (Entente / medallion; for latency, medallion / Entente)")
for k in ("ingest_objects_per_s", "paging_objects_per_s"):
    print(f"{k}: {e[k] / m[k]:.1f}x")
for k in ("get_by_id_median_ms", "get_by_id_p99_ms"):
    print(f"{k}: {m[k] / e[k]:.1f}x faster")
PY
