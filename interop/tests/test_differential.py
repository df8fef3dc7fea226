"""libprio (Mozilla's binding, prio-processor CLI semantics) vs our bin/prio on random cases.

For each case libprio encodes the client shares and runs verify1, verify2, aggregate and publish
for A and B; then bin/prio runs the same flow on copies of the same raw files, keys and seed with
`--prg-mode <the binding's mode> --r-mode sequential`. Every verify1, verify2 and aggregate file
must be byte-identical, the stdout lines equal, and the published counts equal to libprio's and
to the true sums of the valid rows.

About 15% of the cases also damage one row after encoding (spec §9): a flipped ciphertext byte on
one side, or a row encoded with n_data + 1 (A rejects it at parsing, B cannot). In SEQUENTIAL mode
that desynchronises the verification points of every later row; libprio's outputs are then no
longer the truth, but ours must still equal them byte for byte.

About 20% of the cases run in CONSTANT r mode instead (`--r-mode constant`; libprio with a fresh
PrioServer per row in verify1 and verify2, as prio-processor's Spark UDFs do): the mode our
server pair runs in.

INTEROP_CASES (default 180) random cases, of which INTEROP_BIG (default 4) at n_data 2046.
"""

import json
import os
import random
from base64 import b64decode, b64encode

import pytest

import harness
import libprio_cli as cli

CASES = int(os.environ.get("INTEROP_CASES") or 180)
BIG = int(os.environ.get("INTEROP_BIG") or 4)


def _raw(working, side):
    return os.path.join(working, "server_" + side, "raw", cli.NAME)


def _rewrite(path, row, payload):
    with open(path) as f:
        lines = [json.loads(line) for line in f]
    lines[row]["payload"] = payload
    with open(path, "w") as f:
        for line in lines:
            json.dump(line, f)
            f.write("\n")


def apply_damage(working, case, pub_a, pub_b):
    """Spec §9's desynchronisation cases, applied to the raw files both flows then read."""
    rng = random.Random("%s/%d/damage" % (case.seed_b64, case.index))
    for kind, row, side in case.damage:
        if kind == "gcm":  # one flipped ciphertext byte: only `side` fails to decrypt the row
            with open(_raw(working, side)) as f:
                ct = bytearray(b64decode(json.loads(f.readlines()[row])["payload"]))
            ct[rng.randrange(44, len(ct))] ^= 1 << rng.randrange(8)
            _rewrite(_raw(working, side), row, b64encode(bytes(ct)).decode())
        else:  # encoded with n_data + 1: A rejects it when parsing, B (a seed only) cannot tell
            tmp = os.path.join(working, "ndata")
            os.makedirs(tmp)
            with open(os.path.join(tmp, "in.ndjson"), "w") as f:
                f.write(json.dumps({"payload": case.rows[row] + [0]}) + "\n")
            cli.encode_shares(case.n_data + 1, case.batch_id, pub_a, pub_b, os.path.join(tmp, "in.ndjson"), tmp + "/a", tmp + "/b")
            for s in ("a", "b"):
                with open(os.path.join(tmp, s, "in.ndjson")) as f:
                    _rewrite(_raw(working, s), row, json.loads(f.readline())["payload"])


def run_libprio(case_dir, case):
    """libprio client + libprio servers in <case_dir>/lib/working; returns the oracle's results."""
    working = os.path.join(case_dir, "lib", "working")
    harness.write_inputs(working, case, cli.keygen(), cli.keygen())
    with open(os.path.join(working, "server_a_keys.json")) as f:
        pub_a = json.load(f)["public_key"]
    with open(os.path.join(working, "server_b_keys.json")) as f:
        pub_b = json.load(f)["public_key"]
    cli.encode_shares(case.n_data, case.batch_id, pub_a, pub_b, os.path.join(working, "client", cli.NAME),
                      os.path.join(working, "server_a", "raw"), os.path.join(working, "server_b", "raw"))
    apply_damage(working, case, pub_a, pub_b)
    return working, cli.process(working, case.r_mode)


def check_oracle(case, res):
    """libprio itself must get the truth; otherwise the comparison would prove nothing."""
    rows, bad = len(case.rows), len(case.invalid)
    assert res["verify1 A"] == (0, rows) and res["verify1 B"] == (0, rows), res
    assert res["aggregate A"] == (bad, rows) and res["aggregate B"] == (bad, rows), res
    assert res["publish A"] == case.truth() and res["publish B"] == case.truth()


@pytest.mark.parametrize("index", range(CASES), ids=lambda i: "case%03d" % i)
def test_same_bytes_as_libprio(index, seed, binding_mode, case_dir, bin_prio):
    case = harness.make_case(seed, index, n_data=2046 if index < BIG else None, damage=index >= BIG,
                             constant_share=0.2)
    print(case.describe())
    lib_working, res = run_libprio(case_dir, case)
    if case.damage:  # libprio's own answer is no longer the truth; it must show the damage
        failing = len(set(case.invalid) | {row for _, row, _ in case.damage})
        assert res["aggregate A"][0] >= failing and res["aggregate B"][0] >= failing, res
    else:
        check_oracle(case, res)

    ours = os.path.join(case_dir, "ours")
    our_working = os.path.join(ours, "working")
    harness.copy_inputs(lib_working, our_working)
    stdout = harness.run_ours(ours, binding_mode.lower(), case.r_mode, use_env=case.use_env)

    for stage in harness.STAGES:
        for sid, server in (("A", "server_a"), ("B", "server_b")):
            lib = harness.read(harness.stage_file(lib_working, server, stage))
            our = harness.read(harness.stage_file(our_working, server, stage))
            assert our == lib, "%s %s differs from libprio (%s)\nlibprio: %r\nours:    %r" % (
                stage, sid, case.describe(), lib[:300], our[:300])
            assert stdout["%s %s" % (stage, sid)] == harness.expected_stdout(stage, res["%s %s" % (stage, sid)])
    for sid in ("A", "B"):
        assert harness.published(our_working, sid)["payload"] == res["publish %s" % sid]
        assert case.damage or res["publish %s" % sid] == case.truth()
        assert stdout["publish %s" % sid] == "Running publish\n"
