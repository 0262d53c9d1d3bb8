#!/usr/bin/env bash
# The trust review's attacks, measured (figures for docs/benchmarks.md, "Bounded work"): a release
# node with a register of 2,000 entries, and `crates/entente/examples/attack_load.rs` running each
# attack while a probe posts one object every 100 ms. Usage: bench/attacks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
cargo build --release -q -p entente --bin entente --example attack_load
bin="$root/target/release/entente"; load="$root/target/release/examples/attack_load"
d="$tmp/node"
"$bin" init --dir "$d" --charter examples/sco.toml --state KZ >/dev/null
analyst=$("$bin" user add --dir "$d" analyst --role analyst | sed -n 's/^token: //p')
supervisor=$("$bin" user add --dir "$d" boss --role supervisor | sed -n 's/^token: //p')
bob=$("$bin" user add --dir "$d" bob --role analyst | sed -n 's/^password: //p')
# The streams attack opens 1,000 streams of one analyst; the limiter of failed sign-ins per
# source is its test's (crates/entente/tests/it/guards.rs), not this run's: raised here.
export ENTENTE_LIMITS__MAX_STREAMS=1100 ENTENTE_LIMITS__MAX_STREAMS_PER_PRINCIPAL=1000
export ENTENTE_LIMITS__AUTH_FAILURES_PER_SOURCE=100000 ENTENTE_LOG=warn
"$bin" serve --dir "$d" --listen 127.0.0.1:0 --plain-http > "$tmp/serve.out" &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/serve.out" && break; sleep 0.1; done
base=$(sed -n 's/^entente: serving //p' "$tmp/serve.out" | sed 's#taxii2/$##')
# 2,000 designated entries, sharing their parts, so that screening has candidates.
python3 - "$tmp/entries.json" <<'PY'
import json, sys
objs = [{"type": "x-entente-register-entry", "spec_version": "2.1",
         "id": "x-entente-register-entry--00000000-0000-4000-8000-%012d" % i,
         "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
         "kind": "person", "status": "designated",
         "names": ["Igor Sergei Morgulov%d Petrov%d" % (i % 50, i % 7), ["张伟", "王芳", "李娜", "陈国平"][i % 4]],
         "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
         "extensions": {"extension-definition--2fe2ba3d-e9f3-5da0-9d56-f64569f208bc": {"extension_type": "new-sdo"}}}
        for i in range(2000)]
json.dump({"objects": objs}, open(sys.argv[1], "w"))
PY
curl -s -o /dev/null -w 'register: %{http_code}\n' -H "Authorization: Bearer $supervisor" \
  -H 'Accept: application/taxii+json;version=2.1' -H 'Content-Type: application/taxii+json;version=2.1' \
  --data-binary @"$tmp/entries.json" "${base}taxii2/api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/objects/"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); commit $(git rev-parse --short HEAD)"
ATTACK_ENTENTE_BIN="$bin" "$load" --base "$base" --analyst "$analyst" --supervisor "$supervisor" \
  --user "bob:$bob" --pid "$pid" --dir "$d"
