"""``satcloud`` command line: usage errors are one line and exit code 2, never a traceback.

Issue 11: ``--param`` pasted any name into a notebook as code and only warned about
unknown ones; ``satcloud data`` printed a traceback when it found no data folder.
"""

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from satcloud import cli, data


@pytest.fixture()
def books(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    nb = new_notebook(cells=[
        new_markdown_cell("# CLI"),
        new_code_cell("route_factor = 1.3\nwindow = '2h'", metadata={"tags": ["parameters"]}),
        new_code_cell("y = route_factor"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, str(folder / "01_cli.ipynb"))
    return folder


def _report(books, tmp_path, *extra):
    return cli.main(["report", "--quiet", "--notebooks", str(books), "--out",
                     str(tmp_path / "out"), *extra])


@pytest.mark.parametrize("param, message", [
    ("01_cli:speed=2",
     "satcloud report: parameters: notebook 01_cli has no parameter 'speed'; "
     "valid names: route_factor, window"),
    ("01_cli:__import__('os').system('true')=1",
     "satcloud report: --param must look like NOTEBOOK:NAME=VALUE (VALUE in JSON, or a "
     "plain string); NAME must be a Python identifier, got \"__import__('os')"),
    ("01_cli:route_factor=[1.3,", "satcloud report: --param 01_cli:route_factor: value "
                                  "'[1.3,' is not valid JSON"),
    ("01_cli:route_factor=NaN", "satcloud report: --param 01_cli:route_factor: value 'NaN' "
                                "is not a finite number"),
    ("route_factor=1.3", "satcloud report: --param must look like NOTEBOOK:NAME=VALUE"),
    ("01_cli:route_factor", "satcloud report: --param must look like NOTEBOOK:NAME=VALUE"),
    ("02_none:route_factor=1", "satcloud report: parameters given for unknown notebooks "
                               "['02_none']"),
])
def test_bad_params_exit_2_with_one_line(books, tmp_path, capsys, param, message):
    assert _report(books, tmp_path, "--param", param) == 2
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_repeated_param_is_refused(books, tmp_path, capsys):
    assert _report(books, tmp_path, "--param", "01_cli:window=1h",
                   "--param", "01_cli:window=2h") == 2
    assert "--param 01_cli:window is given twice" in capsys.readouterr().err


def test_param_values_json_or_plain_string():
    # JSON where it parses, the raw text otherwise (a duration like 2h needs no quotes)
    assert cli._parse_params(["a:x=1.5", "a:w=2h", "a:l=[1, 2]", 'a:s="q"', "b:n=null"]) == {
        "a": {"x": 1.5, "w": "2h", "l": [1, 2], "s": "q"}, "b": {"n": None}}


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--jobs", "two"],
                                  ["--timeout", "inf"], ["--timeout", "-5"]])
def test_bad_numbers_are_usage_errors(books, tmp_path, capsys, args):
    assert _report(books, tmp_path, *args) == 2  # argparse's usage error, returned
    assert "must be" in capsys.readouterr().err


def test_data_without_a_data_folder_is_one_line_not_a_traceback(tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(tmp_path / "nowhere"))
    assert cli.main(["data"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert captured.err.startswith("satcloud data: satcloud data folder not found at")
    assert captured.err.count("\n") == 1


def test_data_reports_each_broken_table(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "aws_regions.csv").write_bytes(b"\xff\xfe garbage")
    (folder / "cities.csv").unlink()
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(folder))
    assert cli.main(["data"]) == 1
    out = capsys.readouterr().out
    assert "FAIL aws_regions: aws_regions.csv: line 1: byte 0xff is not UTF-8 text" in out
    assert "FAIL cities: table 'cities' not found at" in out
    assert "ok   azure_regions.csv" in out
    assert f"data folder: {folder} (provenance in {folder / 'README.md'})" in out


def test_report_without_the_notebooks_extra_says_which_extra(tmp_path, monkeypatch, capsys):
    # issue 12, point 6: the core install has no papermill/nbconvert; `satcloud report`
    # names the extra to install instead of failing with a ModuleNotFoundError traceback.
    import sys

    monkeypatch.setitem(sys.modules, "papermill", None)   # as if not installed
    assert cli.main(["report", "--out", str(tmp_path / "r"), "--only", "00"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "missing: papermill" in err and "satcloud[notebooks]" in err
    assert not (tmp_path / "r").exists()


def test_main_returns_usage_errors_and_checks_argv(capsys):
    # the exit status is returned (the console script passes it to sys.exit)
    assert cli.main([]) == 2
    assert "required" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0
    with pytest.raises(TypeError, match="argv must be a list of str"):
        cli.main("report")
    with pytest.raises(TypeError, match="argv entries must be str"):
        cli.main(["report", 3])
