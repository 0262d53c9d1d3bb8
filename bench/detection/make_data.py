#!/usr/bin/env python3
"""Draws a detection workload for `entente match` and the reference matcher: indicators (JSON Lines,
one STIX 2.1 indicator a line) and observations (JSON Lines: each observed-data followed by the SCO
lines its object_refs name, as a sensor would write them). Deterministic for a seed.

The indicators are the mix a national CERT's feed carries: mostly file hashes, addresses and
domains compared with `=`, some URL and `IN` lists, CIDR blocks (`ISSUBSET`), `LIKE` and `MATCHES`
on domains and URLs, and a few patterns over several observations (`FOLLOWEDBY ... WITHIN`,
`REPEATS`, `AND` of comparisons). About one observation in a hundred carries a value some indicator
names."""
import argparse
import datetime
import json
import random


def hexs(r, n):
    return "%0*x" % (n, r.getrandbits(4 * n))


def ip(r):
    return f"{r.choice([10, 100, 172, 185, 203])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=100_000)
    ap.add_argument("--observations", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", required=True, help="directory for indicators.jsonl and observations.jsonl")
    a = ap.parse_args()
    r = random.Random(a.seed)

    # The values indicators name, in pools that grow with the indicators; observations draw from
    # them now and then.
    pool = lambda share: max(1, int(a.indicators * share))
    bad_sha, bad_md5 = [hexs(r, 64) for _ in range(pool(0.4))], [hexs(r, 32) for _ in range(pool(0.15))]
    bad_ip = [ip(r) for _ in range(pool(0.15))]
    bad_dom = [f"{hexs(r, 8)}.bad-{i}.example" for i in range(pool(0.1))]
    bad_url = [f"http://{hexs(r, 6)}.example/{hexs(r, 10)}" for _ in range(pool(0.05))]
    pats = []
    for i in range(a.indicators):
        k = r.random()
        if k < 0.40:
            p = f"[file:hashes.'SHA-256' = '{r.choice(bad_sha)}']"
        elif k < 0.55:
            p = f"[file:hashes.MD5 = '{r.choice(bad_md5)}']"
        elif k < 0.70:
            p = f"[ipv4-addr:value = '{r.choice(bad_ip)}']"
        elif k < 0.80:
            p = f"[domain-name:value = '{r.choice(bad_dom)}']"
        elif k < 0.85:
            p = f"[url:value = '{r.choice(bad_url)}']"
        elif k < 0.88:
            p = f"[ipv4-addr:value IN ('{r.choice(bad_ip)}', '{r.choice(bad_ip)}', '{r.choice(bad_ip)}')]"
        elif k < 0.92:
            o = r.choice(bad_ip).rsplit(".", 1)[0]
            p = f"[ipv4-addr:value ISSUBSET '{o}.0/24']"
        elif k < 0.95:
            p = f"[domain-name:value LIKE '%.bad-{r.randrange(pool(0.1))}.example']"
        elif k < 0.97:
            p = f"[url:value MATCHES '^http://[0-9a-f]{{6}}\\\\.example/{hexs(r, 4)}']"
        elif k < 0.98:
            p = (f"[domain-name:value = '{r.choice(bad_dom)}'] FOLLOWEDBY "
                 f"[ipv4-addr:value = '{r.choice(bad_ip)}'] WITHIN 600 SECONDS")
        elif k < 0.99:
            p = f"[ipv4-addr:value = '{r.choice(bad_ip)}'] REPEATS 3 TIMES WITHIN 3600 SECONDS"
        else:
            p = f"[file:name = 'setup-{r.randrange(1000)}.exe' AND file:size > {r.randrange(10_000)}]"
        pats.append(p)
    with open(f"{a.out}/indicators.jsonl", "w") as f:
        for i, p in enumerate(pats):
            f.write(json.dumps({
                "type": "indicator", "spec_version": "2.1", "id": f"indicator--{i:08x}-0000-4000-8000-000000000000",
                "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                "pattern": p, "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
            }) + "\n")

    base = datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)
    sco_n = 0
    with open(f"{a.out}/observations.jsonl", "w") as f:
        for i in range(a.observations):
            hit = r.random() < 0.01
            # Fifty observations a second.
            stamp = (base + datetime.timedelta(seconds=i // 50)).strftime("%Y-%m-%dT%H:%M:%SZ")
            scos = []
            k = r.random()
            if k < 0.45:
                scos.append({"type": "file", "name": f"setup-{r.randrange(2000)}.exe", "size": r.randrange(20_000),
                             "hashes": {"SHA-256": r.choice(bad_sha) if hit else hexs(r, 64), "MD5": r.choice(bad_md5) if hit and r.random() < 0.3 else hexs(r, 32)}})
            elif k < 0.75:
                scos.append({"type": "ipv4-addr", "value": r.choice(bad_ip) if hit else ip(r)})
            elif k < 0.92:
                a_ip = {"type": "ipv4-addr", "value": ip(r)}
                scos.append(a_ip)
                scos.append({"type": "domain-name", "value": r.choice(bad_dom) if hit else f"{hexs(r, 8)}.good-{r.randrange(10_000)}.example", "resolves_to_refs": ["@0"]})
            else:
                scos.append({"type": "url", "value": r.choice(bad_url) if hit else f"http://{hexs(r, 6)}.example/{hexs(r, 10)}"})
            ids = []
            for s in scos:
                sco_n += 1
                s["id"] = f"{s['type']}--{sco_n:08x}-0000-4000-8000-000000000000"
                s["spec_version"] = "2.1"
                ids.append(s["id"])
            for s in scos:
                if "resolves_to_refs" in s:
                    s["resolves_to_refs"] = [ids[0]]
            f.write(json.dumps({
                "type": "observed-data", "spec_version": "2.1", "id": f"observed-data--{i:08x}-0000-4000-8000-000000000000",
                "created": stamp, "modified": stamp, "first_observed": stamp, "last_observed": stamp,
                "number_observed": 1, "object_refs": ids,
            }) + "\n")
            for s in scos:
                f.write(json.dumps(s) + "\n")


if __name__ == "__main__":
    main()
