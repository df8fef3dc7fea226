"""Shared set-up: the run's random seed, the binding's PRG mode, scratch space, bin/prio."""

import os
import random
import shutil
import sys
import tempfile

import pytest

INTEROP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, INTEROP)

import harness  # noqa: E402
import libprio_cli  # noqa: E402
import selfcheck  # noqa: E402


def pytest_configure(config):
    # Chosen once in the controlling process; xdist workers inherit it through the environment,
    # so every worker collects and generates the same cases.
    if not os.environ.get("INTEROP_SEED"):
        os.environ["INTEROP_SEED"] = str(random.SystemRandom().randrange(1, 2 ** 31))


def pytest_report_header(config):
    return "interop seed: %s (reproduce the same cases with INTEROP_SEED=%s)" % (
        os.environ["INTEROP_SEED"], os.environ["INTEROP_SEED"])


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


SEED = None  # set per process below


@pytest.fixture(scope="session")
def seed():
    return int(os.environ["INTEROP_SEED"])


@pytest.fixture(scope="session")
def binding_mode():
    """The PRG key mode of the installed binding, found from the vectors (see selfcheck.py)."""
    libprio_cli.init()
    tmp = tempfile.mkdtemp(prefix="interop-mode-")
    try:
        found = selfcheck.prg_mode(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert found["mode"] is not None, "could not determine the binding's PRG mode: %s" % found
    return found["mode"]


@pytest.fixture(scope="session")
def work_root(seed):
    """interop/work/seed-<n>/ (or $INTEROP_WORK): every case's files; kept for failed cases."""
    root = os.environ.get("INTEROP_WORK") or os.path.join(INTEROP, "work", "seed-%d" % seed)
    os.makedirs(root, exist_ok=True)
    return root


@pytest.fixture
def case_dir(work_root, request):
    """A fresh directory per test, removed when the test passes unless INTEROP_KEEP=1."""
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    d = os.path.join(work_root, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    yield d
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed and os.environ.get("INTEROP_KEEP") != "1":
        shutil.rmtree(d, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep


@pytest.fixture(scope="session")
def bin_prio():
    if not os.path.exists(os.path.join(harness.REPO, "prio-cli", "target", "prio-cli.jar")):
        pytest.fail("prio-cli/target/prio-cli.jar is missing: ./mvnw -q -B -ntp -DskipTests package -pl prio-cli -am "
                    "(interop/run-tests.sh builds it)")
    return harness.BIN_PRIO
