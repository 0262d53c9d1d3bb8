#!/usr/bin/env python3
"""The OASIS reference matcher (`stix2-matcher`, from PyPI, pinned in tests/interop/requirements.txt)
run with `entente match`'s contract: indicators and observations as JSON Lines in, one line per
matching indicator out (`observed_data_refs`: the observed-data of its first binding), an `error`
line for one that fails. Used by bench/detection/run for the ratio and to check that both agree."""
import json
import sys

from stix2matcher.matcher import MatcherException, match


def main(indicators, observations):
    objects = []
    with open(observations) as f:
        for line in f:
            line = line.strip()
            if line:
                objects.append(json.loads(line))
    bundle = [{"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects}]
    with open(indicators) as f:
        for line in f:
            ind = json.loads(line)
            try:
                found = match(ind["pattern"], bundle, stix_version="2.1")
            except Exception as e:  # the reference raises parse errors and MatcherException alike
                print(json.dumps({"indicator": ind["id"], "error": str(e)}))
                continue
            if found:
                refs = [sdo["objects"][0]["id"] for sdo in found]
                print(json.dumps({"indicator": ind["id"], "observed_data_refs": refs}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
