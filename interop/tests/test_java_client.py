"""Our encoder as the client, libprio as the servers; and the PRG mode, seen from both sides.

- bin/prio encode-shares (in the binding's PRG mode) writes the raw files; libprio's servers run
  prio-processor's CLI flow on them. Every valid row must verify and the published counts must be
  the true sums; every row with a 2 must be rejected (counted in aggregate's error), on A and B.
- The binding's PRG mode is the one written down in docs/interop.md: the libprio-generated vector
  set made in that mode reproduces byte for byte on the binding, the sets made in the other mode
  do not (and fail every proof), and our bin/prio in the other mode rejects every row libprio
  encodes while libprio rejects every row our encoder makes in the other mode.
"""

import json
import os

import pytest

import harness
import libprio_cli as cli
import selfcheck

CASES = int(os.environ.get("INTEROP_CLIENT_CASES") or 24)
OTHER = {"HASHED": "LEGACY", "LEGACY": "HASHED"}


def encode_with_ours(case_dir, case, prg_mode):
    base = os.path.join(case_dir, "ours")
    working = os.path.join(base, "working")
    harness.write_inputs(working, case, cli.keygen(), cli.keygen())
    harness.encode_ours(base, prg_mode.lower())
    return working


@pytest.mark.parametrize("index", range(CASES), ids=lambda i: "client%03d" % i)
def test_libprio_servers_accept_our_packets(index, seed, binding_mode, case_dir, bin_prio):
    # Cases 1000+ are a separate stream from the differential cases; the first is n_data 2046.
    case = harness.make_case(seed, 1000 + index, n_data=2046 if index == 0 else None)
    print(case.describe())
    working = encode_with_ours(case_dir, case, binding_mode)
    ids_a = [json.loads(line)["id"] for line in open(os.path.join(working, "server_a", "raw", cli.NAME))]
    ids_b = [json.loads(line)["id"] for line in open(os.path.join(working, "server_b", "raw", cli.NAME))]
    assert ids_a == ids_b and len(ids_a) == len(case.rows)

    res = cli.process(working)
    rows, bad = len(case.rows), len(case.invalid)
    # Every packet decrypts and parses on both libprio servers (the 2s are well-formed packets) ...
    assert res["verify1 A"] == (0, rows) and res["verify1 B"] == (0, rows), res
    assert res["verify2 A"] == (0, rows) and res["verify2 B"] == (0, rows), res
    # ... and exactly the rows with a 2 fail the proof.
    assert res["aggregate A"] == (bad, rows) and res["aggregate B"] == (bad, rows), res
    assert res["publish A"] == case.truth() and res["publish B"] == case.truth()


def test_binding_prg_mode_from_vectors(binding_mode, tmp_path):
    """The finding itself: which vector sets reproduce on the binding."""
    cli.init()
    found = selfcheck.prg_mode(str(tmp_path))
    assert any(v["made_in"] == "LEGACY" for v in found["sets"].values()), "no LEGACY vector set found"
    assert any(v["made_in"] == "HASHED" for v in found["sets"].values()), "no HASHED vector set found"
    for rel, v in found["sets"].items():
        if v["made_in"] == binding_mode:
            assert v["identical"], rel
            assert v["aggregate A"][0] == 0, rel
        else:
            assert not v["identical"], rel
            error, total = v["aggregate A"]
            assert error == total > 0, "%s: a %s set must fail every proof on this binding" % (rel, v["made_in"])
    assert found["mode"] == binding_mode


def test_our_servers_in_the_other_mode_reject_libprio_packets(seed, binding_mode, case_dir, bin_prio):
    case = harness.make_case(seed, 2000, n_data=5)
    case.invalid = []
    case.rows = [[1, 0, 1, 1, 0], [0, 1, 1, 0, 1], [1, 1, 1, 1, 1]]
    lib = os.path.join(case_dir, "lib", "working")
    harness.write_inputs(lib, case, cli.keygen(), cli.keygen())
    ka = json.load(open(os.path.join(lib, "server_a_keys.json")))
    kb = json.load(open(os.path.join(lib, "server_b_keys.json")))
    cli.encode_shares(5, case.batch_id, ka["public_key"], kb["public_key"], os.path.join(lib, "client", cli.NAME),
                      os.path.join(lib, "server_a", "raw"), os.path.join(lib, "server_b", "raw"))
    for mode, expect_error in ((OTHER[binding_mode], 3), (binding_mode, 0)):
        ours = os.path.join(case_dir, "ours-" + mode.lower())
        harness.copy_inputs(lib, os.path.join(ours, "working"))
        harness.run_ours(ours, mode.lower())
        agg = json.load(open(harness.stage_file(os.path.join(ours, "working"), "server_a", "aggregate")))
        assert (agg["error"], agg["total"]) == (expect_error, 3), "bin/prio --prg-mode %s" % mode.lower()


def test_libprio_rejects_our_packets_in_the_other_mode(seed, binding_mode, case_dir, bin_prio):
    case = harness.make_case(seed, 2001, n_data=4)
    case.invalid = []
    case.rows = [[1, 0, 1, 1], [0, 1, 1, 0]]
    working = encode_with_ours(case_dir, case, OTHER[binding_mode])
    res = cli.process(working)
    # B's shares come from the client's seed expanded in the wrong mode: every proof fails.
    assert res["verify1 A"] == (0, 2) and res["aggregate A"] == (2, 2) and res["aggregate B"] == (2, 2), res
