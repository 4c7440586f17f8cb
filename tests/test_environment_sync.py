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
