"""ruff lint is part of the suite."""

import subprocess
import sys
from pathlib import Path


def test_ruff_clean(root):
    ruff = Path(sys.executable).with_name("ruff")
    cmd = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    proc = subprocess.run(cmd + ["check", "--no-cache", "."], cwd=root, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
