#!/usr/bin/env bash
# Screening quality and speed against the tools a user would pick instead, in one run:
# Entente (entente screen-eval), rapidfuzz token_sort_ratio over anyascii, and nomenklatura's
# LogicV2. Pinned Python packages in bench/.venv-screening.
#
#   bench/screening/compare.sh                 # the evaluation set (20,575 entries)
#   bench/screening/compare.sh 1000000         # the same cases in a register of ~1M entries
#                                              # (real names from the rigour table as filler)
# LOGIC_SAMPLE (default 300) and RAPIDFUZZ_SAMPLE (default: all, or 300 at 1M) bound the slow
# tools' share. Output in bench/out/screening-compare-*/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
filler=${1:-}
out="$root/bench/out/screening-compare-${filler:-eval}"
mkdir -p "$out"
./scripts/fetch-name-variants
cargo build --release -p entente --bin entente
venv="$root/bench/.venv-screening"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/screening/requirements.txt
fi
if [ -n "$filler" ]; then
  python3 bench/screening/make_eval.py --filler "$filler" --filler-names data/name-variants/person_names.txt --out "$out/set"
  list="$out/set/register.jsonl"; cases="$out/set/cases.jsonl"
  rf_sample=${RAPIDFUZZ_SAMPLE:-300}
else
  list=bench/screening/register.jsonl; cases=bench/screening/cases.jsonl
  rf_sample=${RAPIDFUZZ_SAMPLE:-0}
fi
echo "== entente screen-eval"
/usr/bin/time -f "peak RSS %M KB" ./target/release/entente screen-eval --list "$list" --cases "$cases" \
  --latency --outcomes "$out/entente-outcomes.jsonl" 2>&1 | tee "$out/entente.txt"
qps=$(sed -n 's/^batch over .* threads: \([0-9]*\) queries\/s/\1/p' "$out/entente.txt")
p50=$(sed -n 's/^one query at a time: p50 \([0-9]*\) us.*/\1/p' "$out/entente.txt")
echo "== the same cases through rapidfuzz and nomenklatura LogicV2"
"$venv/bin/python" bench/screening/compare.py --list "$list" --cases "$cases" \
  --entente-outcomes "$out/entente-outcomes.jsonl" --entente-qps "$qps" --entente-p50-us "$p50" \
  --logic-sample "${LOGIC_SAMPLE:-300}" --rapidfuzz-sample "$rf_sample" --out "$out/compare.json" \
  | tee "$out/compare.txt"
