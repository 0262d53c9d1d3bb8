#!/usr/bin/env python3
"""The same labelled queries through the tools a user would pick instead of Entente's screener,
scored exactly as `entente screen-eval` scores Entente (bench/screening/compare.sh runs both):

- rapidfuzz: `process.extract` with `fuzz.token_sort_ratio` over `anyascii`-transliterated,
  lower-cased names — the do-it-yourself screener. A scan of the whole register per query, on
  one core (`process.extract` has no `workers`; Entente's figure is over both cores).
- nomenklatura's LogicV2 (the matcher behind yente's `logic-v2`), offline: without
  Elasticsearch there is no candidate index, so it rescores the best `--candidates` rapidfuzz
  candidates of each query (its time includes that scan). LogicV2 takes tens of milliseconds
  per pair, so it runs on an evenly spaced sample of `--logic-sample` cases.

Each tool gets its own threshold, chosen the same way for all: the one with the best recall at
a false-positive rate of at most 2%, or, where none gets there, the best recall minus FPR
(Entente is held to its default, 0.85, instead). Prints a table
and writes `compare.json`.
"""
import argparse
import json
import time
from collections import defaultdict

from anyascii import anyascii
from rapidfuzz import fuzz, process

TARGET_FPR = 0.02


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ascii_name(s):
    return " ".join(anyascii(s).lower().replace("-", " ").split())


def metrics(cases, scores, threshold):
    """(recall, FPR, lowest category recall, per-category recall) at a threshold."""
    pos, found, neg, flagged = 0, 0, 0, 0
    by_cat = defaultdict(lambda: [0, 0])
    for c in cases:
        s = scores.get(c["id"])
        hit = s is not None and s >= threshold
        if c["expect"]:
            pos += 1
            found += hit
            by_cat[c["category"]][0] += 1
            by_cat[c["category"]][1] += hit
        else:
            neg += 1
            flagged += hit
    cats = {k: v[1] / v[0] for k, v in by_cat.items()}
    return found / max(pos, 1), flagged / max(neg, 1), min(cats.values(), default=0.0), cats


def calibrate(cases, scores):
    """The threshold with the best recall at FPR <= 2%; where no threshold gets the FPR that
    low (a name-only scorer cannot tell a listed name from the same name born decades apart),
    the one with the best recall minus FPR."""
    best, fallback = None, (-1.0, 1.0)
    for step in range(50, 101):
        t = step / 100
        r, f, _, _ = metrics(cases, scores, t)
        if f <= TARGET_FPR and (best is None or r > best[0]):
            best = (r, t)
        if r - f > fallback[0]:
            fallback = (r - f, t)
    return best[1] if best else fallback[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--entente-outcomes", required=True, help="from entente screen-eval --outcomes")
    ap.add_argument("--entente-qps", type=float, required=True)
    ap.add_argument("--entente-p50-us", type=float, required=True)
    ap.add_argument("--candidates", type=int, default=10)
    ap.add_argument("--logic-sample", type=int, default=300)
    ap.add_argument("--rapidfuzz-sample", type=int, default=0, help="0: every case")
    ap.add_argument("--out", default="compare.json")
    a = ap.parse_args()

    register = load(a.list)
    cases = load(a.cases)
    entente = {o["id"]: o["score"] for o in load(a.entente_outcomes)}

    names, owner = [], []
    for e in register:
        for n in e["names"]:
            names.append(ascii_name(n))
            owner.append(e["id"])
    by_id = {e["id"]: e for e in register}

    def rapidfuzz_candidates(case, limit):
        best = {}
        for _, score, idx in process.extract(
            ascii_name(case["name"]), names, scorer=fuzz.token_sort_ratio, limit=limit * 3, score_cutoff=40
        ):
            eid = owner[idx]
            best[eid] = max(best.get(eid, 0.0), score / 100)
        return sorted(best.items(), key=lambda x: -x[1])[:limit]

    def outcome(case, ranked):
        if case["expect"]:
            return dict(ranked).get(case["expect"])
        return ranked[0][1] if ranked else None

    # rapidfuzz, on every case (or an evenly spaced sample).
    rf_cases = cases
    if a.rapidfuzz_sample and a.rapidfuzz_sample < len(cases):
        step = len(cases) / a.rapidfuzz_sample
        rf_cases = [cases[int(i * step)] for i in range(a.rapidfuzz_sample)]
    t = time.perf_counter()
    rf = {c["id"]: outcome(c, rapidfuzz_candidates(c, 10)) for c in rf_cases}
    rf_secs = time.perf_counter() - t

    # LogicV2 on an evenly spaced sample, rescoring rapidfuzz candidates.
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    logic = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()

    def entity(eid, kind, names_, dob, nationality):
        e = model.make_entity("Company" if kind == "organization" else "Person")
        e.id = eid
        e.add("name", names_)
        if dob and kind != "organization":
            e.add("birthDate", dob)
        for n in nationality or []:
            e.add("nationality" if kind != "organization" else "country", n.lower())
        return e

    step = len(cases) / min(a.logic_sample, len(cases))
    lv_cases = [cases[int(i * step)] for i in range(min(a.logic_sample, len(cases)))]
    lv = {}
    t = time.perf_counter()
    for c in lv_cases:
        ranked = []
        for eid, _ in rapidfuzz_candidates(c, a.candidates):
            e = by_id[eid]
            kind = e.get("kind", "person")
            q = entity(f"query-{c['id']}", kind, [c["name"]], c.get("birth_date"), c.get("nationality"))
            r = entity(eid, kind, e["names"], e.get("birth_date"), e.get("nationality"))
            ranked.append((eid, logic.compare(q, r, config).score))
        ranked.sort(key=lambda x: -x[1])
        lv[c["id"]] = outcome(c, ranked)
    lv_secs = time.perf_counter() - t

    rows = []
    for name, scored, subset, qps, threshold in [
        ("entente", entente, cases, a.entente_qps, 0.85),
        ("rapidfuzz token_sort_ratio", rf, rf_cases, len(rf_cases) / rf_secs, None),
        ("nomenklatura LogicV2 (+rapidfuzz candidates)", lv, lv_cases, len(lv_cases) / lv_secs, None),
        ("entente, on the LogicV2 sample", entente, lv_cases, a.entente_qps, 0.85),
    ]:
        th = threshold if threshold is not None else calibrate(subset, scored)
        r, f, low, cats = metrics(subset, scored, th)
        rows.append({"tool": name, "cases": len(subset), "threshold": th, "recall": r, "fpr": f,
                     "lowest_category_recall": low, "queries_per_s": qps, "categories": cats})
    if "nomenklatura" in rows[2]["tool"]:
        r, f, low, _ = metrics(lv_cases, lv, 0.7)
        rows[2]["at_yente_default_0.7"] = {"recall": r, "fpr": f, "lowest_category_recall": low}

    base = rows[0]
    print(f"{'tool':<46} {'cases':>6} {'thresh':>6} {'recall':>7} {'FPR':>6} {'lowest':>7} {'q/s':>9} {'speed ×':>8}")
    for r in rows:
        print(f"{r['tool']:<46} {r['cases']:>6} {r['threshold']:>6.2f} {r['recall']:>7.3f} {r['fpr']:>6.3f} "
              f"{r['lowest_category_recall']:>7.3f} {r['queries_per_s']:>9.1f} {base['queries_per_s'] / r['queries_per_s']:>8.0f}")
    if "at_yente_default_0.7" in rows[2]:
        d = rows[2]["at_yente_default_0.7"]
        print(f"LogicV2 at yente's default threshold 0.7: recall {d['recall']:.3f}, FPR {d['fpr']:.3f}, "
              f"lowest category {d['lowest_category_recall']:.3f}")
    print("recall by category (entente / rapidfuzz / LogicV2 on its sample):")
    for cat in sorted(rows[0]["categories"]):
        print(f"  {cat:<28} {rows[0]['categories'].get(cat, float('nan')):.3f} / "
              f"{rows[1]['categories'].get(cat, float('nan')):.3f} / {rows[2]['categories'].get(cat, float('nan')):.3f}")
    with open(a.out, "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
