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
import sys

__all__ = ["main"]


def _parse_params(values):
    out = {}
    for item in values or []:
        if "=" not in item or ":" not in item.split("=", 1)[0]:
            raise SystemExit(f"--param must look like NOTEBOOK:NAME=JSON_VALUE, got {item!r}")
        lhs, raw = item.split("=", 1)
        book, name = lhs.split(":", 1)
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out.setdefault(book, {})[name] = value
    return out


def _cmd_report(args) -> int:
    from satcloud.report import ReportError, run_report

    try:
        run_report(args.out, notebook_dir=args.notebooks, small=args.small, only=args.only,
                   jobs=args.jobs, parameters=_parse_params(args.param),
                   progress=not args.quiet, timeout_s=args.timeout)
    except ReportError as exc:
        print(f"satcloud report FAILED: {exc}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as exc:
        print(f"satcloud report: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_data(args) -> int:
    from satcloud import data

    bad = 0
    for name, schema in data.TABLES.items():
        try:
            df = data.load_table(name)
        except (data.DataTableError, FileNotFoundError) as exc:
            print(f"  FAIL {name}: {exc}")
            bad += 1
            continue
        print(f"  ok   {schema.filename:28s} {len(df):5d} rows  {schema.description}")
    print(f"data folder: {data.data_dir()} (provenance in data/README.md)")
    return 1 if bad else 0


def main(argv=None) -> int:
    """Entry point of the ``satcloud`` command."""
    parser = argparse.ArgumentParser(prog="satcloud", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="execute the notebooks and render the HTML report")
    rep.add_argument("--out", default="reports", help="output folder (default: reports)")
    rep.add_argument("--notebooks", default=None, help="notebook folder (default: notebooks/)")
    rep.add_argument("--small", action="store_true",
                     help="use each notebook's small test parameters")
    rep.add_argument("--only", nargs="*", default=None,
                     help="only notebooks whose name starts with these prefixes")
    rep.add_argument("--jobs", type=int, default=1,
                     help="notebooks executed at the same time (default 1)")
    rep.add_argument("--param", action="append", metavar="NOTEBOOK:NAME=VALUE",
                     help="override a parameter, e.g. 00_overview:route_factor=1.3")
    rep.add_argument("--timeout", type=float, default=1800.0, help="per-cell timeout [s]")
    rep.add_argument("--quiet", action="store_true", help="no progress output")
    rep.set_defaults(func=_cmd_report)

    dat = sub.add_parser("data", help="validate the shipped data tables")
    dat.set_defaults(func=_cmd_data)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
