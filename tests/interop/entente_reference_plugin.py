"""A pytest plugin that runs the OASIS stix2-matcher's own v2.1 test suite against `entente match`.

Every test module of the suite calls `match(pattern, observations, ...)`, imported by name; this
plugin replaces that name, in each module it collects, with a function that writes the pattern as
an indicator and the observations (bundles of one observed-data and its SCOs, or bare
observed-data) as JSON Lines, runs `entente match` (the binary named by TEST_ENTENTE_BIN), and
answers as the reference does: the bundles (or observed-data) of the first binding found, an empty
list when nothing matched, `ParseException` for a pattern that does not parse and
`MatcherException` for one that cannot be matched against the data. Tests of the reference's
internals (which never call `match`) run unchanged; ENTENTE_REFERENCE_CALLS names a file this
plugin appends a line to per call, so the caller can check the suite really went through entente;
ENTENTE_REFERENCE_DESELECT names tests to leave out.
"""
import json
import os
import subprocess
import tempfile

import pytest
from stix2matcher.matcher import MatcherException
from stix2patterns.pattern import ParseException

INDICATOR_ID = "indicator--00000000-0000-4000-8000-000000000001"


def _lines(observations):
    """Every object of the observations, each once, as lines of the observations file; and for
    each observed-data id, what the reference answers for it: in 2.1, the bundles are merged and
    split into one bundle per observed-data holding it and the SCOs it names."""
    objects = []
    for i, o in enumerate(observations):
        if o.get("type") == "bundle":
            objects.extend(o.get("objects", []))
        else:
            o = dict(o)
            if o.get("type") == "observed-data" and "id" not in o:
                o["id"] = "observed-data--00000000-0000-4000-8000-%012d" % i
            objects.append(o)
    scos = {o.get("id"): o for o in objects if o.get("type") != "observed-data"}
    answers = {}
    for o in objects:
        if o.get("type") == "observed-data":
            named = [scos[r] for r in o.get("object_refs", []) if r in scos]
            answers[o["id"]] = {"type": "bundle", "objects": [o] + named}
    return objects, answers


def entente_match(pattern, observations, verbose=False, stix_version="2.1"):
    binary = os.environ["TEST_ENTENTE_BIN"]
    calls = os.environ.get("ENTENTE_REFERENCE_CALLS")
    if calls:
        with open(calls, "a") as f:
            f.write(pattern.replace("\n", " ") + "\n")
    with tempfile.TemporaryDirectory() as d:
        ind = os.path.join(d, "indicators.jsonl")
        obs = os.path.join(d, "observations.jsonl")
        with open(ind, "w") as f:
            f.write(json.dumps({
                "type": "indicator", "spec_version": "2.1", "id": INDICATOR_ID,
                "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
                "pattern": pattern, "pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z",
            }) + "\n")
        objects, by_id = _lines(observations)
        with open(obs, "w") as f:
            for line in objects:
                f.write(json.dumps(line) + "\n")
        done = subprocess.run([binary, "match", "--indicators", ind, "--observations", obs],
                              capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError("entente match failed (%d): %s" % (done.returncode, done.stderr))
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for line in lines:
        if "error" in line:
            if "does not parse" in line["error"]:
                raise ParseException(line["error"])
            raise MatcherException(line["error"])
        return [by_id[r] for r in line["observed_data_refs"]]
    return []


def pytest_collection_modifyitems(config, items):
    """Takes the suite's `match` over, and leaves out the tests named (by the end of their node
    id, one a line) in ENTENTE_REFERENCE_DESELECT."""
    left_out = [s for s in os.environ.get("ENTENTE_REFERENCE_DESELECT", "").splitlines() if s]
    kept, dropped = [], []
    for item in items:
        (dropped if any(item.nodeid.endswith(s) for s in left_out) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "match"):
            module.match = entente_match
