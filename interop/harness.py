"""Random cases and the two CLI flows (libprio oracle, our bin/prio) in the same file layout.

Layout of one case, as prio-processor's scripts/test-cli-integration lays out `working/`:

    <case>/lib/working/{config,shared_seed,server_a_keys,server_b_keys}.json
    <case>/lib/working/client/data.ndjson
    <case>/lib/working/server_{a,b}/raw/data.ndjson                       <- libprio's encode-shares
    <case>/lib/working/server_{a,b}/intermediate/{internal,external}/{verify1,verify2,aggregate}/
    <case>/lib/working/server_{a,b}/processed/data.ndjson
    <case>/ours/working/...                                              <- the same, by bin/prio

bin/prio runs with <case>/ours as its working directory and the script's relative paths.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
from dataclasses import dataclass, field

import libprio_cli as cli

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN_PRIO = os.path.join(REPO, "bin", "prio")
NAME = cli.NAME
STAGES = cli.STAGES

# Every variable bin/prio (and prio-processor's click options) read; none may leak in.
PRIO_ENV = ("N_DATA", "BATCH_ID", "SERVER_ID", "PRIVATE_KEY_HEX", "SHARED_SECRET", "PUBLIC_KEY_HEX_INTERNAL",
            "PUBLIC_KEY_HEX_EXTERNAL", "INPUT", "INPUT_INTERNAL", "INPUT_EXTERNAL", "OUTPUT", "OUTPUT_A", "OUTPUT_B",
            "R_MODE", "PRG_MODE")
# Short-lived JVMs: C1 only and the serial collector start fastest; PRIO_JAVA_OPTS can override.
DEFAULT_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"


# --- random cases -----------------------------------------------------------------------------

BOUNDARIES = sorted({v for k in range(1, 12) for v in (2 ** k - 1, 2 ** k, 2 ** k + 1) if 1 <= v <= 2045})
SAFE = string.ascii_letters + string.digits + "._-"
# Printable ASCII, space included; the id must not start with '-' (it would read as an option).
EXOTIC = "".join(chr(c) for c in range(0x20, 0x7F))


def random_n_data(rng: random.Random) -> int:
    x = rng.random()
    if x < 0.50:
        return rng.randint(1, 8)
    if x < 0.70:
        return rng.randint(9, 64)
    if x < 0.82:
        return rng.choice(BOUNDARIES)
    if x < 0.96:
        return rng.randint(65, 600)
    return rng.randint(601, 2045)


def _no_dash(s: str, rng: random.Random) -> str:
    return s if not s.startswith("-") else rng.choice(SAFE[:-1]) + s[1:]


def random_batch_id(rng: random.Random) -> str:
    x = rng.random()
    if x < 0.30:  # fixstr
        return _no_dash("".join(rng.choice(SAFE) for _ in range(rng.randint(1, 31))), rng)
    if x < 0.45:  # Firefox style, >= 32 bytes: str8 (d9 len)
        metric = rng.choice(["content.blocking_blocked", "content.blocking_blocked_TESTONLY",
                             "content.blocking_storage_access_api_exempt_TESTONLY", "telemetry.origin_probe"])
        return "%s-%d" % (metric, rng.randint(0, 12))
    if x < 0.60:  # >= 32 bytes, random
        return _no_dash("".join(rng.choice(SAFE) for _ in range(rng.randint(32, 200))), rng)
    if x < 0.67:  # the header boundaries: 31 | 32 bytes, 255 | 256 (str16, da len len)
        n = rng.choice([31, 32, 255, 256, 257, 300])
        return _no_dash("".join(rng.choice(SAFE) for _ in range(n)), rng)
    # exotic but valid ASCII: quotes, backslash, braces, spaces, '=', '%', '$' ...
    return _no_dash("".join(rng.choice(EXOTIC) for _ in range(rng.randint(1, 70))), rng)


@dataclass
class Case:
    index: int
    n_data: int
    batch_id: str
    rows: list
    seed_b64: str
    use_env: bool
    invalid: list = field(default_factory=list)  # row numbers with a 2 in them
    # Damage applied to the raw share files after encoding (spec §9's desynchronisation cases):
    # ("gcm", row, "a"|"b"): one ciphertext byte flipped, that side cannot decrypt the row;
    # ("ndata", row, None): the row encoded with n_data + 1 (A rejects it at parsing, B cannot).
    damage: list = field(default_factory=list)
    r_mode: str = "sequential"

    def truth(self) -> list:
        """The sums of the valid rows: what publish must print."""
        sums = [0] * self.n_data
        for i, r in enumerate(self.rows):
            if i not in self.invalid:
                for j, v in enumerate(r):
                    sums[j] += v
        return sums

    def describe(self) -> str:
        return "case %d: n_data %d, %d rows (invalid %s, damaged %s), r %s, batch id %d bytes %r, options by %s" % (
            self.index, self.n_data, len(self.rows), self.invalid, self.damage, self.r_mode, len(self.batch_id.encode()),
            self.batch_id if len(self.batch_id) <= 60 else self.batch_id[:57] + "...",
            "env" if self.use_env else "flags")


def make_case(seed: int, index: int, n_data: int | None = None, max_invalid: int = 2, damage: bool = False,
              constant_share: float = 0.0) -> Case:
    rng = random.Random("%d/%d" % (seed, index))
    n = n_data if n_data is not None else random_n_data(rng)
    count = rng.randint(1, 3) if n > 600 else rng.randint(1, 8)
    rows = [[rng.randint(0, 1) for _ in range(n)] for _ in range(count)]
    invalid = sorted(rng.sample(range(count), min(count, rng.choice([0, 1, 1, max_invalid]))))
    for i in invalid:  # one or a few 2s: valid to encode, must fail the SNIP
        for _ in range(rng.choice([1, 1, 2])):
            rows[i][rng.randrange(n)] = 2
    seed_b64 = __import__("base64").b64encode(bytes(rng.getrandbits(8) for _ in range(16))).decode()
    case = Case(index, n, random_batch_id(rng), rows, seed_b64, rng.random() < 0.3, invalid)
    if rng.random() < constant_share:
        case.r_mode = "constant"
    if damage and count >= 2 and rng.random() < 0.15:
        kind = rng.choice(["gcm", "gcm", "ndata"])
        case.damage.append((kind, rng.randrange(count), rng.choice("ab") if kind == "gcm" else None))
    return case


# --- files ------------------------------------------------------------------------------------


def write_inputs(working: str, case: Case, keys_a: dict, keys_b: dict) -> None:
    """What scripts/test-cli-integration's generate step leaves in working/."""
    os.makedirs(os.path.join(working, "client"), exist_ok=True)
    for name, obj in (("server_a_keys.json", keys_a), ("server_b_keys.json", keys_b),
                      ("shared_seed.json", {"shared_seed": case.seed_b64}),
                      ("config.json", {"n_data": case.n_data, "batch_id": case.batch_id})):
        with open(os.path.join(working, name), "w") as f:
            json.dump(obj, f, indent=4)
            f.write("\n")
    with open(os.path.join(working, "client", NAME), "w") as f:
        for r in case.rows:
            f.write(json.dumps({"payload": r}) + "\n")


def copy_inputs(src_working: str, dst_working: str) -> None:
    """The json files and both raw share files: everything a server pair starts from."""
    os.makedirs(dst_working, exist_ok=True)
    for name in ("config.json", "shared_seed.json", "server_a_keys.json", "server_b_keys.json"):
        shutil.copy(os.path.join(src_working, name), dst_working)
    for s in ("server_a", "server_b"):
        os.makedirs(os.path.join(dst_working, s, "raw"), exist_ok=True)
        shutil.copy(os.path.join(src_working, s, "raw", NAME), os.path.join(dst_working, s, "raw"))


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def stage_file(working: str, server: str, stage: str, side: str = "internal") -> str:
    return os.path.join(working, server, "intermediate", side, stage, NAME)


# --- our bin/prio ------------------------------------------------------------------------------


class PrioError(AssertionError):
    pass


def prio(base: str, args: list, env_opts: dict | None = None, timeout: int = 300) -> str:
    """Runs bin/prio in `base` as a shell script would; returns stdout. Options in env_opts go in
    as environment variables (prio-processor's click envvars), the rest as flags."""
    env = {k: v for k, v in os.environ.items() if k not in PRIO_ENV}
    env.setdefault("PRIO_JAVA_OPTS", DEFAULT_JAVA_OPTS)
    env.update(env_opts or {})
    p = subprocess.run([BIN_PRIO] + args, cwd=base, env=env, capture_output=True, timeout=timeout)
    err = "\n".join(line for line in p.stderr.decode("utf-8", "replace").splitlines()
                    if not line.startswith("Picked up "))
    if p.returncode != 0 or err:
        raise PrioError("bin/prio %s (cwd %s) exited %d\nstdout: %s\nstderr: %s" % (
            " ".join(args[:1]), base, p.returncode, p.stdout.decode(errors="replace"), err))
    return p.stdout.decode()


def server_options(working: str, server: str) -> dict:
    """Flag name -> value for --n-data ... --public-key-hex-external, from working/*.json."""
    cfg, seed, ka, kb = cli.working_files(working)
    own, other = (ka, kb) if server == "A" else (kb, ka)
    return {"n-data": str(cfg["n_data"]), "batch-id": cfg["batch_id"], "server-id": server,
            "private-key-hex": own["private_key"], "shared-secret": seed,
            "public-key-hex-internal": own["public_key"], "public-key-hex-external": other["public_key"]}


def _split(opts: dict, use_env: bool) -> tuple:
    """(flags, env) for a dict of options: all as flags, or all as environment variables."""
    if not use_env:
        flags = []
        for k, v in opts.items():
            flags += ["--" + k, v]
        return flags, {}
    return [], {k.upper().replace("-", "_"): v for k, v in opts.items()}


def run_ours(base: str, prg_mode: str, r_mode: str = "sequential", use_env: bool = False) -> dict:
    """scripts/test-cli-integration's processing half with bin/prio; `base` holds working/.
    Returns the stdout of each command by "<stage> <server>"."""
    working = os.path.join(base, "working")
    out = {}
    for stage in STAGES:
        for sid, own, peer in (("A", "server_a", "server_b"), ("B", "server_b", "server_a")):
            opts = server_options(working, sid)
            opts["input"] = "working/%s/raw/%s" % (own, NAME)
            if stage != "verify1":
                prev = "verify1" if stage == "verify2" else "verify2"
                opts["input-internal"] = "working/%s/intermediate/internal/%s/%s" % (own, prev, NAME)
                opts["input-external"] = "working/%s/intermediate/external/%s/%s" % (own, prev, NAME)
            # the script's spelling: verify1's output has no trailing slash, the others have one
            opts["output"] = "working/%s/intermediate/internal/%s%s" % (own, stage, "" if stage == "verify1" else "/")
            opts["prg-mode"], opts["r-mode"] = prg_mode, r_mode
            flags, env = _split(opts, use_env)
            out["%s %s" % (stage, sid)] = prio(base, [stage] + flags, env)
            dst = os.path.join(working, peer, "intermediate", "external", stage)
            os.makedirs(dst, exist_ok=True)
            shutil.copy(stage_file(working, own, stage), dst)
    for sid, own in (("A", "server_a"), ("B", "server_b")):
        opts = server_options(working, sid)
        opts["input-internal"] = "working/%s/intermediate/internal/aggregate/%s" % (own, NAME)
        opts["input-external"] = "working/%s/intermediate/external/aggregate/%s" % (own, NAME)
        opts["output"] = "working/%s/processed/" % own
        opts["prg-mode"], opts["r-mode"] = prg_mode, r_mode
        flags, env = _split(opts, use_env)
        out["publish %s" % sid] = prio(base, ["publish"] + flags, env)
    return out


def encode_ours(base: str, prg_mode: str) -> None:
    """bin/prio encode-shares into working/server_{a,b}/raw (the script's generate step)."""
    working = os.path.join(base, "working")
    with open(os.path.join(working, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(working, "server_a_keys.json")) as f:
        ka = json.load(f)
    with open(os.path.join(working, "server_b_keys.json")) as f:
        kb = json.load(f)
    prio(base, ["encode-shares", "--n-data", str(cfg["n_data"]), "--batch-id", cfg["batch_id"],
                "--public-key-hex-internal", ka["public_key"], "--public-key-hex-external", kb["public_key"],
                "--input", "working/client/" + NAME, "--output-A", "working/server_a/raw/",
                "--output-B", "working/server_b/raw/", "--prg-mode", prg_mode])


def published(working: str, server: str) -> dict:
    with open(os.path.join(working, "server_a" if server == "A" else "server_b", "processed", NAME)) as f:
        return json.load(f)


def expected_stdout(command: str, result) -> str:
    error, total = result
    return "Running %s\n%d errors out of %d total\n" % (command, error, total)
