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


def _pyproject(root):
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        specs += extra
    return dict(_parse(s) for s in specs), meta["requires-python"]


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


def test_every_third_party_import_is_declared(root):
    # "install what you use": an import satisfied only because another package happens
    # to pull it in (numba through an ITU-R/astro dependency, say) breaks when that
    # package changes its own requirements. importlib.metadata maps import names to the
    # distributions that provide them.
    import sys
    from importlib.metadata import packages_distributions

    provided = packages_distributions()
    declared = set(_pyproject(root)[0])
    core = set()
    for spec in tomllib.loads((root / "pyproject.toml").read_text())["project"][
            "dependencies"]:
        core.add(_parse(spec)[0])
    missing = {}
    for folder, allowed in ((root / "satcloud", core), (root / "tests", declared),
                            (root / "scripts", declared), (root / "benchmarks", declared)):
        for name in sorted(_imported_top_level_modules(folder)):
            if name in sys.stdlib_module_names or name in _NOT_DISTRIBUTIONS:
                continue
            local = root / folder.name
            if folder.name != "satcloud" and ((local / f"{name}.py").exists()
                                              or (local / name / "__init__.py").exists()):
                continue  # a local helper module of the tests or benchmarks
            dists = {_norm(d) for d in provided.get(name, [])}
            if not dists & allowed:
                missing[f"{folder.name}: import {name}"] = sorted(dists) or "not installed"
    assert missing == {}, ("imported but not declared in pyproject.toml (core dependencies "
                           f"for satcloud/, any extra for the rest): {missing}")
