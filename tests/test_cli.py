"""``satcloud`` command line: usage errors are one line and exit code 2, never a traceback.

Issue 11: ``--param`` pasted any name into a notebook as code and only warned about
unknown ones; ``satcloud data`` printed a traceback when it found no data folder.
"""

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from satcloud import cli, data


@pytest.fixture()
def books(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    nb = new_notebook(cells=[
        new_markdown_cell("# CLI"),
        new_code_cell("route_factor = 1.3\nwindow = '2h'", metadata={"tags": ["parameters"]}),
        new_code_cell("y = route_factor"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(folder / "01_cli.ipynb"))
    return folder


def _report(books, tmp_path, *extra):
    return cli.main(["report", "--quiet", "--notebooks", str(books), "--out",
                     str(tmp_path / "out"), *extra])


@pytest.mark.parametrize("param, message", [
    ("01_cli:speed=2",
     "satcloud report: parameters: notebook 01_cli has no parameter 'speed'; "
     "valid names: route_factor, window"),
    ("01_cli:__import__('os').system('true')=1",
     "satcloud report: --param must look like NOTEBOOK:NAME=VALUE (VALUE in JSON, or a "
     "plain string); NAME must be a Python identifier, got \"__import__('os')"),
    ("01_cli:route_factor=[1.3,", "satcloud report: --param 01_cli:route_factor: value "
                                  "'[1.3,' is not valid JSON"),
    ("01_cli:route_factor=NaN", "satcloud report: --param 01_cli:route_factor: value 'NaN' "
                                "is not a finite number"),
    ("route_factor=1.3", "satcloud report: --param must look like NOTEBOOK:NAME=VALUE"),
    ("01_cli:route_factor", "satcloud report: --param must look like NOTEBOOK:NAME=VALUE"),
    ("02_none:route_factor=1", "satcloud report: parameters given for unknown notebooks "
                               "['02_none']"),
])
def test_bad_params_exit_2_with_one_line(books, tmp_path, capsys, param, message):
    assert _report(books, tmp_path, "--param", param) == 2
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_repeated_param_is_refused(books, tmp_path, capsys):
    assert _report(books, tmp_path, "--param", "01_cli:window=1h",
                   "--param", "01_cli:window=2h") == 2
    assert "--param 01_cli:window is given twice" in capsys.readouterr().err


def test_param_values_json_or_plain_string():
    # JSON where it parses, the raw text otherwise (a duration like 2h needs no quotes)
    assert cli._parse_params(["a:x=1.5", "a:w=2h", "a:l=[1, 2]", 'a:s="q"', "b:n=null"]) == {
        "a": {"x": 1.5, "w": "2h", "l": [1, 2], "s": "q"}, "b": {"n": None}}


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--jobs", "two"],
                                  ["--timeout", "inf"], ["--timeout", "-5"]])
def test_bad_numbers_are_usage_errors(books, tmp_path, capsys, args):
    assert _report(books, tmp_path, *args) == 2  # argparse's usage error, returned
    assert "must be" in capsys.readouterr().err


def test_data_without_a_data_folder_is_one_line_not_a_traceback(tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(tmp_path / "nowhere"))
    assert cli.main(["data"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert captured.err.startswith("satcloud data: satcloud data folder not found at")
    assert captured.err.count("\n") == 1


def test_data_reports_each_broken_table(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "aws_regions.csv").write_bytes(b"\xff\xfe garbage")
    (folder / "cities.csv").unlink()
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(folder))
    assert cli.main(["data"]) == 1
    out = capsys.readouterr().out
    assert "FAIL aws_regions: aws_regions.csv: line 1: byte 0xff is not UTF-8 text" in out
    assert "FAIL cities: table 'cities' not found at" in out
    assert "ok   azure_regions.csv" in out
    assert f"data folder: {folder} (provenance in {folder / 'README.md'})" in out


def test_report_without_the_notebooks_extra_says_which_extra(tmp_path, monkeypatch, capsys):
    # issue 12, point 6: the core install has no papermill/nbconvert; `satcloud report`
    # names the extra to install instead of failing with a ModuleNotFoundError traceback.
    import sys

    monkeypatch.setitem(sys.modules, "papermill", None)   # as if not installed
    assert cli.main(["report", "--out", str(tmp_path / "r"), "--only", "00"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "missing: papermill" in err and "satcloud[notebooks]" in err
    assert not (tmp_path / "r").exists()


def test_main_returns_usage_errors_and_checks_argv(capsys):
    # the exit status is returned (the console script passes it to sys.exit)
    assert cli.main([]) == 2
    assert "required" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0
    with pytest.raises(TypeError, match="argv must be a list of str"):
        cli.main("report")
    with pytest.raises(TypeError, match="argv entries must be str"):
        cli.main(["report", 3])


# --------------------------------------------------------------------------- answers
# Issue 16, point 3: `satcloud rtt|budget|passes|coverage|capacity`. The library call with
# the same arguments is the reference for the plumbing (the CLI must print its numbers);
# the physics is checked against closed forms (FSPL, the vacuum floor over a WGS84
# geodesic computed by pyproj, an implementation independent of satcloud's).

import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

START = "2020-10-01T00:00:00"


def _json(capsys, argv):
    assert cli.main(argv) == 0, capsys.readouterr().err
    return pd.DataFrame(json.loads(capsys.readouterr().out))


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _assert_same(got: pd.DataFrame, want: pd.DataFrame):
    """Every column of ``want`` in ``got``, numbers to 1e-9 relative, the rest equal."""
    assert len(got) == len(want)
    for c in want.columns:
        a, b = got[c].tolist(), want[c].tolist()
        for x, y in zip(a, b, strict=True):
            if _missing(y):
                assert _missing(x), (c, x, y)
            elif isinstance(y, bool | np.bool_):
                assert bool(x) == bool(y), (c, x, y)
            elif isinstance(y, int | float | np.integer | np.floating):
                assert x == pytest.approx(float(y), rel=1e-9, abs=1e-12), (c, x, y)
            elif isinstance(y, pd.Timestamp):
                assert pd.Timestamp(x) == y, (c, x, y)
            else:
                assert str(x) == str(y), (c, x, y)


def test_rtt_fibre_equals_the_library_and_the_vacuum_floor(capsys):
    from pyproj import Geod

    from satcloud import latency

    got = _json(capsys, ["rtt", "--from", "Lagos", "--to", "London", "--network", "fibre",
                         "--mode", "ideal", "--format", "json"])
    want = cli.rtt_summary(latency.rtt("fibre", "ideal", ["Lagos"], "London"))
    _assert_same(got, want)
    # closed form: the vacuum floor is 2 d / c over the WGS84 geodesic; d from pyproj
    # (Karney's algorithm), c = 299,792.458 km/s (SI definition)
    from satcloud.sites import resolve_sites

    s = resolve_sites(["Lagos", "London"])
    _, _, d_m = Geod(ellps="WGS84").inv(s.lon_deg[0], s.lat_deg[0], s.lon_deg[1],
                                        s.lat_deg[1])
    assert got["floor_ms"].iat[0] == pytest.approx(2 * d_m / 299_792_458.0 * 1e3, rel=1e-9)
    # ideal fibre: the geodesic at c / 1.468 (the group index of silica fibre), so the
    # RTT is the floor times the index, and all of it is fibre
    assert got["rtt_median_ms"].iat[0] == pytest.approx(1.468 * got["floor_ms"].iat[0],
                                                        rel=1e-9)
    assert got["fibre_ms"].iat[0] == pytest.approx(got["rtt_median_ms"].iat[0], rel=1e-12)


def test_rtt_satellite_idle_equals_the_library(capsys):
    from satcloud import latency
    from satcloud.time import time_grid

    got = _json(capsys, ["rtt", "--from", "Lagos", "--network", "oneweb", "--mode",
                         "bent-pipe", "--start", START, "--duration", "1min", "--step",
                         "30s", "--delay-model", "idle", "--format", "json"])
    table = latency.rtt("oneweb", "bent-pipe", ["Lagos"], "nearest Azure region",
                        time_grid(START, "1min", "30s"), delay_model="idle")
    want = cli.rtt_summary(table)
    _assert_same(got, want)
    # the summary is latency.summarize's, and the components add up to the mean RTT
    ref = latency.summarize(table)
    for c in ("rtt_median_ms", "rtt_p05_ms", "rtt_p95_ms", "floor_ms", "fraction_reachable"):
        assert got[c].iat[0] == pytest.approx(float(ref[c].iat[0]), rel=1e-12)
    parts = sum(got[c].iat[0] for c in cli.RTT_COMPONENTS)
    assert parts == pytest.approx(got["rtt_mean_ms"].iat[0], rel=1e-9)
    assert got["access_ms"].iat[0] > 0 and got["delay_model"].iat[0] == "idle"


def test_budget_fspl_is_the_closed_form_and_equals_the_library(capsys):
    from satcloud.links.budget import link_budget

    got = _json(capsys, ["budget", "--profile", "starlink_user_downlink", "--range-km",
                         "1000", "--elevation", "40", "--atm-loss-db", "0", "--format",
                         "json"])
    want = link_budget("starlink_user_downlink", range_km=1000.0, elevation_deg=40.0,
                       atm_loss_db=0.0)
    _assert_same(got, want.drop(columns=["lat_deg", "lon_deg"]))
    # free-space path loss, 20 log10(4 pi d f / c) (Friis; ITU-R P.525), d = 1,000 km
    f_hz = got["freq_ghz"].iat[0] * 1e9
    fspl = 20 * math.log10(4 * math.pi * 1.0e6 * f_hz / 299_792_458.0)
    assert got["fspl_db"].iat[0] == pytest.approx(fspl, abs=1e-9)


def test_budget_table_has_the_rain_availability_of_the_library(capsys):
    from satcloud.links.availability import availability_for_budget
    from satcloud.sites import resolve_sites

    assert cli.main(["budget", "--network", "starlink", "--site", "Lagos",
                     "--elevation", "40"]) == 0
    out = capsys.readouterr().out
    site = resolve_sites(["Lagos"])
    av = availability_for_budget("starlink_user_downlink", 40.0, site.lat_deg[0],
                                 site.lon_deg[0])
    line = next(x for x in out.splitlines() if x.strip().startswith("availability_percent"))
    assert line.split()[1] == f"{float(av['availability_percent'].iat[0]):.6g}"
    assert any(x.split()[:3] == ["fspl_db", f"{_fspl_of(out):.6g}", "dB"]
               for x in out.splitlines())


def _fspl_of(out: str) -> float:
    rng = float(next(x.split()[1] for x in out.splitlines() if x.split()[:1] == ["range_km"]))
    f = float(next(x.split()[1] for x in out.splitlines() if x.split()[:1] == ["freq_ghz"]))
    # free-space path loss, 20 log10(4 pi d f / c) (Friis; ITU-R P.525)
    return 20 * math.log10(4 * math.pi * rng * 1e3 * f * 1e9 / 299_792_458.0)


@pytest.fixture(scope="module")
def oneweb40():
    """The first 40 OneWeb satellites over 2 h at 60 s: what the CLI propagates."""
    from satcloud.constellations import constellation
    from satcloud.orbits import propagate
    from satcloud.time import time_grid

    return propagate(constellation("oneweb").subset(range(40)), time_grid(START, "2h", "60s"))


SAT_ARGS = ["--constellation", "oneweb", "--satellites", "40", "--start", START,
            "--duration", "2h", "--step", "60s"]


def test_passes_equal_the_library(capsys, oneweb40):
    from satcloud import data
    from satcloud.passes import passes

    got = _json(capsys, ["passes", "--site", "Lagos", "--ground-stations", "azure-orbital",
                         *SAT_ARGS, "--min-elevation", "10", "--format", "json"])
    gs = data.ground_stations()
    stations = pd.concat([pd.DataFrame({"site": ["Lagos"], "lat_deg": [6.45407],
                                        "lon_deg": [3.39467]}),
                          gs.loc[gs.network == "azure-orbital",
                                 ["site", "lat_deg", "lon_deg", "network"]]],
                         ignore_index=True)
    want = passes(oneweb40, stations, 10.0)
    assert len(want) > 20
    _assert_same(got, want)


def test_coverage_of_sites_and_grid_equal_the_library(capsys, oneweb40):
    from satcloud import coverage

    got = _json(capsys, ["coverage", "--site", "Lagos", "--site", "London", *SAT_ARGS,
                         "--format", "json"])
    from satcloud.sites import resolve_sites

    want = coverage.site_coverage(oneweb40, resolve_sites(["Lagos", "London"]))
    _assert_same(got, want)
    got = _json(capsys, ["coverage", "--grid", "30", *SAT_ARGS, "--k", "2", "--format",
                         "json"])
    want = coverage.coverage_summary(coverage.grid_coverage(oneweb40, 30.0, k=2))
    _assert_same(got, want.to_frame().T.infer_objects())


def test_capacity_equals_the_library(capsys):
    from satcloud import capacity

    got = _json(capsys, ["capacity", "--network", "starlink-gen1", "--time",
                         "2026-04-02T20:00:00", "--table", "summary", "--format", "json"])
    want = capacity.network_capacity("starlink-gen1", "2026-04-02T20:00:00").summary
    _assert_same(got.drop(columns=["time"]), want.drop(columns=["time"]))
    assert set(got["time"]) == {"2026-04-02T20:00:00"}


@pytest.fixture(scope="module")
def fibre_summary():
    from satcloud import latency

    return cli.rtt_summary(latency.rtt("fibre", "conduit", ["Lagos", "Singapore"],
                                       "nearest Azure region"))


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_each_format_round_trips(tmp_path, capsys, fibre_summary, fmt):
    path = tmp_path / f"out.{fmt}"
    assert cli.main(["rtt", "--from", "Lagos", "--from", "Singapore", "--network", "fibre",
                     "--mode", "conduit", "--format", fmt, "--output", str(path)]) == 0
    assert f"wrote {path} (2 rows, {fmt})" in capsys.readouterr().err
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="parquet needs the dask extra")
        back = pd.read_parquet(path)
    elif fmt == "csv":
        back = pd.read_csv(path, keep_default_na=True)
    else:
        back = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    assert list(back.columns) == list(fibre_summary.columns)
    _assert_same(back, fibre_summary)
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]   # no temporary left


def test_csv_and_json_go_to_stdout_without_output(capsys, fibre_summary):
    assert cli.main(["rtt", "--from", "Lagos", "--from", "Singapore", "--network", "fibre",
                     "--mode", "conduit", "--format", "csv"]) == 0
    from io import StringIO

    _assert_same(pd.read_csv(StringIO(capsys.readouterr().out)), fibre_summary)


def test_table_prints_values_and_units(capsys, fibre_summary):
    assert cli.main(["rtt", "--from", "Lagos", "--from", "Singapore", "--network", "fibre",
                     "--mode", "conduit"]) == 0
    rows = {x.split()[0]: x.split()[1:] for x in capsys.readouterr().out.splitlines()}
    assert rows["quantity"] == ["unit", "0", "1"]
    assert rows["rtt_median_ms"] == ["ms"] + [f"{v:.6g}" for v in
                                              fibre_summary["rtt_median_ms"]]


@pytest.mark.parametrize("argv, option, value, choices", [
    (["rtt", "--from", "Lagoss", "--network", "fibre"], "--from", "'Lagoss'", "Did you mean"),
    (["rtt", "--from", "Lagos", "--network", "starlnk"], "--network", "'starlnk'", "starlink"),
    (["rtt", "--from", "Lagos", "--network", "geo", "--mode", "isl"], "--mode", "'isl'",
     "bent-pipe"),
    (["rtt", "--from", "Lagos", "--to", "Atlantis", "--network", "fibre"], "--to",
     "'Atlantis'", "valid choices"),
    (["rtt", "--from", "Lagos", "--network", "fibre", "--mode", "0.5"], "--mode", "0.5",
     "[1, inf)"),
    (["rtt", "--from", "Lagos", "--delay-model", "busy"], "--delay-model", "'busy'",
     "propagation"),
    (["rtt", "--from", "Lagos", "--duration", "1x"], "--duration", "'1x'", "'24h'"),
    (["rtt", "--from", "Lagos", "--duration", "60"], "--duration", "'60'", "unit"),
    (["rtt", "--from", "Lagos", "--start", "yesterday"], "--start", "'yesterday'", "ISO"),
    (["budget", "--profile", "starlink_downlink"], "--profile", "'starlink_downlink'",
     "starlink_user_downlink"),
    (["budget", "--site", "Lagos", "--elevation", "95"], "--elevation", "95", "(0, 90]"),
    (["budget", "--elevation", "40"], "--site", "--lat", "--atm-loss-db"),
    (["passes", "--site", "Lagos", "--constellation", "onweb"], "--constellation", "'onweb'",
     "oneweb"),
    (["passes", "--ground-stations", "azure"], "--ground-stations", "'azure'",
     "azure-orbital"),
    (["passes", "--site", "Lagos", "--satellites", "0"], "--satellites", "'0'", ">= 1"),
    (["coverage", "--grid", "7", "--constellation", "oneweb", "--satellites", "2",
      "--duration", "2min"], "--grid", "7", "divide 180"),
    (["coverage", "--constellation", "oneweb"], "--site", "--grid", "SPACING_DEG"),
    (["capacity", "--network", "fibre"], "--network", "'fibre'", "starlink-gen1"),
    (["capacity", "--network", "geo"], "--network", "'geo'", "starlink-gen1"),
    (["capacity", "--time", "2026-13-01"], "--time", "'2026-13-01'", "ISO"),
    (["capacity", "--fairness", "fair"], "--fairness", "'fair'", "max-min"),
    (["rtt", "--from", "Lagos", "--format", "xml"], "--format", "'xml'", "parquet"),
    (["rtt", "--from", "Lagos", "--network", "fibre", "--format", "parquet"],
     "--format parquet", "--output", "binary"),
])
def test_bad_options_are_one_line_naming_option_value_and_choices(capsys, argv, option,
                                                                  value, choices):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1 and "Traceback" not in err + captured.out, err
    assert err.startswith(f"satcloud {argv[0]}: "), err
    assert option in err and value in err and choices in err, err


def test_parquet_without_pyarrow_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)     # as if not installed
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    assert cli.main(["rtt", "--from", "Lagos", "--network", "fibre", "--format", "parquet",
                     "--output", str(tmp_path / "x.parquet")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pyarrow" in err and "satcloud[dask]" in err
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize("command", ["rtt", "budget", "passes", "coverage", "capacity"])
def test_help_of_each_command_has_examples(capsys, command):
    assert cli.main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: satcloud {command}")
    assert "examples:" in out and f"satcloud {command} --" in out
    assert "--format {table,csv,json,parquet}" in out


def _run(*args):
    return subprocess.run([sys.executable, "-m", "satcloud.cli", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_command_in_a_process_exit_codes_and_streams():
    # a real process: exit status 2 and one stderr line for a bad value, no traceback
    bad = _run("rtt", "--from", "Lagos", "--network", "fibre", "--mode", "bogus")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        "satcloud rtt: --mode: invalid choice 'bogus'; valid choices: ideal, conduit, "
        "typical, a route factor >= 1"]
    # and an answer on stdout, nothing on stderr (no progress bar when not a terminal)
    ok = _run("rtt", "--from", "Lagos", "--network", "fibre", "--mode", "1.5",
              "--format", "json")
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    row = json.loads(ok.stdout)[0]
    assert row["mode"] == "route factor 1.5"
    assert row["rtt_median_ms"] == pytest.approx(1.5 * 1.468 * row["floor_ms"], rel=1e-9)


# --------------------------------------------------------------------------- progress
def test_progress_is_off_by_default_and_on_when_asked(capsys, oneweb40):
    from satcloud import _progress, coverage
    from satcloud.passes import passes

    sites = pd.DataFrame({"site": ["Lagos"], "lat_deg": [6.45], "lon_deg": [3.39]})
    quiet = coverage.site_coverage(oneweb40, sites)
    assert capsys.readouterr().err == ""                  # off by default
    loud = coverage.site_coverage(oneweb40, sites, progress=True)
    err = capsys.readouterr().err
    assert "coverage" in err and "120/120" in err         # every time step counted
    pd.testing.assert_frame_equal(quiet, loud)
    assert len(passes(oneweb40, sites, 10.0, progress=True)) > 0
    assert "passes" in capsys.readouterr().err
    with _progress.showing(True):                          # the switch: long work only
        assert _progress.enabled()
        coverage.site_coverage(oneweb40, sites)
        with _progress.bar(3, "instant", delay_s=0.0) as b:
            b.update(3)
    assert not _progress.enabled()
    err = capsys.readouterr().err
    assert "coverage" not in err and "instant" in err      # quick work prints nothing
    with pytest.raises(TypeError, match="progress must be True, False or None, got str"):
        coverage.site_coverage(oneweb40, sites, progress="yes")
    with pytest.raises(TypeError, match="on must be True or False"):
        _progress.set_progress(1)


def test_propagation_and_the_front_door_follow_the_progress_switch(capsys):
    import satcloud
    from satcloud import orbits
    from satcloud.constellations import constellation
    from satcloud.time import time_grid

    oneweb40 = constellation("oneweb").subset(range(40))
    times = time_grid(START, "40min", "60s")[:40]
    # progress=True: a bar over the chunks, shown at once; 40 steps in chunks of 10 -> 4
    orbits.propagate(oneweb40, times, chunk_steps=10, progress=True)
    assert "propagate" in (err := capsys.readouterr().err) and "4/4" in err
    orbits.propagate(oneweb40, times, chunk_steps=10)          # default: the switch, off
    assert capsys.readouterr().err == ""
    assert satcloud.set_progress is satcloud._progress.set_progress
    with satcloud.showing(True):                                 # quick work: no bar
        orbits.propagate(oneweb40, times, chunk_steps=10)
    assert capsys.readouterr().err == ""


def _shell_examples(text: str):
    """``satcloud ...`` command lines of a text, continuation lines joined, comments cut."""
    import shlex

    joined = text.replace("\\\n", " ")
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("satcloud ") and " --" in line:
            yield shlex.split(line, comments=True)[1:]


def test_readme_and_help_examples_parse(root):
    # the examples of the README section and of each --help are valid command lines
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("## Answers from the shell", 1)[1].split("\n## ", 1)[0]
    readme = list(_shell_examples(section))
    assert {argv[0] for argv in readme} == {"rtt", "budget", "passes", "coverage",
                                           "capacity"}
    assert ["rtt", "--from", "Lagos", "--to", "nearest Azure region", "--network",
            "starlink", "--mode", "isl", "--duration", "1h", "--delay-model",
            "idle"] in readme
    helps = [argv for epilog in cli._EPILOGS.values() for argv in _shell_examples(epilog)]
    assert len(helps) >= 10
    for argv in readme + helps:
        args = cli._parser().parse_args(argv)
        assert args.command == argv[0]
