"""Shared test configuration."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The project's source tree."""
    return ROOT


@pytest.fixture()
def nonet_env(tmp_path):
    """Environment for a subprocess with the network guard of tests/support/nonet."""
    log = tmp_path / "network-attempts.log"
    log.write_text("")
    env = dict(os.environ)
    guard = str(ROOT / "tests" / "support" / "nonet")
    env["PYTHONPATH"] = os.pathsep.join([guard] + ([env["PYTHONPATH"]]
                                                   if env.get("PYTHONPATH") else []))
    env["SATCLOUD_NONET_LOG"] = str(log)
    return env, log
