"""A plain ``pip install`` of the wheel works outside the checkout (issue 11, point 2).

The wheel failed as soon as a function read ``data/`` (FileNotFoundError), and
``satcloud report`` found no notebooks (exit 2): both folders lived beside the package,
not in it. This test builds the wheel from a copy of the sources, installs it into a
fresh virtual environment and uses it from an empty folder, with the checkout on no
path, then checks that the data, the map layers and the notebooks came from the
installed package.

Choices, to stay offline and quick (about half a minute):

- The wheel is built with ``pip wheel --no-build-isolation --no-index``, using the
  setuptools of the running environment (``setuptools>=77`` is a test extra), from a
  copy of the project files that ship (so no ``build/`` or ``*.egg-info`` appears in
  the checkout, and stray files of the checkout cannot leak in).
- The fresh environment is made with ``python -m venv --without-pip`` and the wheel is
  installed into it by the running pip (``pip --python``) with ``--no-deps``. Its
  dependencies (numpy, cartopy, papermill, ...) come from the running environment's
  site-packages, added by a ``.pth`` file: the new environment's own site-packages comes
  first on ``sys.path``, and ``.pth`` files in the added folder are not processed, so
  the running environment's editable install of satcloud (a ``.pth`` import hook) is
  not active there. The test asserts that ``satcloud`` is imported from the new
  environment. The dependencies' data files (nbconvert's HTML templates, in
  ``<prefix>/share/jupyter``) are found through ``JUPYTER_PATH``, as Jupyter documents
  for data files outside ``sys.prefix``.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

# builds, installs and runs a notebook (about half a minute): slow-ish, in the default suite
pytestmark = pytest.mark.notebook

SHIPPED = ("pyproject.toml", "README.md", "satcloud", "data", "notebooks")

CHECKS = r"""
import json, os, sys
from pathlib import Path

site, checkout = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
on_path = [p for p in sys.path if p and Path(p).resolve() == checkout]
assert not on_path, f"the checkout is on sys.path: {on_path}"

import satcloud
from satcloud import data
from satcloud.report import default_notebook_dir

found = {
    "satcloud": satcloud.__file__,
    "data_dir": str(data.data_dir()),
    "notebook_dir": str(default_notebook_dir()),
}
tables = {name: len(data.load_table(name)) for name in data.TABLES}
cities = data.cities(5)
shells = satcloud.constellation("starlink-gen1")
budget = satcloud.link_budget("starlink_user_downlink", None, 40.0, lat_deg=40.0,
                              lon_deg=-100.0)
import satcloud.plots as plots

found["coastline"] = str(plots.naturalearth_path("physical", "coastline"))
import matplotlib
matplotlib.use("Agg")
ax = plots.world_map()  # land, coastlines and borders from the shipped layers
ax.figure.canvas.draw()
times = satcloud.time_grid("2024-01-01", duration="4min", step="60s")
rtt = satcloud.rtt("starlink-gen1", "bent-pipe", ["London"], "nearest Azure region", times)
print(json.dumps({
    "found": found, "tables": tables, "top_city": cities.name.iloc[0],
    "satellites": len(shells.satellites), "budget_rows": len(budget),
    "rtt_rows": len(rtt), "times": len(times),
    "rtt_plausible": bool(rtt.rtt_ms.between(1, 1000).all()),
}))
"""


def _copy_sources(root: Path, dest: Path) -> Path:
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in SHIPPED:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    return dest


def _env_without_checkout() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "SATCLOUD_DATA_DIR",
                        "VIRTUAL_ENV", "CONDA_PREFIX", "JUPYTER_PATH")}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(root, tmp_path_factory):
    """(venv python, venv site-packages, wheel path) of a fresh install of the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    src = _copy_sources(root, base / "src")
    env = _env_without_checkout()
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(base / "dist"), str(src)],
        capture_output=True, text=True, env=env, cwd=base, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = (base / "dist").glob("satcloud-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   env=env, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, env=env).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_satcloud_test_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in sorted(deps)))
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", str(wheel)], capture_output=True, text=True, env=env, timeout=600)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return python, site, wheel


def test_wheel_carries_the_data_and_the_notebooks(root, installed):
    _, _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in (root / "data").glob("*.csv"):
        assert f"satcloud/_data/{table.name}" in names
    shapes = {p.relative_to(root / "data").as_posix()
              for p in (root / "data" / "naturalearth").rglob("*") if p.is_file()}
    assert shapes and all(f"satcloud/_data/{s}" in names for s in shapes)
    for book in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        assert f"satcloud/_notebooks/{book.name}" in names
    assert "satcloud/_data/README.md" in names
    # nothing of the checkout outside the package, no caches
    assert all(n.startswith(("satcloud/", "satcloud-")) for n in names), sorted(names)[:5]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_installed_wheel_works_from_another_folder(root, installed, tmp_path):
    python, site, _ = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _env_without_checkout()
    proc = subprocess.run([str(python), "-c", CHECKS, str(site), str(root)], cwd=work,
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    # everything resolved inside the fresh environment's site-packages, not the checkout
    for what, path in got["found"].items():
        assert Path(path).resolve().is_relative_to(site.resolve()), (what, path)
    assert set(got["tables"]) and all(n > 0 for n in got["tables"].values())
    # GeoNames: Shanghai is the most populous city (as in tests/test_data.py); FCC 21-48:
    # Starlink Gen1 is 4,408 satellites; one round trip from London per time step, each
    # between 1 ms and 1 s (a LEO bent pipe to the nearest Azure region)
    assert got["top_city"] == "Shanghai"
    assert got["satellites"] == 4408
    assert got["budget_rows"] >= 1
    assert got["times"] >= 4 and got["rtt_rows"] == got["times"]
    assert got["rtt_plausible"]


def test_installed_commands_work_from_another_folder(installed, tmp_path):
    python, site, _ = installed
    exe = python.parent / "satcloud"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = _env_without_checkout()
    data_cmd = subprocess.run([str(exe), "data"], cwd=work, capture_output=True, text=True,
                              env=env, timeout=300)
    assert data_cmd.returncode == 0, data_cmd.stdout + data_cmd.stderr
    assert "Traceback" not in data_cmd.stderr
    assert f"data folder: {site / 'satcloud' / '_data'}" in data_cmd.stdout

    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")  # nbconvert templates
    rep = subprocess.run([str(exe), "report", "--small", "--only", "00", "--out", "rep",
                          "--quiet"], cwd=work, capture_output=True, text=True, env=env,
                         timeout=900)
    assert rep.returncode == 0, rep.stdout[-3000:] + rep.stderr[-3000:]
    out = work / "rep"
    assert (out / "index.html").is_file() and (out / "00_overview.html").is_file()
    executed = out / "executed" / "00_overview.ipynb"
    assert executed.is_file()
    headlines = json.loads((out / "headlines.json").read_text())
    assert headlines["00_overview"]["ok"] and headlines["00_overview"]["headlines"]
    # the kernel ran the installed notebook, in the installed notebook folder
    meta = json.loads(executed.read_text())["metadata"]["papermill"]
    assert Path(meta["input_path"]).resolve().is_relative_to(site.resolve())
