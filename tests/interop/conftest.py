"""Starts a real Entente node the way a user would (init, user add, serve over HTTPS) for the
interoperability tests, and hands the tests its URL, credentials and certificate."""
import ctypes
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

COLLECTION = "365fed99-08fa-4dcd-a1b3-fb247eb41d01"

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's own `verify` (a known
# requests behaviour), and taxii2-client sets `verify` on its Session: without this, the node's CA
# given to the client would be ignored wherever those variables are set.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


def entente_bin():
    path = os.environ.get("TEST_ENTENTE_BIN")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("TEST_ENTENTE_BIN must name the built `entente` binary (./scripts/test sets it)")
    return path


def run(*args):
    out = subprocess.run([entente_bin(), *args], check=True, capture_output=True, text=True)
    return out.stdout


class Node:
    def __init__(self, url, user, password, token, cert, proc, directory):
        self.url, self.user, self.password, self.token = url, user, password, token
        self.cert, self.proc, self.dir = cert, proc, directory

    def log_tail(self, lines=60):
        """The last lines of the node's log, for a failure's message."""
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    @property
    def collection_url(self):
        return f"{self.url}api/collections/{COLLECTION}/"


def die_with_parent():
    """In the node's process before it starts: Linux ends it when pytest ends, however pytest
    ends (./scripts/test kills its background tests when a step fails)."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def store_args():
    """`--store-url` of a new database of the test cluster when TEST_STORE=postgres (./scripts/test
    runs the node's tests once on each store), else nothing: the SQLite default."""
    store = os.environ.get("TEST_STORE", "sqlite")
    if store == "sqlite":
        return []
    if store != "postgres":
        pytest.fail(f"TEST_STORE={store}: the stores are `sqlite` and `postgres`")
    admin = os.environ.get("TEST_POSTGRES_URL")
    if not admin:
        pytest.fail("TEST_STORE=postgres needs TEST_POSTGRES_URL, a cluster's URL (./scripts/test starts one)")
    name = f"interop_{os.getpid()}_{int(time.time() * 1000)}"
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True, text=True)
    return ["--store-url", admin.rsplit("/", 1)[0] + "/" + name]


@pytest.fixture(scope="session")
def node():
    tmp = tempfile.mkdtemp(prefix="entente-interop-")
    d = os.path.join(tmp, "node")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    run("init", "--dir", d, "--charter", os.path.join(root, "examples", "sco.toml"), "--state", "KZ",
        *store_args())
    creds = run("user", "add", "--dir", d, "interop", "--role", "supervisor")
    password = re.search(r"^password: (\S+)$", creds, re.M).group(1)
    token = re.search(r"^token: (\S+)$", creds, re.M).group(1)
    # The node's log, connections included, for a failing test to show (Node.log_tail).
    log = open(os.path.join(tmp, "node.log"), "w")
    env = dict(os.environ, ENTENTE_LOG="info,sqlx=warn,entente_server::conn=debug")
    proc = subprocess.Popen(
        [entente_bin(), "serve", "--dir", d, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=log, text=True, env=env, preexec_fn=die_with_parent,
    )
    line = proc.stdout.readline()
    m = re.match(r"entente: serving (\S+)", line)
    if not m:
        proc.kill()
        pytest.fail(f"the node did not start: {line!r}")
    n = Node(m.group(1), "interop", password, token, os.path.join(d, "tls", "ca.pem"), proc, d)
    n.log = log.name
    yield n
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
