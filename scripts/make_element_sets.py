"""Regenerate the real Starlink element sets in ``data/`` and their index table.

Copies the three CelesTrak ``starlink`` group snapshots (US Space Force data) from the
project's shared reference folder (``shared/reference/real/``, see its README for the
repository and commit each came from) into ``data/`` byte for byte, and writes
``data/element_sets.csv``: one row per set with the constellation name, the ``as_of``
date, the file, the number of element sets, the first and last epoch (UTC), the file's
SHA-256 and the source. Shipping a new set is a file plus a row of this table (add it to
``SETS`` below and rerun).

Usage::

    python scripts/make_element_sets.py [--reference ../shared/reference/real] [--out data]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from satcloud._io import atomic_write_bytes, atomic_write_text  # noqa: E402

#: (constellation, as_of, file name, copied from (repository, path, commit), licence)
SETS = (
    ("starlink", "2020-10-29", "starlink_tle_2020-10-29.txt",
     "gui2one/orbitons static/tle_data/spacex.txt e899537", "none stated (CelesTrak data)"),
    ("starlink", "2020-12-31", "starlink_tle_2020-12-31.txt",
     "miketwo/virtualsat starlink.txt d6b7712", "MIT (repository)"),
    ("starlink", "2026-04-02", "starlink_tle_2026-04-02.txt",
     "psmoon-py/nsh starlink.tle 1e618c8", "MIT (repository)"),
)
SOURCE = "CelesTrak starlink group (US Space Force data)"
COLUMNS = ("constellation", "as_of", "file", "objects", "epoch_start_utc", "epoch_end_utc",
           "sha256", "source", "copied_from", "licence")


def tle_epoch(line1: str) -> dt.datetime:
    """UTC epoch of a TLE line 1 (columns 19-32, YYDDD.DDDDDDDD; 57-99 -> 19xx)."""
    yy, day = int(line1[18:20]), float(line1[20:32])
    year = 1900 + yy if yy >= 57 else 2000 + yy
    return dt.datetime(year, 1, 1) + dt.timedelta(days=day - 1.0)


def summarise(text: str) -> tuple[int, dt.datetime, dt.datetime]:
    """Number of element sets and first/last epoch of a TLE file's text."""
    epochs = [tle_epoch(line) for line in text.splitlines() if line.startswith("1 ")]
    if not epochs:
        raise ValueError("no TLE line 1 found")
    return len(epochs), min(epochs), max(epochs)


def build(reference: Path, out: Path) -> str:
    """Copy the sets into ``out`` and return the index table's CSV text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for name, as_of, filename, copied_from, licence in SETS:
        payload = (reference / filename).read_bytes()
        atomic_write_bytes(out / filename, payload)
        n, first, last = summarise(payload.decode("ascii"))
        writer.writerow((name, as_of, filename, n,
                         first.strftime("%Y-%m-%dT%H:%M:%S"),
                         (last + dt.timedelta(microseconds=999_999)).strftime(
                             "%Y-%m-%dT%H:%M:%S"),
                         hashlib.sha256(payload).hexdigest(), SOURCE, copied_from, licence))
        print(f"{filename}: {n} element sets, epochs {first:%Y-%m-%d %H:%M} to "
              f"{last:%Y-%m-%d %H:%M} UTC")
    return buf.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path,
                        default=ROOT.parent / "shared" / "reference" / "real")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    text = build(args.reference, args.out)
    atomic_write_text(args.out / "element_sets.csv", text)
    print(f"wrote {args.out / 'element_sets.csv'}")


if __name__ == "__main__":
    main()
