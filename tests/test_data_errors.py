"""Garbage table files give a ValueError naming the file, the line and what is expected.

Issue 11, point 4: the table loaders raised pandas' ``EmptyDataError``, a bare
``UnicodeDecodeError`` or ``_csv.Error``, and silently accepted some broken files (a line
with too many fields moved its values into the wrong columns). Every case here is a file
a user could hand to :func:`satcloud.data.load_table`; the expected messages are the
loader's contract, the expected values come from the file written in the test.
"""

import pandas as pd
import pytest

from satcloud import data

HEADER = "region,display_name,lat_deg,lon_deg\n"  # the aws_regions schema


def _load(tmp_path, payload: bytes):
    path = tmp_path / "aws_regions.csv"
    path.write_bytes(payload)
    return data.load_table("aws_regions", path)


@pytest.mark.parametrize("payload, message", [
    # pandas: EmptyDataError "No columns to parse from file"
    (b"", r"aws_regions\.csv: file is empty; expected a UTF-8 CSV table: a header line "
          r"naming the columns \['region', 'display_name', 'lat_deg', 'lon_deg'\]"),
    (b"\n \n\n", r"aws_regions\.csv: file is empty"),
    # pandas: UnicodeDecodeError; 0xfc is u-umlaut in Latin-1, invalid as UTF-8
    (HEADER.encode() + "x,Z\u00fcrich,47.4,8.5\n".encode("latin-1"),
     r"aws_regions\.csv: line 2: byte 0xfc is not UTF-8 text"),
    # UTF-16 starts with the byte-order mark FF FE
    ((HEADER + "x,a,1,2\n").encode("utf-16"), r"line 1: byte 0xff is not UTF-8 text"),
    # the csv module: "unexpected end of data" (an unterminated quote)
    ((HEADER + 'x,"Zurich,47.4,8.5\n').encode(), r"line 2: not valid CSV \(unexpected end"),
    (HEADER.encode() + b"x,a\x00b,1,2\n", r"line 2: contains a NUL byte"),
    # pandas took the 2 extra leading fields as the index and shifted every value
    ((HEADER + "x,a,1,2\ny,b,3,4,5,6\n").encode(),
     r"line 3: 6 field\(s\), but the header has 4 columns"),
    ((HEADER + "x,a,1\n").encode(), r"line 2: 3 field\(s\), but the header has 4 columns"),
    # pandas renamed the second 'region' to 'region.1'
    (b"region,region,display_name,lat_deg,lon_deg\nx,y,a,1,2\n",
     r"line 1: column name\(s\) \['region'\] repeated in the header"),
])
def test_broken_files_are_value_errors_naming_file_line_and_expectation(tmp_path, payload,
                                                                        message):
    with pytest.raises(data.DataTableError, match=message) as info:
        _load(tmp_path, payload)
    assert isinstance(info.value, ValueError)
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, ValueError)


def test_garbage_header_is_summarised_not_echoed(tmp_path):
    # a 100,000-character "column name" must not end up whole in the message
    with pytest.raises(data.DataTableError, match="required column") as info:
        _load(tmp_path, b"[" * 100_000 + b"\n1\n")
    assert len(str(info.value)) < 1000


def test_blank_and_whitespace_lines_are_skipped_as_before(tmp_path):
    # pandas skips blank and whitespace-only lines; the shape check must do the same,
    # so this file reads as the two regions written here
    df = _load(tmp_path, (HEADER + "x,a,1,2\n\n   \ny,b,3,4\n").encode())
    assert df.region.tolist() == ["x", "y"]
    assert df.lat_deg.tolist() == [1.0, 3.0]


def test_utf8_with_byte_order_mark_still_loads(tmp_path):
    # Excel writes UTF-8 with a BOM; pandas strips it from the first column name
    df = _load(tmp_path, "\ufeff".encode() + (HEADER + "x,Z\u00fcrich,47.4,8.5\n").encode())
    assert df.display_name.tolist() == ["Z\u00fcrich"]


def test_shipped_tables_are_unchanged_by_the_shape_check():
    # the loader's result for the shipped files is what plain pandas reads (no row lost,
    # no value changed by the extra checks)
    for name, schema in data.TABLES.items():
        ours = data.load_table(name)
        raw = pd.read_csv(data.data_dir() / schema.filename, dtype=str,
                          keep_default_na=False, na_values=[""], encoding="utf-8")
        assert len(ours) == len(raw), name
        assert ours.columns.tolist() == [c.strip() for c in raw.columns], name
        for column, kind in schema.columns.items():
            if kind == "str":
                # an empty optional cell reads as "" (pandas: NaN)
                expected = raw[column].fillna("") if column in schema.optional else raw[column]
                assert ours[column].tolist() == expected.astype(str).tolist(), name


def test_rewritten_file_is_reread_whatever_its_modification_time(tmp_path):
    # the cache is keyed by content: a file rewritten with the same mtime (a coarse
    # file-system clock, or a copy that keeps times) must not give the old table
    import os

    path = tmp_path / "aws_regions.csv"
    path.write_text(HEADER + "x,a,1,2\n")
    stamp = os.stat(path).st_mtime_ns
    assert data.load_table("aws_regions", path).region.tolist() == ["x"]
    path.write_text(HEADER + "y,a,1,2\n")
    os.utime(path, ns=(stamp, stamp))
    assert data.load_table("aws_regions", path).region.tolist() == ["y"]


@pytest.mark.parametrize("name, path, error, message", [
    (42, None, TypeError, r"name must be a table name \(str\), got int 42"),
    (["aws_regions"], None, TypeError, r"name must be a table name"),
    ("aws_regions", 42, TypeError, r"path must be a str or os.PathLike .* got int 42"),
    ("aws_regions", b"/tmp/x.csv", TypeError, r"path must be a str or os.PathLike"),
])
def test_wrong_argument_types_name_the_parameter(name, path, error, message):
    with pytest.raises(error, match=message):
        data.load_table(name, path)


def test_a_folder_is_not_a_table(tmp_path):
    with pytest.raises(data.DataTableError, match="is a folder; path must name the CSV file"):
        data.load_table("aws_regions", tmp_path)


def test_missing_data_dir_names_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="environment variable SATCLOUD_DATA_DIR"):
        data.cities()
