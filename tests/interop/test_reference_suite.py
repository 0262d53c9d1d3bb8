"""The OASIS stix2-matcher's own STIX 2.1 test suite (shipped in its package, `stix2matcher.test.v21`)
run against `entente match`: `entente_reference_plugin` replaces the suite's `match` with a call
to our binary, and every test must pass but one, which is STIX 2.0 (see `STIX_20_ONLY`). The
suite's tests of the reference's internals run too, unchanged; the plugin records each call so
that this test fails if the suite did not really go through entente."""
import os
import subprocess
import sys
import tempfile

from conftest import entente_bin

# Called without `stix_version`, so in STIX 2.0, where `START` takes a plain string: STIX 2.1
# requires t'…', and stix2-matcher in 2.1 mode refuses this pattern as entente does.
STIX_20_ONLY = (
    "test_complex.py::test_combinatorial_explosion_match"
    "[[person:age < 20] REPEATS 10 TIMES START '2004-10-11T21:40:00Z' STOP '2004-10-11T21:50:00Z']"
)


def test_the_reference_matchers_own_suite_passes_against_entente_match():
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as d:
        calls = os.path.join(d, "calls.txt")
        env = dict(os.environ, TEST_ENTENTE_BIN=entente_bin(), ENTENTE_REFERENCE_CALLS=calls,
                   ENTENTE_REFERENCE_DESELECT=STIX_20_ONLY, PYTHONPATH=here)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "-p", "entente_reference_plugin", "--pyargs", "stix2matcher.test.v21"],
            env=env, capture_output=True, text=True, timeout=900)
        tail = done.stdout[-4000:] + done.stderr[-2000:]
        assert done.returncode == 0, tail
        with open(calls) as f:
            n = sum(1 for _ in f)
    # The suite's v2.1 tests make some four hundred calls of `match`; far fewer would mean the
    # plugin did not take the suite's `match` over.
    assert n >= 350, f"only {n} calls went through entente match\n{tail}"
    assert " 1 deselected" in done.stdout, tail
