"""Regenerate ``data/naturalearth/``: offline Natural Earth 1:110m layers for the maps.

Source: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com),
in the copy the ``pyogrio`` wheel ships as a test fixture
(``pyogrio/tests/fixtures/naturalearth_lowres``, 177 countries, the layer geopandas
used to publish as ``naturalearth_lowres``).

From the countries this script derives, with shapely, the three layers satcloud draws
and writes them in the directory layout cartopy expects for pre-downloaded data
(``shapefiles/natural_earth/{category}/ne_110m_{name}.shp``), so that both
:mod:`satcloud.plots` and a plain ``ax.coastlines()`` at 110 m draw offline:

- ``cultural/ne_110m_admin_0_countries``: the countries as shipped (name, ISO A3,
  continent, population estimate);
- ``physical/ne_110m_land``: the union of the countries;
- ``physical/ne_110m_coastline``: the boundary of the land, without the artificial
  edges along the antimeridian and the South Pole that close Antarctica's polygon;
- ``cultural/ne_110m_admin_0_boundary_lines_land``: the shared boundaries of
  neighbouring countries.

The derived coastline differs from Natural Earth's own coastline layer only where the
110 m countries layer and the coastline layer differ (a few small islands); the
borders are exact shared edges of the country polygons.

Usage::

    python scripts/make_naturalearth.py [--out data/naturalearth]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import shapefile  # pyshp, a cartopy dependency
import shapely
from shapely.geometry import LineString, MultiLineString

EPS_DEG = 1e-6

#: The "date of last update" written in every ``.dbf`` header (bytes 1-3: years since
#: 1900, month, day). pyshp stamps the clock's date there, which would make the derived
#: files differ every day they are regenerated; the layers are a pure function of the
#: pyogrio fixture, so the header carries one fixed date instead: the day the shipped
#: layers were first derived (2026-11-21). Change it only together with the data.
DBF_HEADER_DATE = datetime.date(2026, 11, 21)


def fixture_path() -> Path:
    """Path of the 110 m countries shapefile inside the installed pyogrio wheel."""
    import pyogrio

    return (Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
            / "naturalearth_lowres.shp")


def _read_countries(path: Path):
    reader = shapefile.Reader(str(path))
    fields = [f[0] for f in reader.fields[1:]]
    out = []
    for sr in reader.iterShapeRecords():
        geom = shapely.geometry.shape(sr.shape.__geo_interface__)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out.append((dict(zip(fields, sr.record, strict=True)), geom))
    reader.close()
    return out


def _is_artificial(p, q) -> bool:
    """An edge along the antimeridian or the South Pole closes a polygon, not a coast."""
    (x1, y1), (x2, y2) = p, q
    on_antimeridian = abs(abs(x1) - 180) < EPS_DEG and abs(x1 - x2) < EPS_DEG
    on_pole = y1 < -90 + 1e-3 and y2 < -90 + 1e-3
    return on_antimeridian or on_pole


def _drop_artificial(lines) -> list[LineString]:
    pieces = []
    for line in lines:
        coords = np.asarray(line.coords)
        run = [coords[0]]
        for p, q in zip(coords[:-1], coords[1:], strict=True):
            if _is_artificial(p, q):
                if len(run) > 1:
                    pieces.append(LineString(run))
                run = [q]
            else:
                run.append(q)
        if len(run) > 1:
            pieces.append(LineString(run))
    return pieces


def _lines_of(geom) -> list[LineString]:
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        return [g for part in geom.geoms for g in _lines_of(part)]
    return []


def derive_layers(countries):
    """Land polygons, coastline lines and border lines from country polygons."""
    geoms = [g for _, g in countries]
    land = shapely.unary_union(geoms)
    coast = _drop_artificial(_lines_of(shapely.line_merge(land.boundary)))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    borders = []
    for i, j in zip(left, right, strict=True):
        if i < j:
            shared = shapely.line_merge(
                shapely.intersection(geoms[i].boundary, geoms[j].boundary))
            borders.extend(_drop_artificial(_lines_of(shared)))
    return land, coast, borders


def _stamp_dbf_date(path: Path, day: datetime.date = DBF_HEADER_DATE) -> None:
    """Overwrite the dBase header's date of last update (bytes 1-3) with ``day``.

    The dBase III header layout (version byte, then YY-1900, MM, DD) is documented in
    the Xbase file format description (dbf.html, "Table file header", bytes 1-3).
    """
    if not 1900 <= day.year <= 1900 + 255:
        raise ValueError(f"day must be between 1900-01-01 and 2155-12-31 for a dBase "
                         f"header; got {day.isoformat()}")
    with open(path, "r+b") as f:
        f.seek(1)
        f.write(bytes([day.year - 1900, day.month, day.day]))


def _write(path: Path, shape_type, records, fields):
    path.parent.mkdir(parents=True, exist_ok=True)
    with shapefile.Writer(str(path), shapeType=shape_type) as w:
        for name, kind, size, dec in fields:
            w.field(name, kind, size=size, decimal=dec)
        for attrs, geom in records:
            w.shape(shapely.geometry.mapping(geom))
            w.record(*attrs)
    _stamp_dbf_date(path.with_suffix(".dbf"))
    (path.with_suffix(".prj")).write_text(
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
        '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
    (path.with_suffix(".cpg")).write_text("UTF-8")


def build(out: Path, source: Path | None = None) -> None:
    """Write the four layers under ``out`` atomically (a temporary folder, then rename)."""
    countries = _read_countries(source or fixture_path())
    land, coast, borders = derive_layers(countries)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=".naturalearth."))
    try:
        base = tmp / "shapefiles" / "natural_earth"
        _write(base / "cultural" / "ne_110m_admin_0_countries.shp", shapefile.POLYGON,
               [((a["name"], a["iso_a3"], a["continent"], int(a["pop_est"])), g)
                for a, g in countries],
               [("NAME", "C", 60, 0), ("ISO_A3", "C", 3, 0), ("CONTINENT", "C", 30, 0),
                ("POP_EST", "N", 12, 0)])
        land_parts = list(land.geoms) if hasattr(land, "geoms") else [land]
        _write(base / "physical" / "ne_110m_land.shp", shapefile.POLYGON,
               [((k,), g) for k, g in enumerate(land_parts)], [("ID", "N", 6, 0)])
        _write(base / "physical" / "ne_110m_coastline.shp", shapefile.POLYLINE,
               [((k,), g) for k, g in enumerate(coast)], [("ID", "N", 6, 0)])
        _write(base / "cultural" / "ne_110m_admin_0_boundary_lines_land.shp",
               shapefile.POLYLINE, [((k,), g) for k, g in enumerate(borders)],
               [("ID", "N", 6, 0)])
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    print(f"wrote {len(countries)} countries, {len(land_parts)} land polygons, "
          f"{len(coast)} coastline lines, {len(borders)} border lines to {out}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "data" / "naturalearth")
    args = parser.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    main()
