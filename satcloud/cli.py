"""Command line: ``satcloud report`` and ``satcloud data``.

Examples
--------
::

    satcloud report                 # full-size report into reports/
    satcloud report --small --out /tmp/r --only 00
    satcloud data                   # validate every shipped table and list provenance
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading

__all__ = ["main"]

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
    parser = argparse.ArgumentParser(prog="satcloud", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

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

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error or --help: argparse printed why
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
