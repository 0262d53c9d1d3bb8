#!/bin/bash
# How long listing warnings takes on a node that also holds many other objects (figures in
# docs/benchmarks.md). Builds nothing: give a release binary (default target/release/entente).
# Usage: bench/warnings-list.sh [BIN] — a node with 50,000 notes and 1 warning; times GET /api/v1/warnings.
set -euo pipefail
BIN=$(realpath "${1:-$(dirname "$0")/../target/release/entente}")
cd "$(dirname "$0")/.."
D=$(mktemp -d)/n
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN init --dir $D --charter examples/sco.toml --state KZ >/dev/null
T=$($BIN user add --dir $D a --role supervisor | sed -n 's/^token: //p')
ENTENTE_LOG=error $BIN serve --dir $D --listen 127.0.0.1:$PORT --plain-http > /dev/null 2>&1 &
PID=$!; sleep 4
python3 - "$T" "$PORT" <<'PY'
import json, sys, uuid, urllib.request, time
T, PORT = sys.argv[1], sys.argv[2]
H = {"Authorization": f"Bearer {T}", "Content-Type": "application/taxii+json;version=2.1", "Accept": "application/taxii+json;version=2.1"}
u = f"http://127.0.0.1:{PORT}/taxii2/api/collections/365fed99-08fa-4dcd-a1b3-fb247eb41d01/objects/"
for b in range(50):
    objs = [{"type": "note", "spec_version": "2.1", "id": f"note--{uuid.uuid4()}", "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
             "content": f"Field report {b}-{i}: movement seen near the border post.", "object_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
             "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]} for i in range(1000)]
    urllib.request.urlopen(urllib.request.Request(u, data=json.dumps({"objects": objs}).encode(), headers=H)).read()
w = {"kind": "threat", "title": "t", "subject": {"category": "event", "description": "d"}, "legal_basis": "l", "issuing_authority": "i",
     "action_requested": "a", "contact": "c", "purpose": "p", "source": "s", "review_date": "2027-06-01T00:00:00Z",
     "grading": {"source": "A", "information": "1", "handling": ["H0"]}}
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/warnings", data=json.dumps(w).encode(), headers={"Authorization": f"Bearer {T}", "Content-Type": "application/json"})).read()
times = []
for _ in range(20):
    t = time.perf_counter()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{PORT}/api/v1/warnings", headers={"Authorization": f"Bearer {T}"})).read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"GET /api/v1/warnings with 50,000 notes stored: median {times[10]:.1f} ms, max {times[-1]:.1f} ms")
PY
kill $PID
