#!/usr/bin/env bash
# Installs Mozilla's Python binding of libprio (PyPI `prio`) into interop/.venv, the oracle of the
# interop tests, and checks it. Idempotent: a second run changes nothing and only re-checks.
# Needs root (apt-get) on Debian bookworm; reaches only Debian's archive and PyPI.
#
# What PyPI has (see README.md): `prio` 1.1 and 1.0 (Mozilla, from mozilla/libprio's python/)
# are manylinux1 WHEELS ONLY, for CPython 3.6 to 3.9; there is no sdist of 1.x. `prio` 0.2 is an
# sdist of the 2018 python-libprio with a prebuilt pre-1.0 libprio that matches neither PRG mode.
# So: prio==1.1 from its cp39 wheel, in a CPython 3.9 (3.6-3.8 also work) virtualenv, its
# extension dynamically linked against Debian's libnss3, libnspr4 and libmsgpackc2.
#
# Environment: INTEROP_PYTHON=/path/to/python3.x  use that interpreter for the venv
#              INTEROP_VENV=/path                  venv location (default interop/.venv)
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${INTEROP_VENV:-$here/.venv}"
PRIO_VERSION=1.1
# pytest 8.3 is the last line that supports CPython 3.8/3.9 both; xdist runs cases on 2 cores.
PY_REQS=(pytest==8.3.5 pytest-xdist==3.6.1)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages --------------------------------------------------------------------
# Runtime: libnss3, libnspr4, libmsgpackc2 (the wheel's extension links them). The -dev packages,
# swig, build-essential, pkg-config and python3-dev are what a source build of libprio needs; they
# are installed too so that a source build (e.g. of a future sdist) works here, see CFLAGS below.
apt_pkgs=(libnss3 libnspr4 libmsgpackc2 libnss3-dev libnspr4-dev libmsgpack-dev swig build-essential pkg-config python3-dev ca-certificates)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "Debian packages missing (${missing[*]}) and not root"
  say "apt-get update (once), then apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages present: ${apt_pkgs[*]}"
fi
say "Debian versions: libnss3 $(dpkg-query -W -f='${Version}' libnss3), libnspr4 $(dpkg-query -W -f='${Version}' libnspr4), libmsgpackc2 $(dpkg-query -W -f='${Version}' libmsgpackc2), swig $(dpkg-query -W -f='${Version}' swig)"

# NSS >= 3.52 changed CK_GCM_PARAMS to the PKCS#11 v3 layout: libprio compiled from source against
# these headers leaves ulIvBits unset and every AES-GCM decryption fails unless it is built with
# -DNSS_PKCS11_2_0_COMPAT. The PyPI 1.1 wheel is prebuilt (not affected: the round trip below
# decrypts); this only matters for anything pip would compile, which --only-binary=prio forbids
# for the binding itself.
export CFLAGS="${CFLAGS:-} -DNSS_PKCS11_2_0_COMPAT"

# --- 2. A CPython the wheel exists for (3.6 .. 3.9) ------------------------------------------
py_ok() { "$1" -c 'import sys, venv; sys.exit(0 if (3, 6) <= sys.version_info[:2] <= (3, 9) else 1)' 2>/dev/null; }
python=""
if [ -n "${INTEROP_PYTHON:-}" ]; then
  py_ok "$INTEROP_PYTHON" || die "INTEROP_PYTHON=$INTEROP_PYTHON is not a CPython 3.6-3.9 with venv"
  python="$INTEROP_PYTHON"
else
  pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for minor in 9 8 7 6; do
    for cand in "$(command -v "python3.$minor" 2>/dev/null || true)" $(ls -d "$pyenv_root"/versions/3."$minor".*/bin/python 2>/dev/null | sort -V -r); do
      if [ -n "$cand" ] && py_ok "$cand"; then python="$cand"; break 2; fi
    done
  done
fi
[ -n "$python" ] || die "no CPython 3.6-3.9 found (python3.9 on PATH or pyenv's versions/3.9.*); prio 1.x exists on PyPI only as cp36-cp39 wheels. Set INTEROP_PYTHON."
say "interpreter: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"

# --- 3. The virtualenv -----------------------------------------------------------------------
want="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
  say "virtualenv exists: $venv"
else
  rm -rf "$venv"
  "$python" -m venv "$venv"
  say "created virtualenv $venv"
fi
vpy="$venv/bin/python"
have() { "$vpy" -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('$1') == '$2' else 1)" 2>/dev/null; }
need=()
have prio "$PRIO_VERSION" || need+=("prio==$PRIO_VERSION")
for r in "${PY_REQS[@]}"; do have "${r%%==*}" "${r##*==}" || need+=("$r"); done
if [ ${#need[@]} -gt 0 ]; then
  say "pip install ${need[*]} (prio from its manylinux1 wheel only)"
  "$vpy" -m pip install -q --disable-pip-version-check --only-binary=prio "${need[@]}"
else
  say "already installed: prio==$PRIO_VERSION ${PY_REQS[*]}"
fi

# --- 4. Check it: versions, a libprio round trip, the PRG key mode -----------------------------
say "self-check (interop/selfcheck.py):"
"$vpy" "$here/selfcheck.py"
say "ok: $vpy has the libprio oracle"
