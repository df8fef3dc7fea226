"""The oracle: prio-processor's `prio` CLI semantics on Mozilla's libprio (PyPI `prio`).

Each function is one `prio` command of mozilla/prio-processor (prio_processor/prio/commands.py),
re-stated here on top of the SWIG binding so the tests can run it in process:

- one PrioConfig and one fresh PrioServer per command (SEQUENTIAL verification points: the k-th
  row that decrypts and parses is checked at the k-th point of the shared-seed PRG); optionally
  (r_mode="constant") a fresh PrioServer per row in verify1/verify2, as prio-processor's Spark UDFs
  do, so every row is checked at the first point;
- rows that fail in verify1/verify2 are dropped, a missing verify1/verify2 id drops the row before
  any libprio call, and aggregate counts every raw row in `total`;
- files are written with Python's json.dump defaults, ndjson lines end in "\\n", the aggregate and
  publish objects have no trailing newline;
- output names are the base name of --input (verify1, encode-shares) or --input-internal.

Nothing here is Java or project code: every share, packet and total comes from libprio.
"""

from __future__ import annotations

import array
import json
import os
import uuid
from base64 import b64decode, b64encode
from datetime import datetime

from prio import libprio

_initialised = False


def init() -> None:
    """NSS_NoDB_Init via Prio_init, once per process (PrioContext would re-init per command)."""
    global _initialised
    if not _initialised:
        libprio.Prio_init()
        _initialised = True


def _b(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _read_ndjson(path: str) -> list:
    with open(path) as f:
        return [json.loads(line) for line in f.readlines()]


def _out_path(output_dir: str, input_path: str) -> str:
    os.makedirs(output_dir, exist_ok=True)
    return os.path.join(output_dir, os.path.basename(input_path))


# --- key material --------------------------------------------------------------------------


def keygen() -> dict:
    init()
    private, public = libprio.Keypair_new()
    return {
        "private_key": libprio.PrivateKey_export_hex(private).decode("utf-8"),
        "public_key": libprio.PublicKey_export_hex(public).decode("utf-8"),
    }


def shared_seed() -> str:
    init()
    return b64encode(libprio.PrioPRGSeed_randomize()).decode()


# --- the commands --------------------------------------------------------------------------


class Server:
    """The options every server command takes (data config, server config, public keys)."""

    def __init__(self, n_data, batch_id, server_id, private_key_hex, shared_secret,
                 public_key_hex_internal, public_key_hex_external):
        self.n_data = int(n_data)
        self.batch_id = _b(batch_id)
        self.server_id = server_id
        self.private_key_hex = _b(private_key_hex)
        self.shared_secret = _b(shared_secret)
        self.pub_internal = _b(public_key_hex_internal)
        self.pub_external = _b(public_key_hex_external)

    def config(self):
        init()
        internal = libprio.PublicKey_import_hex(self.pub_internal)
        external = libprio.PublicKey_import_hex(self.pub_external)
        self._keys = (internal, external)  # the config points at them: keep them alive with it
        return libprio.PrioConfig_new(self.n_data, internal, external, self.batch_id)

    def new_server(self, config):
        """A fresh PrioServer, as every prio-processor command makes one.

        libprio keeps pointers to the config and the private key, and the verifier to the server,
        without the SWIG objects knowing: the caller keeps (config, key, server, verifier) alive
        together for the whole command, as commands.py's locals do.
        """
        private = libprio.PrivateKey_import_hex(self.private_key_hex, self.pub_internal)
        index = libprio.PRIO_SERVER_A if self.server_id == "A" else libprio.PRIO_SERVER_B
        server = libprio.PrioServer_new(config, index, private, b64decode(self.shared_secret))
        return _Held(config=config, private=private, server=server, verifier=libprio.PrioVerifier_new(server))


class _Held:
    def __init__(self, **objects):
        self.__dict__.update(objects)

    def release(self):
        """Drops the objects dependants first (verifier, server, key); the config stays with the caller."""
        for name in ("verifier", "server", "private"):
            self.__dict__.pop(name, None)


def encode_shares(n_data, batch_id, public_key_hex_internal, public_key_hex_external,
                  input, output_a, output_b) -> None:
    """Client: each {"payload": [bits]} line becomes one line for A and one for B, same uuid4."""
    init()
    pub_a = libprio.PublicKey_import_hex(_b(public_key_hex_internal))
    pub_b = libprio.PublicKey_import_hex(_b(public_key_hex_external))
    config = libprio.PrioConfig_new(int(n_data), pub_a, pub_b, _b(batch_id))
    rows = _read_ndjson(input)
    with open(_out_path(output_a, input), "w") as fa, open(_out_path(output_b, input), "w") as fb:
        for row in rows:
            # bytes(), exactly as prio-processor: a 2 in the vector reaches libprio as the byte 2.
            share_a, share_b = libprio.PrioClient_encode(config, bytes(row["payload"]))
            row_id = str(uuid.uuid4())
            json.dump({"id": row_id, "payload": b64encode(share_a).decode()}, fa)
            fa.write("\n")
            json.dump({"id": row_id, "payload": b64encode(share_b).decode()}, fb)
            fb.write("\n")


def _verifiers(server: Server, config, r_mode: str):
    """SEQUENTIAL (the CLI): one PrioServer for the whole command, so the k-th row that decrypts
    and parses gets the k-th verification point. CONSTANT (prio-processor's Spark UDFs): a fresh
    PrioServer per row, so every row gets the first point."""
    held = server.new_server(config)
    while True:
        yield held.verifier
        if r_mode == "constant":
            held.release()
            held = server.new_server(config)


def verify1(server: Server, input, output, r_mode: str = "sequential") -> tuple:
    config = server.config()
    verifiers = _verifiers(server, config, r_mode)
    packet = libprio.PrioPacketVerify1_new()
    rows = _read_ndjson(input)
    total = error = 0
    with open(_out_path(output, input), "w") as f:
        for row in rows:
            total += 1
            verifier = next(verifiers)
            try:
                libprio.PrioVerifier_set_data(verifier, b64decode(row["payload"]))
                libprio.PrioPacketVerify1_set_data(packet, verifier)
                row["payload"] = b64encode(libprio.PrioPacketVerify1_write(packet)).decode()
                json.dump(row, f)
                f.write("\n")
            except RuntimeError:
                error += 1
    return error, total


def _index(path: str) -> dict:
    return {d["id"]: d["payload"] for d in _read_ndjson(path)}


def verify2(server: Server, input, input_internal, input_external, output, r_mode: str = "sequential") -> tuple:
    config = server.config()
    verifiers = _verifiers(server, config, r_mode)
    own = libprio.PrioPacketVerify1_new()
    peer = libprio.PrioPacketVerify1_new()
    packet = libprio.PrioPacketVerify2_new()
    rows = _read_ndjson(input)
    internal, external = _index(input_internal), _index(input_external)
    total = error = 0
    with open(_out_path(output, input_internal), "w") as f:
        for row in rows:
            total += 1
            try:
                share = b64decode(row["payload"])
                v1_own = b64decode(internal[row["id"]])  # KeyError before any PRG draw
                v1_peer = b64decode(external[row["id"]])
                verifier = next(verifiers)
                libprio.PrioVerifier_set_data(verifier, share)
                libprio.PrioPacketVerify1_read(own, v1_own, config)
                libprio.PrioPacketVerify1_read(peer, v1_peer, config)
                libprio.PrioPacketVerify2_set_data(packet, verifier, own, peer)
                row["payload"] = b64encode(libprio.PrioPacketVerify2_write(packet)).decode()
                json.dump(row, f)
                f.write("\n")
            except (RuntimeError, KeyError):
                error += 1
    return error, total


def aggregate(server: Server, input, input_internal, input_external, output) -> tuple:
    """One PrioServer for all rows in either r mode: isValid only adds the two verify2 values and
    the total share only sums data shares, so the verification point drawn here changes nothing."""
    config = server.config()
    held = server.new_server(config)
    prio_server, verifier = held.server, held.verifier
    own = libprio.PrioPacketVerify2_new()
    peer = libprio.PrioPacketVerify2_new()
    rows = _read_ndjson(input)
    internal, external = _index(input_internal), _index(input_external)
    total = error = 0
    for row in rows:
        total += 1
        try:
            share = b64decode(row["payload"])
            v2_own = b64decode(internal[row["id"]])
            v2_peer = b64decode(external[row["id"]])
            libprio.PrioVerifier_set_data(verifier, share)
            libprio.PrioPacketVerify2_read(own, v2_own, config)
            libprio.PrioPacketVerify2_read(peer, v2_peer, config)
            libprio.PrioVerifier_isValid(verifier, own, peer)
            libprio.PrioServer_aggregate(prio_server, verifier)
        except (RuntimeError, KeyError):
            error += 1
    shares = libprio.PrioTotalShare_new()
    libprio.PrioTotalShare_set_data(shares, prio_server)
    payload = libprio.PrioTotalShare_write(shares)
    with open(_out_path(output, input_internal), "w") as f:
        json.dump(dict(payload=b64encode(payload).decode(), error=error, total=total), f)
    return error, total


def publish(server: Server, input_internal, input_external, output) -> list:
    config = server.config()
    libprio.PrivateKey_import_hex(server.private_key_hex, server.pub_internal)  # checked, unused
    with open(input_internal) as f:
        own_payload = b64decode(json.load(f)["payload"])
    with open(input_external) as f:
        peer_payload = b64decode(json.load(f)["payload"])
    own = libprio.PrioTotalShare_new()
    peer = libprio.PrioTotalShare_new()
    libprio.PrioTotalShare_read(own, own_payload, config)
    libprio.PrioTotalShare_read(peer, peer_payload, config)
    first, second = (own, peer) if server.server_id == "A" else (peer, own)
    counts = list(array.array("L", libprio.PrioTotalShare_final(config, first, second)))
    record = {"id": str(uuid.uuid4()), "timestamp": datetime.utcnow().isoformat(), "payload": counts}
    with open(_out_path(output, input_internal), "w") as f:
        json.dump(record, f)
    return counts


# --- the whole flow of scripts/test-cli-integration ------------------------------------------

STAGES = ("verify1", "verify2", "aggregate")
NAME = "data.ndjson"


def working_files(working: str) -> tuple:
    """(config, shared seed, A's keys, B's keys) from working/{config,shared_seed,server_*_keys}.json."""
    def load(name):
        with open(os.path.join(working, name)) as f:
            return json.load(f)
    return (load("config.json"), load("shared_seed.json")["shared_seed"],
            load("server_a_keys.json"), load("server_b_keys.json"))


def servers(working: str) -> dict:
    """Server options for A and B from working/{config,shared_seed,server_*_keys}.json."""
    cfg, seed, ka, kb = working_files(working)
    return {
        "A": Server(cfg["n_data"], cfg["batch_id"], "A", ka["private_key"], seed, ka["public_key"], kb["public_key"]),
        "B": Server(cfg["n_data"], cfg["batch_id"], "B", kb["private_key"], seed, kb["public_key"], ka["public_key"]),
    }


def _copy(src: str, dst_dir: str) -> None:
    os.makedirs(dst_dir, exist_ok=True)
    with open(src, "rb") as f:
        data = f.read()
    with open(os.path.join(dst_dir, os.path.basename(src)), "wb") as f:
        f.write(data)


def process(working: str, r_mode: str = "sequential") -> dict:
    """verify1, verify2, aggregate and publish on A and B with the copies in between.

    `working` holds server_a/raw/data.ndjson, server_b/raw/data.ndjson and the json files.
    Returns {"<stage> <server>": (error, total) or counts}.
    """
    srv = servers(working)
    own_dir = {"A": os.path.join(working, "server_a"), "B": os.path.join(working, "server_b")}
    peer_of = {"A": "B", "B": "A"}
    results = {}
    for stage in STAGES:
        for sid in ("A", "B"):
            base = own_dir[sid]
            raw = os.path.join(base, "raw", NAME)
            out = os.path.join(base, "intermediate", "internal", stage)
            if stage == "verify1":
                results[f"{stage} {sid}"] = verify1(srv[sid], raw, out, r_mode)
            else:
                prev = "verify1" if stage == "verify2" else "verify2"
                ins = (os.path.join(base, "intermediate", "internal", prev, NAME),
                       os.path.join(base, "intermediate", "external", prev, NAME))
                if stage == "verify2":
                    results[f"{stage} {sid}"] = verify2(srv[sid], raw, *ins, out, r_mode)
                else:
                    results[f"{stage} {sid}"] = aggregate(srv[sid], raw, *ins, out)
            _copy(os.path.join(out, NAME), os.path.join(own_dir[peer_of[sid]], "intermediate", "external", stage))
    for sid in ("A", "B"):
        base = own_dir[sid]
        results[f"publish {sid}"] = publish(
            srv[sid],
            os.path.join(base, "intermediate", "internal", "aggregate", NAME),
            os.path.join(base, "intermediate", "external", "aggregate", NAME),
            os.path.join(base, "processed"))
    return results
