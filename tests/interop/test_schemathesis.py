"""schemathesis (pinned in requirements.txt) with all its checks against a live node, as a client
generator's user would run it: the OpenAPI document must say exactly what the node takes and
answers. The exceptions, each a rule no JSON Schema can state, are in schemathesis.toml."""
import os
import subprocess
import sys

from conftest import die_with_parent


def test_the_openapi_document_is_exact(node):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    base = node.url.rsplit("/taxii2/", 1)[0]
    cli = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    cmd = [
        cli, "--config-file", os.path.join(here, "schemathesis.toml"), "run",
        os.path.join(root, "crates", "entente-server", "openapi", "openapi.json"),
        "--url", base, "-H", f"Authorization: Bearer {node.token}", "--tls-verify", node.cert,
        "--checks", "all", "--max-examples", "25", "--seed", "1", "--no-color",
        # An event stream does not end: schemathesis would wait on it until its read timeout.
        "--exclude-path", "/api/v1/events",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                          preexec_fn=die_with_parent)
    assert done.returncode == 0, (done.stdout[-20000:] + done.stderr[-5000:]
                                  + "\n--- the node's log, last lines ---\n" + node.log_tail())
