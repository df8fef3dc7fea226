"""Checks the installed libprio binding and finds its PRG key mode; setup.sh runs this.

Prints the versions in use (the binding, the SWIG that generated it, NSS, NSPR, msgpack-c as
loaded at run time), runs a client -> A/B round trip with a valid and an invalid row, and runs the
binding's servers (prio-processor CLI semantics) over libprio-generated vector sets to find the
PRG key mode empirically:

- LEGACY (libprio <= 1.6, Firefox): the AES-CTR key is the raw 16-byte seed;
- HASHED (libprio HEAD since 80647f4): the key is SHA-256(seed || batch_id)[0:16].

A set made in the binding's own mode reproduces byte for byte; a set made in the other mode
gives different verify1 bytes and fails every SNIP. Exit status 0 only if the round trip works
and exactly one mode matches. `--json` prints the result as one JSON object.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import libprio_cli as cli  # noqa: E402


def vectors_dir() -> str:
    """The repository's testdata/vectors; the interop suite reads nothing outside the repository."""
    path = os.path.normpath(os.path.join(HERE, "..", "testdata", "vectors"))
    if not os.path.isdir(path):
        raise FileNotFoundError("test vectors missing: %s" % path)
    return path


def versions() -> dict:
    from prio import libprio
    out = {}
    try:
        from importlib.metadata import version
        out["prio"] = version("prio")
    except Exception:  # pragma: no cover
        out["prio"] = "?"
    out["python"] = sys.version.split()[0]
    with open(libprio.__file__) as f:
        head = f.read(400)
    out["swig"] = next((line.split()[-1] for line in head.splitlines() if line.startswith("# Version")), "?")
    ext = getattr(libprio, "_libprio", None)
    out["extension"] = os.path.basename(getattr(ext, "__file__", "?"))
    cli.init()
    # libnss3/libnspr4/libmsgpackc are already loaded by the extension; these find the same copies.
    for name, lib, fn in (("nss", "libnss3.so", "NSS_GetVersion"), ("nspr", "libnspr4.so", "PR_GetVersion"),
                          ("msgpack-c", "libmsgpackc.so.2", "msgpack_version")):
        try:
            f = getattr(ctypes.CDLL(lib), fn)
            f.restype = ctypes.c_char_p
            out[name] = f().decode()
        except Exception as e:  # pragma: no cover
            out[name] = f"? ({e})"
    return out


def round_trip(tmp: str) -> dict:
    """libprio client -> libprio servers: 3 rows, the last one invalid (a 2)."""
    working = os.path.join(tmp, "roundtrip")
    os.makedirs(os.path.join(working, "client"))
    ka, kb = cli.keygen(), cli.keygen()
    for name, obj in (("server_a_keys.json", ka), ("server_b_keys.json", kb),
                      ("shared_seed.json", {"shared_seed": cli.shared_seed()}),
                      ("config.json", {"n_data": 4, "batch_id": "selfcheck"})):
        with open(os.path.join(working, name), "w") as f:
            json.dump(obj, f)
    rows = [[1, 0, 1, 1], [1, 1, 0, 1], [0, 2, 0, 1]]
    with open(os.path.join(working, "client", cli.NAME), "w") as f:
        for r in rows:
            f.write(json.dumps({"payload": r}) + "\n")
    cli.encode_shares(4, "selfcheck", ka["public_key"], kb["public_key"], os.path.join(working, "client", cli.NAME),
                      os.path.join(working, "server_a", "raw"), os.path.join(working, "server_b", "raw"))
    res = cli.process(working)
    ok = (res["verify1 A"] == (0, 3) and res["verify1 B"] == (0, 3) and res["aggregate A"] == (1, 3)
          and res["publish A"] == [2, 1, 1, 2] and res["publish B"] == [2, 1, 1, 2])
    return {"ok": ok, "results": {k: list(v) for k, v in res.items()}}


def probe_set(src: str, tmp: str) -> dict:
    """Runs the binding's CLI flow on a vector set's raw files; compares verify1 bytes and errors."""
    working = os.path.join(tmp, os.path.basename(src))
    os.makedirs(working)
    for name in ("config.json", "shared_seed.json", "server_a_keys.json", "server_b_keys.json"):
        shutil.copy(os.path.join(src, name), working)
    for s in ("server_a", "server_b"):
        os.makedirs(os.path.join(working, s, "raw"))
        shutil.copy(os.path.join(src, s, "raw", cli.NAME), os.path.join(working, s, "raw"))
    res = cli.process(working)
    same = True
    for s in ("server_a", "server_b"):
        for stage in cli.STAGES:
            rel = os.path.join(s, "intermediate", "internal", stage, cli.NAME)
            with open(os.path.join(src, rel), "rb") as f1, open(os.path.join(working, rel), "rb") as f2:
                same &= f1.read() == f2.read()
    return {"identical": same, "aggregate A": list(res["aggregate A"]), "publish": res["publish A"]}


# (vector set, the mode it was made in); all sequential-r (CLI) sets.
PROBES = (("libprio-generated/hashed-n5-cli", "HASHED"),
          ("libprio-generated/legacy-n1-cli", "LEGACY"),
          ("libprio-generated/legacy-n3-cli", "LEGACY"),
          ("prio-processor/tests/resources/cli", "LEGACY"))


def prg_mode(tmp: str) -> dict:
    base = vectors_dir()
    found = {}
    for rel, mode in PROBES:
        src = os.path.join(base, rel)
        if not os.path.isdir(src):
            raise FileNotFoundError("test vector folder missing: %s" % src)
        found[rel] = dict(probe_set(src, tmp), made_in=mode)
    modes = {v["made_in"] for v in found.values() if v["identical"]}
    mode = modes.pop() if len(modes) == 1 else None
    return {"mode": mode, "sets": found}


def main() -> int:
    as_json = "--json" in sys.argv
    tmp = tempfile.mkdtemp(prefix="interop-selfcheck-")
    try:
        result = {"versions": versions(), "round_trip": round_trip(tmp), "prg": prg_mode(tmp)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = result["round_trip"]["ok"] and result["prg"]["mode"] is not None
    if as_json:
        print(json.dumps(result))
    else:
        v = result["versions"]
        print("  binding: prio %s (SWIG %s wrapper, %s), CPython %s" % (v["prio"], v["swig"], v["extension"], v["python"]))
        print("  loaded:  NSS %s, NSPR %s, msgpack-c %s" % (v["nss"], v["nspr"], v["msgpack-c"]))
        rt = result["round_trip"]
        print("  round trip (libprio client -> libprio A/B, 3 rows, 1 invalid): %s; A aggregate error/total %s, publish %s"
              % ("ok" if rt["ok"] else "FAILED", rt["results"]["aggregate A"], rt["results"]["publish A"]))
        for rel, r in result["prg"]["sets"].items():
            print("  vectors %-40s (%s): %s; aggregate A error/total %s" % (
                rel, r["made_in"], "byte-identical" if r["identical"] else "different", r["aggregate A"]))
        print("  PRG key mode of this binding: %s" % (result["prg"]["mode"] or "UNDETERMINED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
