"""Shared test configuration."""

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# Property tests draw the same examples on every run and machine (derandomize), so the
# suite cannot fail by chance on one CI run and pass on the next (issue 11: a random draw
# of route_factor=9e305 failed one CI run). To hunt for new failures with fresh random
# examples, run with SATCLOUD_HYPOTHESIS_PROFILE=hunt (and raise the per-test counts, e.g.
# SATCLOUD_FUZZ_EXAMPLES=2000 for the fuzz modules); add what it finds as explicit cases.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("hunt", derandomize=False, database=None)
settings.load_profile(os.environ.get("SATCLOUD_HYPOTHESIS_PROFILE", "deterministic"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_memory_limit():
    """Lower satcloud's memory guard to 64 MB for a module (the fuzz modules): an input
    that would build a large but valid grid is refused at once instead of allocating
    gigabytes; the guard itself is what those tests exercise."""
    from satcloud import _validate

    old = _validate.MAX_ARRAY_BYTES
    _validate.MAX_ARRAY_BYTES = 64 * 2**20
    try:
        yield
    finally:
        _validate.MAX_ARRAY_BYTES = old


@pytest.fixture(scope="session")
def root() -> Path:
    """The project's source tree."""
    return ROOT


@pytest.fixture()
def nonet_env(tmp_path):
    """Environment for a subprocess with the network guard of tests/support/nonet."""
    log = tmp_path / "network-attempts.log"
    return _nonet(log), log


def _nonet(log: Path) -> dict:
    log.write_text("")
    env = dict(os.environ)
    guard = str(ROOT / "tests" / "support" / "nonet")
    env["PYTHONPATH"] = os.pathsep.join([guard] + ([env["PYTHONPATH"]]
                                                   if env.get("PYTHONPATH") else []))
    env["SATCLOUD_NONET_LOG"] = str(log)
    return env


@pytest.fixture(scope="session")
def small_report(tmp_path_factory):
    """The whole notebook series run once with small parameters, under the network guard.

    Returns ``(completed_process, out_dir, network_log_path)``; shared by the offline
    test and the browser test so the series runs once per test session.
    """
    base = tmp_path_factory.mktemp("small_report")
    log = base / "network-attempts.log"
    out = base / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "satcloud.cli", "report", "--small", "--jobs", "2", "--out",
         str(out)], env=_nonet(log), capture_output=True, text=True, cwd=ROOT, timeout=1800)
    return proc, out, log
