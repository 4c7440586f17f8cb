"""The front door: every exported name resolves; import stays light."""

import subprocess
import sys
from pathlib import Path

import pytest

import satcloud


def test_every_exported_name_resolves():
    for name in satcloud.__all__:
        assert getattr(satcloud, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    try:
        satcloud.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_does_not_pull_heavy_modules():
    # lazy submodules: importing the package must not import cartopy, itur or dask
    code = ("import sys, satcloud; heavy = [m for m in ('cartopy', 'itur', 'dask', "
            "'papermill') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_sweep_and_passes_are_plain_modules_at_the_front_door():
    # issue 12: no callable-module trick. Importing a submodule binds its name on the
    # package, so the front-door names sweep and passes are the modules (as coverage,
    # chunked ...), and the verbs are satcloud.sweep.sweep and satcloud.passes.passes.
    import satcloud.passes as mod
    import satcloud.sweep as sweep_mod

    assert satcloud.passes is mod and type(mod) is type(satcloud)
    assert satcloud.sweep is sweep_mod and type(sweep_mod) is type(satcloud)
    assert not callable(satcloud.passes) and callable(satcloud.passes.passes)
    assert satcloud.daily_totals is mod.daily_totals


def test_every_package_folder_is_listed_for_the_wheel(root):
    # pyproject.toml lists the packages (data/ and notebooks/ are mapped into the package,
    # which rules out setuptools' automatic discovery); a package folder missing from the
    # list would be missing from the wheel
    import tomllib

    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(root).parts)
               for p in (root / "satcloud").rglob("__init__.py")
               if "__pycache__" not in p.parts}
    mapped = config["package-dir"]
    assert mapped == {"satcloud._data": "data", "satcloud._notebooks": "notebooks"}
    assert sorted(config["packages"]) == sorted(on_disk | set(mapped)), (
        "add the package to [tool.setuptools] packages in pyproject.toml")


def test_shipped_folders_resolve_through_the_package(root):
    # satcloud.data and satcloud.report find data/ and notebooks/ through the packages
    # satcloud._data / satcloud._notebooks (importlib.resources), not relative to the
    # source tree; in this (editable) checkout those are the top-level folders
    import importlib.resources

    from satcloud import data, report
    from satcloud._resources import shipped_dir

    assert shipped_dir("data") == importlib.resources.files("satcloud._data")
    assert shipped_dir("notebooks") == importlib.resources.files("satcloud._notebooks")
    if Path(satcloud.__file__).resolve().parent == root / "satcloud":  # editable install
        assert data.data_dir() == root / "data"
        assert report.default_notebook_dir() == root / "notebooks"
    assert (data.data_dir() / "cities.csv").is_file()
    assert (report.default_notebook_dir() / "00_overview.ipynb").is_file()


def test_shipped_dir_rejects_unknown_kinds():
    from satcloud._resources import shipped_dir

    with pytest.raises(ValueError, match=r"kind must be one of \['data', 'notebooks'\], "
                                         r"got 'tests'"):
        shipped_dir("tests")


def test_no_module_locates_files_relative_to_the_source_tree(root):
    # the wheel has no data/ or notebooks/ beside satcloud/: every module goes through
    # satcloud._resources (issue 11, point 2); `__file__` climbing out of the package
    # (".parent.parent") is how the old code found them
    offenders = [p.relative_to(root).as_posix() for p in (root / "satcloud").rglob("*.py")
                 if "parent.parent" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_core_kernels_import_nothing_but_numpy_numba_and_core(root):
    # satcloud._core holds unitless numba kernels (issue 12, point 4): no astropy, no
    # pandas, nothing of satcloud outside _core
    import ast

    allowed = {"__future__", "importlib", "math", "numba", "numpy"}
    for path in sorted((root / "satcloud" / "_core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert (name.split(".")[0] in allowed or name == "satcloud._core"
                        or name.startswith("satcloud._core.")), f"{path.name} imports {name}"


def test_core_kernels_compile_lazily():
    # importing the thin layers does not import numba; the first use loads the kernels
    code = ("import sys, satcloud.orbits, satcloud.geometry; "
            "assert 'numba' not in sys.modules, 'numba imported eagerly'; "
            "from satcloud._core._jit import load; "
            "assert load('kepler').circular_positions_into is load('kepler')"
            ".circular_positions_into")
    subprocess.run([sys.executable, "-c", code], check=True)
