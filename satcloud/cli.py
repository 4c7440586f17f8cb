"""Command line: answers from the shell, and the report.

Examples
--------
::

    satcloud rtt --from Lagos --to "nearest Azure region" --network starlink --mode isl \
        --duration 1h --delay-model idle
    satcloud budget --profile starlink_user_downlink --site Lagos --elevation 40
    satcloud passes --site Lagos --network starlink --satellites 50 --duration 2h
    satcloud coverage --network oneweb --grid 10 --duration 1h
    satcloud capacity --network starlink-gen1 --time 2026-04-02T20:00:00
    satcloud report                 # full-size report into reports/
    satcloud report --small --out /tmp/r --only 00
    satcloud data                   # validate every shipped table and list provenance

Every answer command prints a table (``--format table``, the default) or writes
``--format csv|json|parquet`` to ``--output FILE`` (atomically; csv and json go to
stdout without ``--output``). The numbers are those of the library call with the same
arguments (:func:`satcloud.latency.rtt`, :func:`satcloud.links.budget.link_budget`,
:func:`satcloud.passes.passes`, :mod:`satcloud.coverage`,
:func:`satcloud.capacity.capacity_series`). A bad option is one line on stderr naming
the option, the value and the valid choices, and exit code 2. Long runs show a progress
bar on a terminal (:mod:`satcloud._progress`; ``--no-progress`` turns it off).
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading

__all__ = ["FORMATS", "RTT_COMPONENTS", "main", "rtt_summary"]

_PARAM_FORM = "--param must look like NOTEBOOK:NAME=VALUE (VALUE in JSON, or a plain string)"


def _parse_params(values) -> dict:
    """``NOTEBOOK:NAME=VALUE`` items -> ``{notebook: {name: value}}``.

    VALUE is read as JSON; text that is not JSON is taken as a string, unless it starts
    like JSON (a quote, bracket or brace) and is broken. Names are checked against the
    notebook's parameters cell by :func:`satcloud.report.run_report`.
    """
    out = {}
    for item in values or []:
        if "=" not in item or ":" not in item.split("=", 1)[0]:
            raise ValueError(f"{_PARAM_FORM}, got {item!r}")
        lhs, raw = item.split("=", 1)
        book, name = (part.strip() for part in lhs.split(":", 1))
        if not book or not name.isidentifier():
            raise ValueError(f"{_PARAM_FORM}; NAME must be a Python identifier, got "
                             f"{name!r} in {item!r}")
        try:
            value = json.loads(raw, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            if raw.strip()[:1] in ('"', "[", "{"):
                raise ValueError(f"--param {book}:{name}: value {raw!r} is not valid JSON "
                                 f"({exc.msg} at character {exc.pos})") from exc
            value = raw
        except _NonFinite:
            raise ValueError(f"--param {book}:{name}: value {raw!r} is not a finite "
                             "number") from None
        if name in out.get(book, {}):
            raise ValueError(f"--param {book}:{name} is given twice")
        out.setdefault(book, {})[name] = value
    return out


class _NonFinite(ValueError):
    pass


def _no_constant(text):
    # json.loads accepts NaN, Infinity and -Infinity; a parameter must be finite
    raise _NonFinite(text)


def _terminate(signum, frame):
    # SIGTERM unwinds like Ctrl-C: run_report kills its kernels and removes its scratch
    raise KeyboardInterrupt


#: What ``satcloud report`` needs beyond the core install (the ``notebooks`` extra).
_REPORT_NEEDS = ("papermill", "nbformat", "nbconvert", "nbclient", "ipykernel", "jinja2")


def _missing_report_packages() -> list[str]:
    import importlib.util

    return [name for name in _REPORT_NEEDS if importlib.util.find_spec(name) is None]


def _cmd_report(args) -> int:
    missing = _missing_report_packages()
    if missing:
        print(f"satcloud report: needs the notebooks extra (missing: {', '.join(missing)}); "
              "install it with: pip install 'satcloud[notebooks]'", file=sys.stderr)
        return 2
    from satcloud.report import ReportError, run_report

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        run_report(args.out, notebook_dir=args.notebooks, small=args.small, only=args.only,
                   jobs=args.jobs, parameters=_parse_params(args.param),
                   progress=not args.quiet, timeout_s=args.timeout)
    except ReportError as exc:
        print(f"satcloud report FAILED: {exc}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, OSError) as exc:
        print(f"satcloud report: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("satcloud report: interrupted; kernels stopped, scratch removed",
              file=sys.stderr)
        return 130
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _cmd_data(args) -> int:
    from satcloud import data

    try:
        folder = data.data_dir()
    except (FileNotFoundError, ValueError) as exc:
        print(f"satcloud data: {exc}", file=sys.stderr)
        return 2
    bad = 0
    for name, schema in data.TABLES.items():
        try:
            df = data.load_table(name)
        except (ValueError, OSError) as exc:  # DataTableError is a ValueError
            print(f"  FAIL {name}: {exc}")
            bad += 1
            continue
        print(f"  ok   {schema.filename:28s} {len(df):5d} rows  {schema.description}")
    print(f"data folder: {folder} (provenance in {folder / 'README.md'})")
    return 1 if bad else 0


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _positive_seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got "
                                         f"{text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got "
                                         f"{text!r}")
    return value


# --------------------------------------------------------------------------- answers
class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line: ``satcloud CMD: message``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class _OptionError(ValueError):
    """A bad option value, its message already naming the option."""


#: ``--format`` choices; ``table`` prints, the others write ``--output`` (or stdout).
FORMATS = ("table", "csv", "json", "parquet")

#: Unit of an output column, by name suffix (longest first), for the printed tables.
_UNITS = (("_per_hour", "1/h"), ("_dbw_per_k_hz", "dBW/(K Hz)"), ("_db_per_k", "dB/K"),
          ("_dbhz", "dBHz"), ("_dbw", "dBW"), ("_dbi", "dBi"), ("_db", "dB"),
          ("_ghz", "GHz"), ("_mhz", "MHz"), ("_msps", "Msym/s"), ("_mbps", "Mbit/s"),
          ("_gbps", "Gbit/s"), ("_bps_per_hz", "bit/s/Hz"), ("_km2", "km^2"),
          ("_km", "km"), ("_deg", "deg"), ("_percent", "%"), ("_ms", "ms"), ("_s", "s"),
          ("_k", "K"), ("_m", "m"))

#: The additive components of ``rtt_ms`` in :func:`satcloud.latency.rtt`'s table.
RTT_COMPONENTS = ("user_link_ms", "isl_ms", "gateway_link_ms", "fibre_ms", "overhead_ms",
                  "access_ms", "last_mile_ms", "queueing_ms")


def _unit(name: str) -> str:
    return next((u for suffix, u in _UNITS if str(name).endswith(suffix)), "")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


#: Library parameter -> the option that sets it, to name the option in a library error.
_OPTION_OF = {"network": "--network", "mode": "--mode", "sources": "--from",
              "destinations": "--to", "delay_model": "--delay-model",
              "min_elevation_deg": "--min-elevation", "elevation_deg": "--elevation",
              "range_km": "--range-km", "p_percent": "--p-percent",
              "atm_loss_db": "--atm-loss-db", "lat_deg": "--lat", "lon_deg": "--lon",
              "profile": "--profile", "k": "--k", "spacing_deg": "--grid",
              "lat_limit_deg": "--lat-limit", "fairness": "--fairness", "time": "--time",
              "times": "--start", "stations": "--site", "sites": "--site"}


def _name_option(message: str) -> str:
    """A library error as one line, led by the option when it names a parameter."""
    import re

    text = _one_line(message)
    if text.startswith("--"):
        return text
    hit = re.match(r"^\W*([a-z_]+)\b", text)
    words = [hit.group(1)] if hit else []
    # then the first parameter named anywhere ("k" only at the start: too short)
    words += [w for w in re.findall(r"\b([a-z][a-z0-9_]+)\b", text) if w != "k"]
    option = next((_OPTION_OF[w] for w in words if w in _OPTION_OF), None)
    return f"{option}: {text}" if option else text


def _option(option: str, func, *args, **kwargs):
    """``func(*args)``, a ValueError/TypeError re-raised naming ``option``."""
    try:
        return func(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        text = _one_line(exc)
        raise _OptionError(text if text.startswith(option) else f"{option}: {text}") from None


def _choice(option: str, value: str, choices) -> str:
    choices = list(choices)
    if value not in choices:
        raise _OptionError(f"{option}: invalid choice {value!r}; valid choices: "
                           f"{', '.join(map(str, choices))}")
    return value


def _duration(option: str, text: str) -> float:
    from satcloud.time import duration_s

    return _option(option, duration_s, text, option)


def _start(option: str, text):
    from satcloud.time import to_time

    t = _option(option, to_time, text, option)
    if not t.isscalar:
        raise _OptionError(f"{option}: give one ISO 8601 UTC time, got {text!r}")
    return t


def _times(args, default_start):
    """The snapshot grid of ``--start --duration --step`` (:func:`satcloud.time.time_grid`)."""
    from satcloud.time import time_grid

    start = _start("--start", args.start if args.start is not None else default_start)
    dur = _duration("--duration", args.duration)
    step = _duration("--step", args.step)
    if step > dur:
        raise _OptionError(f"--step: {args.step!r} is longer than --duration "
                           f"{args.duration!r}; give a step <= the duration")
    return _option("--duration", time_grid, start, dur, step)


def _network_start(name: str) -> str:
    """Default start: a real network's element-set date, else the package epoch."""
    from satcloud import systems
    from satcloud.time import DEFAULT_EPOCH

    as_of = systems.network(name).as_of
    return f"{as_of}T00:00:00" if as_of else DEFAULT_EPOCH.isot


def _sites(option: str, names):
    from satcloud.sites import resolve_sites

    return _option(option, resolve_sites, list(names), option)


def _plain(value):
    """A cell as JSON: NA/NaN -> None, numpy scalars -> Python, times -> ISO 8601."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _cell_text(value) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Timestamp) and value is not pd.NaT:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]     # to the millisecond
    value = _plain(value)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    return str(value)


def _table_text(df, vertical: bool) -> str:
    """The printed table: one column per row when ``vertical`` (summaries), with units."""
    import pandas as pd

    if vertical:
        cols = {"quantity": list(df.columns), "unit": [_unit(c) for c in df.columns]}
        for i in range(len(df)):
            cols[f"{i}" if len(df) > 1 else "value"] = [_cell_text(v) for v in df.iloc[i]]
        return pd.DataFrame(cols).to_string(index=False)
    shown = df.copy()
    for c in shown.columns:
        shown[c] = [_cell_text(v) for v in shown[c]]
    shown.columns = [f"{c} [{_unit(c)}]" if _unit(c) else str(c) for c in shown.columns]
    return shown.to_string(index=False)


def _for_file(df):
    """Columns a file format holds: tuples (satellite paths) as text."""
    out = df.copy()
    out.attrs = {}          # e.g. passes' window: not part of the table, not JSON
    for c in out.columns:
        if out[c].dtype == object and any(isinstance(v, tuple | list) for v in out[c]):
            out[c] = [None if v is None else " ".join(map(str, v)) for v in out[c]]
    return out


def _check_output(args) -> None:
    """Refuse ``--format``/``--output`` that cannot be written, before any work."""
    if args.format == "parquet":
        if args.output is None:
            raise _OptionError("--format parquet: needs --output FILE (parquet is binary)")
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise _OptionError("--format parquet: needs pyarrow (the dask extra): pip "
                               "install 'satcloud[dask]'")
    if args.output is not None and args.format == "table":
        raise _OptionError(f"--output: {args.output!r} needs --format csv, json or parquet "
                           "(table is printed)")


def _emit(df, args, *, vertical=False) -> int:
    """Print ``df`` or write it in ``--format`` to ``--output`` (atomically)."""
    import json
    import sys

    from satcloud._io import atomic_write, atomic_write_text

    fmt, path = args.format, args.output
    if fmt == "table":
        text = _table_text(df, vertical) + "\n"
    elif fmt == "csv":
        text = _for_file(df).to_csv(index=False)
    elif fmt == "json":
        rows = [{str(k): _plain(v) for k, v in row.items()}
                for row in _for_file(df).to_dict("records")]
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    else:  # parquet (its needs were checked before the work, by _check_output)
        frame = _for_file(df)
        atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
        print(f"wrote {path} ({len(df)} rows, parquet)", file=sys.stderr)
        return 0
    if path is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(path, text)
        print(f"wrote {path} ({len(df)} rows, {fmt})", file=sys.stderr)
    return 0


# ---- rtt
def rtt_summary(df):
    """The ``satcloud rtt`` table: :func:`satcloud.latency.summarize` of an rtt table, with
    the mean of each additive component and the destination reached most often.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`satcloud.latency.rtt`.

    Returns
    -------
    pandas.DataFrame
        Per (source, target, network, mode): the :func:`~satcloud.latency.summarize`
        columns, ``delay_model``, ``destination`` (most frequent), ``rtt_mean_ms`` and
        the mean of each of :data:`RTT_COMPONENTS` over the reachable rows (they add up
        to ``rtt_mean_ms``; ``<NA>`` when no row is reachable) [ms].
    """
    import numpy as np

    from satcloud.latency import summarize

    by = ["source", "target", "network", "mode"]
    out = summarize(df, by=by)
    reach = df[df["reachable"].to_numpy(bool)]
    extra = []
    for key, g in df.groupby(by, sort=False, dropna=False):
        r = reach.loc[reach.index.intersection(g.index)]
        row = dict(zip(by, key, strict=True))
        row["delay_model"] = str(g["delay_model"].iloc[0]) if "delay_model" in g else None
        dest = r["destination"].dropna().astype(str)
        row["destination"] = dest.value_counts().index[0] if len(dest) else None
        row["rtt_mean_ms"] = float(r["rtt_ms"].mean()) if len(r) else np.nan
        for c in RTT_COMPONENTS:
            if c in r.columns:
                row[c] = float(r[c].to_numpy(float).mean()) if len(r) else np.nan
        extra.append(row)
    import pandas as pd

    extra = pd.DataFrame(extra)
    for c in ("rtt_mean_ms", *RTT_COMPONENTS):
        if c in extra.columns:        # <NA> (not NaN) where no row is reachable
            extra[c] = pd.array(extra[c].to_numpy(float), dtype="Float64")
    out = out.merge(extra, on=by, how="left", validate="one_to_one")
    first = [*by, "delay_model", "destination", "rtt_median_ms", "rtt_p05_ms", "rtt_p95_ms",
             "rtt_min_ms", "rtt_max_ms", "rtt_mean_ms", *RTT_COMPONENTS, "floor_ms",
             "target_floor_ms", "fraction_reachable", "n_reachable", "n_times"]
    first = [c for c in first if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def _cmd_rtt(args) -> int:
    from satcloud import latency, systems

    net = _choice("--network", args.network, systems.network_modes())
    kind = systems.network(net).kind
    mode = args.mode
    if mode is not None and kind != "fibre":
        _choice("--mode", mode, systems.network_modes()[net])
    elif mode is not None:
        try:
            mode = float(mode)
        except ValueError:
            _choice("--mode", mode, (*systems.network_modes()[net], "a route factor >= 1"))
    src = _sites("--from", args.sources)
    times = None if kind == "fibre" else _times(args, _network_start(net))
    kw = {}
    if args.min_elevation is not None:
        kw["min_elevation_deg"] = args.min_elevation
    table = latency.rtt(net, mode, list(src["name"]), args.to, times,
                        delay_model=args.delay_model, **kw)
    return _emit(rtt_summary(table), args, vertical=True)


# ---- budget
def _cmd_budget(args) -> int:
    import pandas as pd

    from satcloud import systems
    from satcloud.links.availability import availability_for_budget
    from satcloud.links.budget import budget_table, link_budget
    from satcloud.links.profiles import profile_names

    if args.profile is not None:
        profile = _choice("--profile", args.profile, profile_names())
    else:
        with_profile = [n for n, v in systems.networks().items() if v.link_profile]
        net = _choice("--network", args.network, with_profile)
        profile = systems.network(net).link_profile
    if args.site is not None:
        site = _sites("--site", [args.site])
        lat, lon = float(site["lat_deg"].iat[0]), float(site["lon_deg"].iat[0])
    elif args.lat is not None and args.lon is not None:
        lat, lon = args.lat, args.lon
    elif args.atm_loss_db is None:
        raise _OptionError("--site: give a site (or --lat and --lon) for the ITU-R "
                           "weather, or --atm-loss-db for a fixed atmospheric loss")
    else:
        lat = lon = None
    budget = link_budget(profile, range_km=args.range_km, elevation_deg=args.elevation,
                         lat_deg=lat, lon_deg=lon, p_percent=args.p_percent,
                         atm_loss_db=args.atm_loss_db)
    table = budget_table(budget)
    if args.availability and lat is not None:
        av = availability_for_budget(profile, args.elevation, lat, lon,
                                     range_km=args.range_km)
        extra = [("availability_percent", float(av["availability_percent"].iat[0])),
                 ("unavailability_percent", float(av["p_percent"].iat[0])),
                 ("availability_bound", str(av["bound"].iat[0]))]
        table = pd.concat([table, pd.DataFrame({
            "term": [t for t, _ in extra], "value": [v for _, v in extra],
            "unit": [_unit(t) for t, _ in extra]})], ignore_index=True)
    if args.format == "table":
        table = table.assign(value=[_cell_text(v) for v in table["value"]])
        print(table.to_string(index=False))
        return 0
    # a file: one row, one column per term (each column keeps its type)
    row = pd.DataFrame([dict(zip(table["term"], table["value"], strict=True))])
    return _emit(row.infer_objects(), args)


# ---- constellations for passes and coverage
def _constellation(args):
    from satcloud import constellations, systems

    if args.constellation is not None:
        name = _choice("--constellation", args.constellation, constellations.CATALOGUE)
        cons = _option("--constellation", constellations.constellation, name)
        start = None
    else:
        sat_nets = [n for n, v in systems.networks().items() if v.constellation]
        name = _choice("--network", args.network, sat_nets)
        cons = _option("--network", constellations.network_constellation, name)
        start = _network_start(name)
    if args.satellites is not None:
        if args.satellites > len(cons):
            raise _OptionError(f"--satellites: {args.satellites} is more than the "
                               f"{len(cons)} satellites of {name}; give 1 to {len(cons)}")
        cons = cons.subset(range(args.satellites))
    return cons, start


def _propagated(args):
    from satcloud.orbits import propagate
    from satcloud.time import DEFAULT_EPOCH

    cons, start = _constellation(args)
    times = _times(args, start or DEFAULT_EPOCH.isot)
    return propagate(cons, times)


# ---- passes
def _stations(args):
    import pandas as pd

    from satcloud import data

    parts = []
    if args.site:
        parts.append(_sites("--site", args.site).rename(columns={"name": "site"}))
    if args.ground_stations:
        gs = data.ground_stations()
        net = _choice("--ground-stations", args.ground_stations, sorted(gs["network"].unique()))
        parts.append(gs.loc[gs["network"] == net, ["site", "lat_deg", "lon_deg", "network"]])
    if not parts:
        raise _OptionError("--site: give one or more --site NAME or --ground-stations "
                           "NETWORK")
    return pd.concat(parts, ignore_index=True)


def _cmd_passes(args) -> int:
    from satcloud.passes import passes

    stations = _stations(args)
    eph = _propagated(args)
    table = passes(eph, stations, args.min_elevation)
    if table.empty:
        import sys

        print("no passes in the window", file=sys.stderr)
    return _emit(table, args)


# ---- coverage
def _cmd_coverage(args) -> int:
    from satcloud import coverage

    if args.site and args.grid is not None:
        raise _OptionError("--grid: give either --site (coverage of sites) or --grid "
                           "SPACING_DEG (a global grid), not both")
    if not args.site and args.grid is None:
        raise _OptionError("--site: give --site NAME (repeatable) or --grid SPACING_DEG")
    sites = _sites("--site", args.site) if args.site else None
    if args.grid is not None:                   # checked before the propagation
        _option("--grid", coverage.global_grid, args.grid, lat_limit_deg=args.lat_limit)
    eph = _propagated(args)
    if sites is not None:
        table = coverage.site_coverage(eph, sites, args.min_elevation, args.k)
        return _emit(table, args)
    cells = _option("--grid", coverage.grid_coverage, eph, args.grid, args.min_elevation,
                    args.k, lat_limit_deg=args.lat_limit)
    summary = coverage.coverage_summary(cells).to_frame().T.infer_objects()
    return _emit(summary, args, vertical=True)


# ---- capacity
def _cmd_capacity(args) -> int:
    import pandas as pd

    from satcloud import capacity, systems
    from satcloud.time import time_grid

    presets = set(capacity.capacity_presets()["preset"])
    modelled = [n for n, v in systems.networks().items()
                if v.link_profile and v.beams_per_satellite and n in presets]
    net = _choice("--network", args.network, modelled)
    start = _start("--time", args.time)
    if args.duration is None:
        times = [start.isot]
    else:
        dur = _duration("--duration", args.duration)
        step = _duration("--step", args.step)
        times = list(_option("--duration", time_grid, start, dur, step).isot)
    result = capacity.capacity_series(net, times, lasers=not args.no_lasers,
                                      fairness=args.fairness)
    table = getattr(result, args.table)
    if args.table == "totals" and len(table) == 1:
        return _emit(table, args, vertical=True)
    if isinstance(table, pd.DataFrame):
        return _emit(table, args)
    raise AssertionError(f"internal: CapacityResult.{args.table} is not a table")  # pragma: no cover


def _answer(func):
    """Run an answer command: progress on a terminal, errors as one line, exit 2."""
    import sys

    from satcloud import _progress

    def run(args) -> int:
        on = sys.stderr.isatty() and not args.no_progress
        try:
            _check_output(args)
            with _progress.showing(on):
                return func(args)
        except (ValueError, TypeError) as exc:
            print(f"satcloud {args.command}: {_name_option(str(exc))}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"satcloud {args.command}: {_one_line(exc)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"satcloud {args.command}: interrupted", file=sys.stderr)
            return 130

    return run


def _output_options(p) -> None:
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (printed, the default), csv, json or parquet")
    p.add_argument("--output", metavar="FILE", default=None,
                   help="write to FILE (atomically) instead of stdout; needed for parquet")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (shown on a terminal for work over ~2 s)")


def _time_options(p, duration="1h", step="60s") -> None:
    p.add_argument("--start", default=None, metavar="ISO_UTC",
                   help="first snapshot, ISO 8601 UTC, e.g. 2026-04-02T20:00:00 (default: "
                        "the network's element-set date, else 2020-10-01T00:00:00)")
    p.add_argument("--duration", default=duration,
                   help=f"time span, e.g. 1h, 90min, 15s (default {duration})")
    p.add_argument("--step", default=step,
                   help=f"time between snapshots, e.g. 15s, 1min (default {step})")


def _satellite_options(p) -> None:
    p.add_argument("--network", default="starlink",
                   help="satellite network of the registry (default starlink)")
    p.add_argument("--constellation", default=None,
                   help="a filed constellation instead (e.g. starlink-gen1, oneweb)")
    p.add_argument("--satellites", type=_positive_int, default=None, metavar="N",
                   help="only the first N satellites (quick looks)")
    p.add_argument("--min-elevation", type=_float, default=None, metavar="DEG",
                   help="elevation mask [deg] (default: each satellite's filed one)")


def _float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


_EPILOGS = {
    "rtt": """examples:
  satcloud rtt --from Lagos --to "nearest Azure region" --network starlink --mode isl \\
      --duration 1h --delay-model idle
  satcloud rtt --from London --from Sydney --network fibre --mode conduit
  satcloud rtt --from Lagos --network oneweb --mode bent-pipe --format csv --output o.csv
The table: median/p05/p95 round trip over the snapshots, the vacuum floor, the mean of
each component and the fraction of snapshots with a path (satcloud.latency.rtt and
summarize with the same arguments).""",
    "budget": """examples:
  satcloud budget --profile starlink_user_downlink --site Lagos --elevation 40
  satcloud budget --network oneweb --lat 51.5 --lon -0.1 --elevation 25 --p-percent 0.1
  satcloud budget --profile starlink_user_downlink --range-km 1000 --atm-loss-db 0
Every term of satcloud.links.link_budget, then the rain availability of the whole budget
(satcloud.links.availability_for_budget; --no-availability skips it).""",
    "passes": """examples:
  satcloud passes --site Lagos --network starlink --satellites 50 --duration 2h
  satcloud passes --ground-stations azure-orbital --constellation oneweb --duration 6h \\
      --format csv --output passes.csv
One row per pass: rise, culmination and set (refined below 0.01 s), duration and maximum
elevation (satcloud.passes.passes).""",
    "coverage": """examples:
  satcloud coverage --network oneweb --grid 10 --duration 1h
  satcloud coverage --site Lagos --site "Ny-Alesund (Svalbard)" --constellation oneweb
With --site: per site the time fraction with >= k satellites in view, the satellites in
view and the longest outage (satcloud.coverage.site_coverage); with --grid: the
area-weighted summary over a global grid (grid_coverage, coverage_summary).""",
    "capacity": """examples:
  satcloud capacity --network starlink-gen1 --time 2026-04-02T20:00:00
  satcloud capacity --network starlink-gen1 --time 2026-04-02T20:00:00 --duration 1h \\
      --step 15min --table summary --format csv --output cap.csv
What the network carries at the busy hour: offered and served traffic and which element
limits it (satcloud.capacity.capacity_series; --table picks the table).""",
}


def _add_answer_commands(sub) -> None:
    fmt = argparse.RawDescriptionHelpFormatter

    def add(name, help_text):
        return sub.add_parser(name, help=help_text, description=help_text,
                              epilog=_EPILOGS[name], formatter_class=fmt)

    p = add("rtt", "round-trip time from sites to the cloud over one network")
    p.add_argument("--from", dest="sources", action="append", required=True, metavar="SITE",
                   help="user site (a city, remote site, region or PoP name); repeatable")
    p.add_argument("--to", default="nearest Azure region",
                   help='destination site, "nearest Azure region" (default), "nearest AWS '
                        'region" or "home PoP"')
    p.add_argument("--network", default="starlink", help="network of the registry "
                   "(default starlink; see satcloud.systems.networks)")
    p.add_argument("--mode", default=None, help="isl or bent-pipe for satellites; a route "
                   "factor (ideal, conduit, typical or a number >= 1) for fibre; default: the "
                   "network's")
    p.add_argument("--delay-model", default="propagation",
                   choices=("propagation", "idle", "loaded"),
                   help="propagation only (default), or plus what an idle or loaded user "
                        "measures (satcloud.delays)")
    p.add_argument("--min-elevation", type=_float, default=None, metavar="DEG",
                   help="user terminals' minimum elevation [deg] (default: the network's)")
    _time_options(p, "1h", "15s")
    _output_options(p)
    p.set_defaults(func=_answer(_cmd_rtt))

    p = add("budget", "link budget of one hop, every term, with its rain availability")
    p.add_argument("--profile", default=None, help="a link profile "
                   "(satcloud.links.profile_names); default: the --network's user downlink")
    p.add_argument("--network", default="starlink",
                   help="network whose user-downlink profile to use (default starlink)")
    p.add_argument("--elevation", type=_float, default=40.0, metavar="DEG",
                   help="elevation at the ground end [deg] (default 40)")
    p.add_argument("--range-km", type=_float, default=None, metavar="KM",
                   help="slant range [km] (default: from the profile's altitude and the "
                        "elevation)")
    p.add_argument("--site", default=None, help="ground end, a site name (for the weather)")
    p.add_argument("--lat", type=_float, default=None, metavar="DEG",
                   help="ground end latitude [deg]")
    p.add_argument("--lon", type=_float, default=None, metavar="DEG",
                   help="ground end longitude [deg]")
    p.add_argument("--p-percent", type=_float, default=None, metavar="PERCENT",
                   help="percentage of the year the attenuation is exceeded [%%] (default: "
                        "the profile's)")
    p.add_argument("--atm-loss-db", type=_float, default=None, metavar="DB",
                   help="fixed atmospheric loss [dB] instead of ITU-R")
    p.add_argument("--no-availability", dest="availability", action="store_false",
                   help="skip the rain availability (a few seconds of ITU-R)")
    _output_options(p)
    p.set_defaults(func=_answer(_cmd_budget))

    p = add("passes", "contact windows of satellites over sites or ground stations")
    p.add_argument("--site", action="append", default=[], metavar="SITE",
                   help="a site name; repeatable")
    p.add_argument("--ground-stations", default=None, metavar="NETWORK",
                   help="the ground stations of a network of satcloud.data.ground_stations "
                        "(e.g. azure-orbital)")
    _satellite_options(p)
    _time_options(p, "1h", "30s")
    _output_options(p)
    p.set_defaults(func=_answer(_cmd_passes))

    p = add("coverage", "coverage of sites or of the globe by a constellation")
    p.add_argument("--site", action="append", default=[], metavar="SITE",
                   help="a site name; repeatable")
    p.add_argument("--grid", type=_float, default=None, metavar="SPACING_DEG",
                   help="a global grid of this spacing [deg] instead of sites")
    p.add_argument("--lat-limit", type=_float, default=90.0, metavar="DEG",
                   help="grid cells with |latitude| below this [deg] (default 90)")
    p.add_argument("--k", type=_positive_int, default=1,
                   help="covered means at least k satellites in view (default 1)")
    _satellite_options(p)
    _time_options(p, "1h", "60s")
    _output_options(p)
    p.set_defaults(func=_answer(_cmd_coverage))

    p = add("capacity", "what a network carries: demand, supply and the maximum flow")
    p.add_argument("--network", default="starlink-gen1",
                   help="network with a capacity model (default starlink-gen1)")
    p.add_argument("--time", default="2026-04-02T20:00:00", metavar="ISO_UTC",
                   help="the snapshot (or the first), ISO 8601 UTC (default "
                        "2026-04-02T20:00:00, an evening busy hour over Europe and Africa)")
    p.add_argument("--duration", default=None,
                   help="a series of snapshots over this span, e.g. 1h (default: one)")
    p.add_argument("--step", default="15min", help="between snapshots (default 15min)")
    p.add_argument("--fairness", default="none", choices=("none", "max-min"),
                   help="none: the largest total (default); max-min: fair shares")
    p.add_argument("--no-lasers", action="store_true", help="bent pipe only (no laser links)")
    p.add_argument("--table", default="totals",
                   choices=("totals", "summary", "countries", "regions", "cells", "elements"),
                   help="which table of the result (default totals)")
    _output_options(p)
    p.set_defaults(func=_answer(_cmd_capacity))


def main(argv=None) -> int:
    """Entry point of the ``satcloud`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 1 when a notebook or a data table failed, 2 for a
        usage error (printed to stderr by argparse, as for ``--help``'s 0: returned, not
        raised as ``SystemExit``), 130 when interrupted.
    """
    if argv is not None:
        if isinstance(argv, (str, bytes)) or not isinstance(argv, (list, tuple)):
            raise TypeError(f"argv must be a list of str (the command-line arguments), got "
                            f"{type(argv).__name__} {argv!r:.80}")
        bad = [a for a in argv if not isinstance(a, str)]
        if bad:
            raise TypeError(f"argv entries must be str, got {bad[0]!r:.80} in argv")
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error or --help: argparse printed why
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return args.func(args)


def _parser() -> argparse.ArgumentParser:
    """The ``satcloud`` parser with every command."""
    parser = _Parser(prog="satcloud", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_answer_commands(sub)

    rep = sub.add_parser("report", help="execute the notebooks and render the HTML report")
    rep.add_argument("--out", default="reports", help="output folder (default: reports)")
    rep.add_argument("--notebooks", default=None, help="notebook folder (default: notebooks/)")
    rep.add_argument("--small", action="store_true",
                     help="use each notebook's small test parameters")
    rep.add_argument("--only", nargs="*", default=None,
                     help="only notebooks whose name starts with these prefixes")
    rep.add_argument("--jobs", type=_positive_int, default=1,
                     help="notebooks executed at the same time (default 1)")
    rep.add_argument("--param", action="append", metavar="NOTEBOOK:NAME=VALUE",
                     help="override a parameter, e.g. 00_overview:route_factor=1.3")
    rep.add_argument("--timeout", type=_positive_seconds, default=1800.0,
                     help="per-cell timeout [s]")
    rep.add_argument("--quiet", action="store_true", help="no progress output")
    rep.set_defaults(func=_cmd_report)

    dat = sub.add_parser("data", help="validate the shipped data tables")
    dat.set_defaults(func=_cmd_data)
    return parser


if __name__ == "__main__":
    sys.exit(main())
