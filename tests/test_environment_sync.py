"""pyproject.toml and environment.yml list the same packages with the same lower bounds."""

import re
import tomllib

import yaml

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9][^,;\s]*)?")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(spec: str):
    m = _REQ.match(spec)
    assert m, f"cannot parse requirement {spec!r}"
    bound = m.group(2).replace(" ", "") if m.group(2) else None
    assert "<" not in spec, f"upper pins are not allowed: {spec!r}"
    return _norm(m.group(1)), bound


def _is_self(spec: str) -> bool:
    """``satcloud[notebooks,dask,test]``: an extra made of the other extras."""
    return _norm(_REQ.match(spec).group(1)) == "satcloud"


def _pyproject(root):
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        specs += [s for s in extra if not _is_self(s)]
    return dict(_parse(s) for s in specs), meta["requires-python"]


def _section(root, name=None) -> set:
    """Distribution names of the core dependencies (``name=None``) or of one extra."""
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] if name is None else meta["optional-dependencies"][name]
    return {_parse(s)[0] for s in specs if not _is_self(s)}


def _conda(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    out, python = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep.get("pip", []):
                if spec.startswith("-e"):
                    continue
                name, bound = _parse(spec)
                out[name] = bound
            continue
        name, bound = _parse(dep.replace(" ", ""))
        if name == "python":
            python = bound
        elif name != "pip":
            out[name] = bound
    return out, python


def test_same_packages_and_bounds(root):
    py, requires_python = _pyproject(root)
    conda, python = _conda(root)
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not pyproject.toml"
    differ = {k: (py[k], conda[k]) for k in py if py[k] != conda[k]}
    assert differ == {}, f"lower bounds differ (pyproject, environment.yml): {differ}"
    assert python == requires_python.replace(" ", "")


def test_every_dependency_has_a_lower_bound(root):
    py, _ = _pyproject(root)
    assert [k for k, v in py.items() if v is None] == []


def test_core_dependencies_named_by_the_foundation_issue(root):
    py, _ = _pyproject(root)
    for name in ("numpy", "pandas", "matplotlib", "cartopy", "astropy", "sgp4", "itur",
                 "scipy", "ipywidgets", "jupyterlab", "nbconvert", "nbclient", "papermill",
                 "boinor"):
        assert name in py, name


def test_extras_split_the_install_as_the_structure_issue_asks(root):
    # issue 12, point 6: core = the model stack; [notebooks], [dask], [test], [all]
    core = _section(root)
    notebooks, dask, test = (_section(root, n) for n in ("notebooks", "dask", "test"))
    assert {"jupyterlab", "ipywidgets", "papermill", "nbconvert", "voila"} <= notebooks
    assert {"dask", "distributed"} <= dask
    assert {"pytest", "hypothesis"} <= test
    assert not core & (notebooks | dask | test), "a package is both core and an extra"
    for name in ("numpy", "astropy", "sgp4", "itur", "numba", "boinor"):
        assert name in core, name
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert meta["optional-dependencies"]["all"] == ["satcloud[notebooks,dask,test]"]
    # the two README commands install everything
    assert "pip install -e '.[all]'" in (root / "Makefile").read_text()


def _imported_top_level_modules(folder):
    """Top-level names of every absolute import in the .py files under ``folder``."""
    import ast

    names = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


# Imports that are not distributions: satcloud itself, and platform modules imported only
# on the platform that has them (msvcrt: Windows file locks in satcloud.sweep).
_NOT_DISTRIBUTIONS = {"satcloud", "msvcrt"}

#: Modules of satcloud that may import an extra's packages (everything else: core only),
#: as paths under satcloud/; a path ending in "/" is a whole subpackage.
_EXTRA_MODULES = {
    "notebooks": ("widgets/", "report.py", "cli.py", "globe.py"),
    "dask": ("sweep.py", "chunked.py"),
}


def _in_extra(relative: str, names) -> bool:
    """Is ``relative`` (a posix path under satcloud/) one of ``names``?"""
    return any(relative.startswith(n) if n.endswith("/") else relative == n for n in names)


def _allowed_for(root, path) -> set:
    allowed = _section(root)
    relative = path.relative_to(root / "satcloud").as_posix()
    for extra, names in _EXTRA_MODULES.items():
        if _in_extra(relative, names):
            allowed |= _section(root, extra)
    return allowed


def test_every_third_party_import_is_declared(root):
    # "install what you use": an import satisfied only because another package happens
    # to pull it in (numba through an ITU-R/astro dependency, say) breaks when that
    # package changes its own requirements. importlib.metadata maps import names to the
    # distributions that provide them. Model modules may import core packages only.
    import sys
    from importlib.metadata import packages_distributions

    provided = packages_distributions()
    declared = set(_pyproject(root)[0])
    missing = {}
    for folder in ("satcloud", "tests", "scripts", "benchmarks"):
        for path in sorted((root / folder).rglob("*.py")):
            allowed = _allowed_for(root, path) if folder == "satcloud" else declared
            for name in sorted(_imported_top_level_modules(path)):
                if name in sys.stdlib_module_names or name in _NOT_DISTRIBUTIONS:
                    continue
                local = root / folder
                if folder != "satcloud" and ((local / f"{name}.py").exists()
                                             or (local / name / "__init__.py").exists()):
                    continue  # a local helper module of the tests or benchmarks
                dists = {_norm(d) for d in provided.get(name, [])}
                if not dists & allowed:
                    where = path.relative_to(root).as_posix()
                    missing[f"{where}: import {name}"] = sorted(dists) or "not installed"
    assert missing == {}, ("imported but not declared in pyproject.toml (core dependencies "
                           "for the model modules, their extra for widgets/report/cli and "
                           f"sweep/chunked, any extra for the rest): {missing}")


_CORE_ONLY = """
import importlib, sys
blocked = set(sys.argv[1].split(","))
# None in sys.modules is how Python marks a module as absent: import raises
# ModuleNotFoundError and importlib.util.find_spec returns None, as when not installed.
for name in blocked:
    sys.modules[name] = None
import satcloud
for m in sys.argv[2].split(","):
    importlib.import_module(m)
import numpy as np
cons = satcloud.deploy(satcloud.constellation("starlink-gen1"), count=40)
eph = satcloud.propagate(cons, satcloud.time_grid("2020-10-01", "2min", "60s"))
assert np.isfinite(eph.r_ecef_km).all()
rtt = satcloud.rtt("fibre", "ideal", sources=["London"])
assert rtt["rtt_ms"].gt(0).all()
b = satcloud.link_budget("starlink_user_downlink", range_km=800.0, elevation_deg=40.0,
                         lat_deg=51.5, lon_deg=-0.1)
assert np.isfinite(b.cn_db).all()
leaked = sorted(n for n, m in sys.modules.items() if m is not None
                and n.split(".")[0] in blocked)
assert not leaked, leaked
print("core-only ok")
"""


def test_core_modules_import_and_run_without_the_extras(root, tmp_path):
    # issue 12, point 6: `pip install satcloud` (core only) must give a working model
    # stack. The packages of the notebooks and dask extras are made unimportable in a
    # fresh interpreter; every model module imports and a small computation runs. (CI also
    # installs the core alone into a fresh venv: .ci/run.)
    import subprocess
    import sys
    from importlib.metadata import packages_distributions

    extras = _section(root, "notebooks") | _section(root, "dask")
    needed_by_core = _section(root)
    blocked = sorted(top for top, dists in packages_distributions().items()
                     if {_norm(d) for d in dists} & extras
                     and not {_norm(d) for d in dists} & needed_by_core
                     and not top.startswith("_"))
    extra_names = [n for names in _EXTRA_MODULES.values() for n in names]
    modules = sorted(
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for p in (root / "satcloud").rglob("*.py")
        if not _in_extra(p.relative_to(root / "satcloud").as_posix(), extra_names))
    out = subprocess.run([sys.executable, "-c", _CORE_ONLY, ",".join(blocked),
                          ",".join(modules)], capture_output=True, text=True, cwd=tmp_path,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "core-only ok" in out.stdout
