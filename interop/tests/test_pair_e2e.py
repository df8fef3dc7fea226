"""libprio as the client of our running server pair.

Mozilla's libprio (PyPI binding) encodes every submission; the shares are staged in the pair's
input layout `<root>/prio/v1/submission_date=<D>/batch_id=<ID>/server_id=<a|b>/part-0.ndjson`
(one `{"id": "<uuid4>", "payload": "<base64>"}` line per share, as prio-processor writes them);
server-b.jar and server-a.jar run as real processes on loopback ports, configured through the
seed's environment variables (PRIVATE_KEY_HEX, ..., BUCKET_INTERNAL=file:<dir>, DATA_CONFIG, PORT,
PRIO_PEER_URL on A) in the binding's PRG mode (PRIO_BATCH_PRGMODE) and their default CONSTANT r.
Peer request signing and the operator token are configured with fresh Ed25519 keys (openssl) and a
random token. A POST /batches/{id} starts each batch; GET /batches/{id} is polled until it is
terminal; the published data.ndjson on both sides must hold the true sums of the valid rows, with
error = the rows with a 2 and total = all rows.

Jars: server-a/target/server-a.jar and server-b/target/server-b.jar
(./mvnw -q -B -ntp -DskipTests package -pl server-a,server-b -am; run-tests.sh builds them).
"""

import hashlib
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import harness
import libprio_cli as cli

DATE = "2026-11-24"
JAR_A = os.path.join(harness.REPO, "server-a", "target", "server-a.jar")
JAR_B = os.path.join(harness.REPO, "server-b", "target", "server-b.jar")
TIMEOUT = float(os.environ.get("INTEROP_PAIR_TIMEOUT") or 240)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ed25519(dir_, name):
    """(private PEM path, public PEM path) from Debian's openssl."""
    priv, pub = os.path.join(dir_, name + ".pem"), os.path.join(dir_, name + ".pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", priv], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True, capture_output=True)
    return priv, pub


class Server:
    def __init__(self, name, jar, env, args, log):
        self.name, self.log = name, log
        full_env = {k: v for k, v in os.environ.items() if k not in harness.PRIO_ENV and not k.startswith("PRIO_")}
        full_env.update(env)
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
        self.logf = open(log, "wb")
        self.proc = subprocess.Popen([java, "-Xmx768m", "-XX:+UseSerialGC", "-jar", jar] + args, env=full_env,
                                     stdout=self.logf, stderr=subprocess.STDOUT, cwd=os.path.dirname(log))

    def tail(self, n=60) -> str:
        self.logf.flush()
        with open(self.log, "rb") as f:
            return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


def request(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_ready(server, port, token, deadline):
    url = "http://127.0.0.1:%d/actuator/health/readiness" % port
    while time.time() < deadline:
        if server.proc.poll() is not None:
            pytest.fail("%s exited with %s:\n%s" % (server.name, server.proc.returncode, server.tail()))
        try:
            status, _ = request("GET", url, token)
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        time.sleep(0.25)
    pytest.fail("%s not ready in time:\n%s" % (server.name, server.tail()))


def make_batches(seed, binding_mode):
    """Two batches: Firefox's size with a str8 batch id, and a small one."""
    rng = random.Random("%d/pair" % seed)
    out = []
    for batch_id, n_data, count in (("content.blocking_blocked_TESTONLY-0", 2046, 24),
                                    ("interop-%d" % rng.randrange(10 ** 6), rng.randint(1, 40), 60)):
        rows = [[rng.randint(0, 1) for _ in range(n_data)] for _ in range(count)]
        invalid = sorted(rng.sample(range(count), 3))
        for i in invalid:
            rows[i][rng.randrange(n_data)] = 2
        truth = [sum(r[j] for i, r in enumerate(rows) if i not in invalid) for j in range(n_data)]
        out.append({"batch_id": batch_id, "n_data": n_data, "rows": rows, "invalid": invalid, "truth": truth})
    return out


def stage(root_a, root_b, batch, ka, kb, tmp):
    """libprio's client (prio-processor encode-shares) straight into the pair's input layout."""
    client = os.path.join(tmp, "client-" + batch["batch_id"])
    os.makedirs(client)
    src = os.path.join(client, "part-0.ndjson")
    with open(src, "w") as f:
        for r in batch["rows"]:
            f.write(json.dumps({"payload": r}) + "\n")
    dirs = []
    for root, s in ((root_a, "a"), (root_b, "b")):
        d = os.path.join(root, "prio", "v1", "submission_date=" + DATE, "batch_id=" + batch["batch_id"], "server_id=" + s)
        os.makedirs(d)
        dirs.append(d)
    cli.encode_shares(batch["n_data"], batch["batch_id"], ka["public_key"], kb["public_key"], src, dirs[0], dirs[1])


def published(root, batch_id):
    path = os.path.join(root, "prio", "v1", "published", "submission_date=" + DATE, "batch_id=" + batch_id, "data.ndjson")
    with open(path) as f:
        return [json.loads(line) for line in f.read().splitlines() if line.strip()]


def test_libprio_client_through_our_pair(seed, binding_mode, case_dir):
    for jar in (JAR_A, JAR_B):
        if not os.path.exists(jar):
            pytest.fail("%s is missing: ./mvnw -q -B -ntp -DskipTests package -pl server-a,server-b -am" % jar)
    ka, kb = cli.keygen(), cli.keygen()
    shared = cli.shared_seed()
    batches = make_batches(seed, binding_mode)
    root_a, root_b = os.path.join(case_dir, "a"), os.path.join(case_dir, "b")
    os.makedirs(root_a)
    os.makedirs(root_b)
    for b in batches:
        stage(root_a, root_b, b, ka, kb, case_dir)
    data_config = os.path.join(case_dir, "content.json")
    with open(data_config, "w") as f:
        json.dump([{"batch_id": b["batch_id"], "n_data": b["n_data"]} for b in batches], f)

    token = secrets.token_urlsafe(32)
    sign_a, pub_a = ed25519(case_dir, "sign-a")
    sign_b, pub_b = ed25519(case_dir, "sign-b")
    port_a, port_b = free_port(), free_port()

    def env(own, other, root, port):
        return {"PRIVATE_KEY_HEX": own["private_key"], "PUBLIC_KEY_HEX_INTERNAL": own["public_key"],
                "PUBLIC_KEY_HEX_EXTERNAL": other["public_key"], "SHARED_SECRET": shared,
                "BUCKET_INTERNAL": "file:" + root, "DATA_CONFIG": data_config, "PORT": str(port),
                "PRIO_BATCH_PRGMODE": binding_mode,
                # 24 submissions a batch: below the production default minimum (100).
                "PRIO_BATCH_MINBATCHSIZE": "1"}

    def auth(own_priv, peer_pub):
        # prio.peer-auth.* (peer request signing, operator token); ignored by a build without it.
        return ["--server.address=127.0.0.1", "--prio.peer-auth.private-key=file:" + own_priv,
                "--prio.peer-auth.peer-public-key=file:" + peer_pub,
                "--prio.peer-auth.operator-token-sha256=" + hashlib.sha256(token.encode()).hexdigest()]

    servers = []
    try:
        b = Server("server-b", JAR_B, env(kb, ka, root_b, port_b), auth(sign_b, pub_a), os.path.join(case_dir, "server-b.log"))
        servers.append(b)
        env_a = env(ka, kb, root_a, port_a)
        env_a["PRIO_PEER_URL"] = "http://127.0.0.1:%d" % port_b
        a = Server("server-a", JAR_A, env_a, auth(sign_a, pub_b), os.path.join(case_dir, "server-a.log"))
        servers.append(a)
        deadline = time.time() + TIMEOUT
        wait_ready(b, port_b, token, deadline)
        wait_ready(a, port_a, token, deadline)

        base = "http://127.0.0.1:%d/batches/" % port_a
        # Only informative: a build with the operator token refuses a request without it.
        status, _ = request("GET", base + batches[0]["batch_id"] + "?submissionDate=" + DATE, "")
        print("GET without the operator token: %d (%s)" % (status, "token enforced" if status == 401 else "no token check"))
        for batch in batches:
            status, body = request("POST", base + batch["batch_id"], token, {"submissionDate": DATE})
            assert status in (200, 201, 202), "POST /batches/%s: %d %s" % (batch["batch_id"], status, body)
        for batch in batches:
            phase, body = None, ""
            while time.time() < deadline:
                status, body = request("GET", base + batch["batch_id"] + "?submissionDate=" + DATE, token)
                phase = json.loads(body).get("phase") if status == 200 else None
                if phase in ("PUBLISHED", "FAILED", "ABANDONED"):
                    break
                time.sleep(0.3)
            assert phase == "PUBLISHED", "batch %s: %s\n--- A:\n%s\n--- B:\n%s" % (
                batch["batch_id"], body, a.tail(), b.tail())
            for root in (root_a, root_b):
                records = published(root, batch["batch_id"])
                assert len(records) == 1, records
                rec = records[0]
                assert rec["payload"] == batch["truth"], "batch %s: published sums differ from the truth" % batch["batch_id"]
                assert (rec["error"], rec["total"]) == (len(batch["invalid"]), len(batch["rows"])), rec
    finally:
        for s in reversed(servers):
            s.stop()
