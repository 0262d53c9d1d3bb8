#!/usr/bin/env bash
# TAXII benchmarks (figures for docs/benchmarks.md). Usage: bench/taxii.sh [LARGE] [COMPARE]
#                                                  or: bench/taxii.sh stores [SIZE...]
#                                                  or: bench/taxii.sh visibility [N]
#   LARGE   objects for the scale run against Entente (default 1000000)
#   COMPARE objects for the same workload against Entente and medallion (memory backend), in the
#           same run, reported as a ratio (default 20000)
#   RELATIONSHIPS=1 makes every other object of the Entente runs a relationship (the cost of the
#           index of references); NODE_BIN runs another build of the node (a before/after)
# `stores` runs the same workload on the node's two stores at each SIZE (default 100000 1000000):
#   SQLite, PostgreSQL with one `entente serve`, and PostgreSQL with two processes of one node
#   (every request to the next process in turn: posts, pages, GETs), on a private PostgreSQL
#   cluster (scripts/pg-cluster: default settings, fsync on) started for the run.
# `visibility` stores N TLP:AMBER indicators (default 100000) and then 10 TLP:GREEN ones on a KZ
#   node, on each store, and times the first page an observer state's node (MN) reads: it may see
#   the 10 alone, so a store that reads and drops what the reader may not see reads N rows.
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

if [ "$large" = visibility ]; then
  n=${2:-100000}
  pg_url=$(scripts/pg-cluster start "$tmp/pg"); trap 'kill $(jobs -p) 2>/dev/null || true; scripts/pg-cluster stop "$tmp/pg" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  echo "== machine: $(nproc) cores; $n TLP:AMBER objects, then 10 TLP:GREEN; the first page (limit 100) an observer's node reads"
  for store in sqlite postgres; do
    d="$tmp/vis-$store"; args=()
    if [ "$store" = postgres ]; then psql "$pg_url" -q -c "CREATE DATABASE vis"; args=(--store-url "${pg_url%/*}/vis"); fi
    "$bin" init --dir "$d" --charter examples/sco.toml --state KZ "${args[@]}" >/dev/null
    token=$("$bin" user add --dir "$d" bench --role analyst | sed -n 's/^token: //p')
    peer=$("$bin" peer add --dir "$d" --state MN | sed -n 's/^token: //p')
    ENTENTE_LOG=warn "$bin" serve --dir "$d" --listen 127.0.0.1:0 --plain-http > "$tmp/serve-vis.out" &
    pid=$!
    for _ in $(seq 100); do grep -q serving "$tmp/serve-vis.out" && break; sleep 0.1; done
    col="$(sed -n 's/^entente: serving //p' "$tmp/serve-vis.out")api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/"
    "$load" --collection "$col" --auth "bearer:$token" --objects "$n" --gets 1 --marking amber >/dev/null 2>&1
    "$load" --collection "$col" --auth "bearer:$token" --objects 10 --gets 1 --marking green >/dev/null 2>&1
    for i in 1 2 3 4 5; do
      curl -s -o "$tmp/page.json" -w "$store: the observer's first page in %{time_total} s" \
        -H "Authorization: Bearer $peer" -H "Accept: application/taxii+json;version=2.1" "${col}objects/?limit=100"
      echo " ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("objects", [])))' "$tmp/page.json") objects)"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  exit 0
fi

if [ "$large" = stores ]; then
  shift; if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(100000 1000000); fi
  pg_url=$(scripts/pg-cluster start "$tmp/pg"); trap 'kill $(jobs -p) 2>/dev/null || true; scripts/pg-cluster stop "$tmp/pg" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  db=0
  store_run() { # N STORE PROCS
    local d="$tmp/node-$2-$3-$1" args=()
    if [ "$2" = postgres ]; then
      db=$((db + 1)); psql "$pg_url" -q -c "CREATE DATABASE bench_$db"
      args=(--store-url "${pg_url%/*}/bench_$db")
    fi
    "$bin" init --dir "$d" --charter examples/sco.toml --state KZ "${args[@]}" >/dev/null
    local token; token=$("$bin" user add --dir "$d" bench --role analyst | sed -n 's/^token: //p')
    local cols=() pids=()
    for p in $(seq "$3"); do
      ENTENTE_LOG=warn "$bin" serve --dir "$d" --listen 127.0.0.1:0 --plain-http > "$tmp/serve-$p.out" &
      pids+=($!)
      for _ in $(seq 100); do grep -q serving "$tmp/serve-$p.out" && break; sleep 0.1; done
      cols+=(--collection "$(sed -n 's/^entente: serving //p' "$tmp/serve-$p.out")api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/")
    done
    "$load" "${cols[@]}" --auth "bearer:$token" --objects "$1" --gets 2000 --pid "${pids[0]}" \
      --label "entente-$2-$3" | tee "$out/stores-$2-$3-$1.json"
    kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    if [ "$2" = sqlite ]; then du -sh "$d/node.db" | sed 's/^/database size: /'
    else psql "$pg_url" -At -c "SELECT 'database size: ' || pg_size_pretty(pg_database_size('bench_$db'))"; fi
  }
  echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  for n in "${sizes[@]}"; do
    echo "== $n objects: SQLite"; store_run "$n" sqlite 1
    echo "== $n objects: PostgreSQL, one process"; store_run "$n" postgres 1
    echo "== $n objects: PostgreSQL, two processes"; store_run "$n" postgres 2
  done
  exit 0
fi

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
