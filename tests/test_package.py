"""The front door: every exported name resolves; import stays light."""

import subprocess
import sys

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


def test_passes_is_callable_and_a_module():
    import satcloud.passes as mod

    assert callable(satcloud.passes) and satcloud.passes is mod
    assert satcloud.passes.daily_totals is mod.daily_totals
