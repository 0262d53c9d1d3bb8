#!/usr/bin/env bash
# Federation benchmarks (figures for docs/benchmarks.md). Usage: bench/federation.sh [OBJECTS] [NODES] [ROUNDS]
#   OBJECTS  catch-up: objects KZ publishes while the hub and CN are away (default 1000000)
#   NODES    latency: nodes of the federation, the hub included (default 10)
#   ROUNDS   latency: joint warnings issued (published after review), one at a time, origins rotating (default 200)
# Every node is a real `entente serve` process on loopback (plain HTTP), linked hub and spoke with
# `entente peer add`; the driver is crates/entente/examples/federation_bench.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
objects=${1:-1000000}
nodes=${2:-10}
rounds=${3:-200}
cargo build --release -q -p entente --bin entente --example federation_bench
bench="target/release/examples/federation_bench"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== latency: $nodes nodes, $rounds warnings issued, each until it is on every node"
"$bench" latency --nodes "$nodes" --rounds "$rounds"
echo "== catch-up: $objects objects published while the hub and CN were away"
"$bench" catchup --objects "$objects"
