"""The report pipeline: execution, headline numbers, failures, offline run, CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from satcloud import report


def _write_nb(path: Path, code: str, small=None, title="Tiny"):
    nb = new_notebook(cells=[
        new_markdown_cell(f"# {title}"),
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        new_code_cell(code),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    if small is not None:
        nb.metadata["satcloud"] = {"small_parameters": small}
    nbformat.write(nb, str(path))


@pytest.fixture()
def tiny_books(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _write_nb(books / "01_ok.ipynb",
              "from satcloud.report import headline\n"
              "import matplotlib.pyplot as plt\n"
              "plt.plot([0, 1], [x, x]); plt.show()\n"
              "headline('x_value', x * 2.5, 'ms', 'twice and a half x')",
              small={"x": 4}, title="Tiny OK")
    return books


def test_report_runs_parameters_and_collects_headlines(tiny_books, tmp_path):
    out = tmp_path / "out"
    results = report.run_report(out, notebook_dir=tiny_books, small=True, progress=False)
    assert [r.name for r in results] == ["01_ok"]
    # small_parameters x=4 reached the notebook: headline is 4 * 2.5
    assert results[0].headlines[0]["value"] == pytest.approx(10.0)
    summary = json.loads((out / "headlines.json").read_text())
    assert summary["01_ok"]["headlines"][0]["unit"] == "ms"
    index = (out / "index.html").read_text()
    assert "01_ok.html" in index and "twice and a half x" in index and "10 ms" in index
    page = (out / "01_ok.html").read_text()
    assert "data:image/png;base64" in page
    # nothing in the page is fetched from a CDN
    assert "<script src=\"http" not in page and "cdnjs" not in page
    # full-size run uses the parameters cell default x=1
    results = report.run_report(out, notebook_dir=tiny_books, progress=False)
    assert results[0].headlines[0]["value"] == pytest.approx(2.5)


def test_rebuild_is_identical(tiny_books, tmp_path, monkeypatch):
    # the landing page records the build time: SOURCE_DATE_EPOCH (reproducible-builds.org)
    # fixes it; the commit is fixed too, as other work may change the checkout meanwhile
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(report, "_git_commit", lambda: "0123456789ab")
    a, b = tmp_path / "a", tmp_path / "b"
    report.run_report(a, notebook_dir=tiny_books, small=True, progress=False)
    report.run_report(b, notebook_dir=tiny_books, small=True, progress=False)
    for name in ("index.html", "01_ok.html", "headlines.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_rebuild_into_the_same_folder_gives_the_same_executed_notebook(tiny_books, tmp_path):
    # papermill records the path it wrote to; that is a random scratch folder now, so the
    # runner puts the executed notebook's real path there (or rebuilds would differ)
    out = tmp_path / "o"
    executed = out / "executed" / "01_ok.ipynb"
    report.run_report(out, notebook_dir=tiny_books, small=True, progress=False)
    first = executed.read_bytes()
    report.run_report(out, notebook_dir=tiny_books, small=True, progress=False)
    assert executed.read_bytes() == first
    meta = json.loads(first)["metadata"]["papermill"]
    assert meta["output_path"] == str(executed)
    assert "start_time" not in meta and "end_time" not in meta


def test_failing_notebook_names_notebook_and_cell(tiny_books, tmp_path):
    _write_nb(tiny_books / "02_bad.ipynb", "raise ValueError('boom in the model')")
    with pytest.raises(report.ReportError) as info:
        report.run_report(tmp_path / "out", notebook_dir=tiny_books, progress=False)
    msg = str(info.value)
    assert "02_bad.ipynb" in msg and "cell 2" in msg and "ValueError: boom in the model" in msg
    # the good notebook still rendered; the index marks the failure
    index = (tmp_path / "out" / "index.html").read_text()
    assert "FAILED" in index and "01_ok.html" in index
    assert (tmp_path / "out" / "executed" / "02_bad.failed.ipynb").exists()


def test_cli_exit_codes(tiny_books, tmp_path):
    exe = [sys.executable, "-m", "satcloud.cli", "report", "--quiet", "--notebooks",
           str(tiny_books), "--out", str(tmp_path / "o")]
    ok = subprocess.run(exe + ["--param", "01_ok:x=3"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    # the kernel is shut down without SIGINT (report._ipc_kernel_manager): no ipykernel
    # "KeyboardInterrupt caught in kernel" log line on the terminal
    assert "KeyboardInterrupt" not in ok.stderr + ok.stdout
    assert json.loads((tmp_path / "o" / "headlines.json").read_text())["01_ok"]["headlines"][0][
        "value"] == pytest.approx(7.5)
    _write_nb(tiny_books / "03_bad.ipynb", "1/0")
    bad = subprocess.run(exe, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "03_bad.ipynb failed in cell 2" in bad.stderr and "ZeroDivisionError" in bad.stderr
    unknown = subprocess.run(exe + ["--only", "99"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "no notebook" in unknown.stderr


def test_bad_arguments(tiny_books, tmp_path):
    with pytest.raises(ValueError, match="jobs must be an integer >= 1"):
        report.run_report(tmp_path, notebook_dir=tiny_books, jobs=0)
    with pytest.raises(ValueError, match="unknown notebooks \\['nope'\\]"):
        report.run_report(tmp_path, notebook_dir=tiny_books, parameters={"nope": {}})


def test_network_guard_detects_a_connection(nonet_env, tmp_path):
    # the guard used by the offline test must catch real attempts (so an empty log means
    # nothing tried to connect, not that the guard is blind)
    env, log = nonet_env
    code = ("import urllib.request\n"
            "try:\n urllib.request.urlopen('http://example.com', timeout=2)\n"
            "except OSError as e: print('blocked', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True)
    assert "blocked" in proc.stdout
    assert "example.com" in log.read_text()


@pytest.mark.notebook
def test_every_notebook_runs_small_and_offline(root, small_report):
    """The whole series with small parameters, with every network attempt refused and logged.

    This is the suite's execution test for every notebook in notebooks/ and the proof
    that the report needs no network: the guard (tests/support/nonet) is inherited by
    the report runner and by each Jupyter kernel it starts.
    """
    proc, out, log = small_report
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert log.read_text() == "", "network access attempted:\n" + log.read_text()
    books = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert books, "no notebooks found"
    index = (out / "index.html").read_text()
    for book in books:
        page = (out / f"{book.stem}.html").read_text()
        assert f"{book.stem}.html" in index
        assert "data:image/png;base64" in page, f"{book.stem} has no figure"
        executed = nbformat.read(str(out / "executed" / book.name), as_version=4)
        for cell in executed.cells:
            for o in cell.get("outputs", []):
                assert o.get("output_type") != "error", f"{book.stem}: error output"
                assert o.get("name") != "stderr", (
                    f"{book.stem}: stderr output (warnings?) {o.get('text', '')[:500]}")


def test_notebooks_are_committed_without_outputs_and_have_parameters(root):
    for book in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(str(book), as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{book.name}: needs exactly one 'parameters' cell"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, book.name
        small = nb.metadata.get("satcloud", {}).get("small_parameters")
        assert isinstance(small, dict), f"{book.name}: metadata.satcloud.small_parameters"


def test_parallel_run_with_a_relative_output_folder(tiny_books, tmp_path, monkeypatch):
    # regression: papermill's cwd= chdirs the whole process while a notebook runs, so with
    # two notebooks at a time a relative output path could point into the wrong folder
    _write_nb(tiny_books / "02_also.ipynb",
              "import os, time; time.sleep(1.0); y = x; print(os.getcwd())")
    monkeypatch.chdir(tmp_path)
    results = report.run_report("rel_out", notebook_dir=tiny_books, jobs=2, progress=False)
    assert os.getcwd() == str(tmp_path)  # the runner never moved the process
    executed = nbformat.read(str(tmp_path / "rel_out" / "executed" / "02_also.ipynb"), 4)
    # ... while each kernel still ran in its notebook's folder
    assert executed.cells[-1].outputs[0]["text"].strip() == str(tiny_books)
    assert [r.ok for r in results] == [True, True]
    out = tmp_path / "rel_out"
    assert (out / "01_ok.html").exists() and (out / "02_also.html").exists()
    assert not list((out / "executed").glob(".*.running.ipynb"))


def test_widget_views_render_as_a_note_not_a_repr(tmp_path):
    # a static page cannot run a widget: the report says where the live panel is
    books = tmp_path / "books"
    books.mkdir()
    _write_nb(books / "01_w.ipynb",
              "import ipywidgets as W\nimport matplotlib.pyplot as plt\n"
              "display(W.IntSlider(value=3))\nplt.plot([0, 1]); plt.show()", small={})
    report.run_report(tmp_path / "o", notebook_dir=books, progress=False)
    page = (tmp_path / "o" / "01_w.html").read_text()
    assert "satcloud-widget-note" in page and "IntSlider(" not in page


def test_headline_refuses_non_finite_values():
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="publish a computed, finite value"):
            report.headline("x", bad)


# --- parameters: only names of the notebook's parameters cell, JSON values of its kind ---
# (issue 11, point 3: papermill pasted any name into the notebook as code and only warned)

def test_unknown_parameter_is_refused_before_anything_runs(tiny_books, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"parameters: notebook 01_ok has no parameter "
                                         r"'route_factor'; valid names: x$"):
        report.run_report(out, notebook_dir=tiny_books, progress=False,
                          parameters={"01_ok": {"route_factor": 2.0}})
    assert not out.exists()  # refused up front: no notebook ran, nothing was written


def test_a_name_that_is_code_never_runs(tiny_books, tmp_path):
    # the name papermill would have injected as `<name> = 1`: if it ran, marker exists
    marker = tmp_path / "pwned"
    name = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with pytest.raises(ValueError, match="has no parameter .*valid names: x"):
        report.run_report(tmp_path / "out", notebook_dir=tiny_books, progress=False,
                          parameters={"01_ok": {name: 1}})
    assert not marker.exists()


@pytest.mark.parametrize("value, message", [
    (float("nan"), r"parameters: 01_ok parameter 'x' is nan, not a finite number"),
    ([1, float("inf")], r"parameter 'x'\[1\] is inf, not a finite number"),
    ({1: 2}, r"parameter 'x' has the key 1; keys must be strings"),
    (object(), r"parameter 'x' is a object; a parameter value must be a number, string"),
])
def test_malformed_parameter_values_are_refused(tiny_books, tmp_path, value, message):
    # papermill would write `x = nan` (a NameError) or the repr of an object into the code
    with pytest.raises(ValueError, match=message):
        report.run_report(tmp_path / "out", notebook_dir=tiny_books, progress=False,
                          parameters={"01_ok": {"x": value}})


def test_parameters_cell_names_and_any_json_value(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _write_nb(books / "01_k.ipynb", "print(repr((f, s, b, items, anything)))")
    nb = nbformat.read(str(books / "01_k.ipynb"), as_version=4)
    nb.cells[1].source = ("f = 1.5\ns: str = 'a'\nb = False\nitems = [1, 2]\n"
                          "anything = len('xy')\n")
    nbformat.write(nb, str(books / "01_k.ipynb"))
    assert report.notebook_parameters(books / "01_k.ipynb") == {
        "f": 1.5, "s": "a", "b": False, "items": [1, 2], "anything": Ellipsis}
    out = tmp_path / "out"
    # the kind of a default is no rule (a preset name or a number, like 00_overview's
    # route_factor): each JSON value reaches the notebook as that Python value
    report.run_report(out, notebook_dir=books, progress=False, parameters={
        "01_k": {"f": "fast", "s": 2, "b": True, "items": [], "anything": {"k": [None]}}})
    executed = nbformat.read(str(out / "executed" / "01_k.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == \
        "('fast', 2, True, [], {'k': [None]})"


def test_small_parameters_must_name_parameters_too(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    _write_nb(books / "01_typo.ipynb", "y = x", small={"xx": 2})
    with pytest.raises(ValueError, match=r"metadata.satcloud.small_parameters: notebook "
                                         r"01_typo has no parameter 'xx'; valid names: x"):
        report.run_report(tmp_path / "out", notebook_dir=books, small=True, progress=False)


def test_every_shipped_notebooks_small_parameters_are_parameters(root):
    for book in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        report._check_parameters(book, report._small_parameters(book),
                                 "metadata.satcloud.small_parameters")


# --- a failed notebook leaves no page of an earlier run that looks current ---

def test_failure_removes_the_previous_page_and_executed_notebook(tiny_books, tmp_path):
    out = tmp_path / "out"
    report.run_report(out, notebook_dir=tiny_books, progress=False)
    assert (out / "01_ok.html").exists() and (out / "executed" / "01_ok.ipynb").exists()
    _write_nb(tiny_books / "01_ok.ipynb", "raise RuntimeError('now broken')")
    with pytest.raises(report.ReportError, match="RuntimeError: now broken"):
        report.run_report(out, notebook_dir=tiny_books, progress=False)
    assert not (out / "01_ok.html").exists()
    assert not (out / "executed" / "01_ok.ipynb").exists()
    assert (out / "executed" / "01_ok.failed.ipynb").exists()
    index = (out / "index.html").read_text()
    assert "FAILED" in index and "01_ok.html" not in index
    # and a later success replaces the .failed notebook again
    _write_nb(tiny_books / "01_ok.ipynb", "y = x")
    report.run_report(out, notebook_dir=tiny_books, progress=False)
    assert (out / "01_ok.html").exists()
    assert not (out / "executed" / "01_ok.failed.ipynb").exists()


def test_bad_timeout_and_parameters_types(tiny_books, tmp_path):
    for bad in (0, -1.0, float("inf"), float("nan"), "60", True, 1e308):
        with pytest.raises(ValueError, match=r"timeout_s must be a number of seconds in "
                                             r"\(0, 604800\] \(a week\)"):
            report.run_report(tmp_path, notebook_dir=tiny_books, timeout_s=bad)
    with pytest.raises(TypeError, match="parameters must be a dict of notebook stem"):
        report.run_report(tmp_path, notebook_dir=tiny_books, parameters=[("01_ok", {})])
    with pytest.raises(TypeError, match="parameters for 01_ok must be a dict of name"):
        report.run_report(tmp_path, notebook_dir=tiny_books, parameters={"01_ok": [1]})


def test_paths_that_cannot_be_used_are_named(tiny_books, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="out_dir .* is a file; give a folder"):
        report.run_report(a_file, notebook_dir=tiny_books, progress=False)
    with pytest.raises(ValueError, match="notebook_dir .* is not a folder"):
        report.run_report(tmp_path / "out", notebook_dir=a_file, progress=False)
    with pytest.raises(ValueError, match="path .* is not a Jupyter notebook"):
        report.notebook_parameters(a_file)
    with pytest.raises(ValueError, match="out_path must name a notebook file"):
        report.execute_notebook(next(tiny_books.glob("*.ipynb")), tmp_path / "out.html")
    with pytest.raises(TypeError, match="nb must be a notebook"):
        report.render_html({"cells": "x"}, tmp_path / "page.html")
    with pytest.raises(ValueError, match="only entries must be non-empty"):
        report.list_notebooks(tiny_books, only=[""])



# --- pages for readers and the landing page (issue 16, point 1) ---

def _reader_books(folder: Path) -> Path:
    """Two figures (the second tagged key-figure, a solid blue 600 x 400 px image), two
    headlines, and a notebook that fails."""
    folder.mkdir()
    nb = new_notebook(cells=[
        new_markdown_cell("# Reader test\n\nIntro text."),
        new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        new_markdown_cell("## First section\n\nProse.\n\n### A detail"),
        new_code_cell("import matplotlib.pyplot as plt\n"
                      "from satcloud.report import headline\n"
                      "fig, ax = plt.subplots(figsize=(4, 3))\n"
                      "ax.plot([0, 1], [0, x], color='red'); plt.show()\n"
                      "headline('lead_ms', 12.5 * x, 'ms', 'The lead number')\n"
                      "headline('second_gbps', 3, 'Gbps', 'The second number')"),
        new_markdown_cell("## Key figure"),
        new_code_cell("import io\nfrom IPython.display import Image, display\n"
                      "from PIL import Image as Picture\nbuffer = io.BytesIO()\n"
                      "Picture.new('RGB', (600, 400), (0, 0, 255)).save(buffer, 'PNG')\n"
                      "display(Image(buffer.getvalue()))",
                      metadata={"tags": ["key-figure"]}),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["satcloud"] = {"small_parameters": {"x": 2}}
    nbformat.write(nb, str(folder / "01_reader.ipynb"))
    _write_nb(folder / "02_broken.ipynb", "raise RuntimeError('broken on purpose')",
              title="A broken story")
    return folder


def test_landing_page_cards_thumbnail_and_build_facts(tmp_path, monkeypatch):
    import base64
    import io
    import re

    from PIL import Image

    books = _reader_books(tmp_path / "books")
    out = tmp_path / "out"
    # 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC (`date -u -d @1700000000`)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with pytest.raises(report.ReportError, match="broken on purpose"):
        report.run_report(out, notebook_dir=books, small=True, progress=False,
                          parameters={"02_broken": {"x": 5}})
    index = (out / "index.html").read_text()
    assert "<time datetime='2023-11-14T22:13:20Z'>2023-11-14 22:13 UTC</time>" in index
    assert "small (the test run)" in index and "02_broken: x=5" in index
    assert f"<dd>{report._satcloud_version()}</dd>" in index
    card = index[index.index("id='nb-01_reader'"):index.index("id='nb-02_broken'")]
    # the first headline is the lead (small parameter x=2: 12.5 * 2 = 25), the rest a list
    assert "<span class='value'>25 ms</span><span class='label'>The lead number" in card
    assert "<li>The second number: <b>3 Gbps</b></li>" in card
    assert "parameters: x=2" in card and "href='01_reader.html'" in card
    # the thumbnail is the key figure (solid blue), not the first figure (a red line on
    # white), downscaled into 360 x 240 px
    data = re.search(r"src='data:image/png;base64,([^']+)'", card).group(1)
    thumb = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    assert thumb.size == (360, 240)  # 600 x 400 px scaled to fit 360 x 240
    assert thumb.getpixel((180, 120)) == (0, 0, 255)
    assert len(base64.b64decode(data)) < 20_000
    # the failed notebook keeps its title, shows FAILED and the error, links no page
    broken = index[index.index("id='nb-02_broken'"):]
    assert "class='card failed'" in index and "A broken story" in broken
    assert "FAILED" in broken and "RuntimeError: broken on purpose" in broken
    assert "02_broken.html" not in index
    assert "1 of 2 notebooks FAILED" in index


def test_build_time_is_now_without_source_date_epoch(monkeypatch):
    from datetime import UTC, datetime, timedelta

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    built = report._build_time()
    assert before <= built <= datetime.now(UTC) + timedelta(seconds=1)
    assert built.tzinfo is not None and built.utcoffset() == timedelta(0)


def test_malformed_source_date_epoch_is_refused_before_any_notebook_runs(tiny_books,
                                                                         tmp_path,
                                                                         monkeypatch):
    for bad in ("yesterday", "-5", "1.5", "999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be a non-negative "
                                             "integer number of seconds"):
            report.run_report(tmp_path / "out", notebook_dir=tiny_books, progress=False)
    assert not (tmp_path / "out").exists()


def test_git_commit_of_an_editable_checkout(root):
    # reference: git itself, asked directly for the commit of the checkout
    tracked = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch",
                              "satcloud/report.py"], capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("satcloud is not running from a git checkout")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    commit = report._git_commit()
    assert commit in (head, f"{head} + local changes")


def _rendered(nb_cells, tmp_path, name="page.html"):
    nb = new_notebook(cells=nb_cells)
    return report.render_html(nb, tmp_path / name).read_text()


def test_page_folds_code_and_has_a_table_of_contents(tmp_path):
    import re

    page = _rendered([
        new_markdown_cell("# Title\n\nIntro."),
        new_code_cell("a = 1", execution_count=1),
        new_markdown_cell("## Part one & more\n\n### Detail"),
        new_code_cell("print(a)", execution_count=2, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
    ], tmp_path)
    # every code cell's input sits in a closed <details> (its own toggle) ...
    folded = re.findall(r"<details class=\"satcloud-code\">(.*?)</details>", page, re.S)
    assert len(folded) == 2 and "a = 1" in re.sub("<[^>]+>", "", folded[0])
    assert "<details class=\"satcloud-code\" open" not in page
    # ... outputs stay outside it, and one button toggles all code
    assert "1\n" in page.split("</details>")[-1]
    assert page.count('id="satcloud-toggle-code"') == 1
    # the table of contents lists h2/h3 (not the title), under the title, linking the ids
    toc = re.search(r'<nav class="satcloud-toc".*?</nav>', page, re.S).group(0)
    assert re.findall(r'<li class="toc-h(\d)"><a href="#([^"]+)">([^<]+)</a>', toc) == [
        ("2", "Part-one-&amp;-more", "Part one &amp; more"), ("3", "Detail", "Detail")]
    assert page.index("</h1>") < page.index("<nav class=\"satcloud-toc\"") < page.index("Intro.")
    for anchor in ("Part-one-&amp;-more", "Detail"):
        assert f'id="{anchor}"' in page
    # nothing is loaded from elsewhere: no remote script, stylesheet or require.js
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "require.js" not in page and "mathjax" not in page.lower()


def _plotly_output(fig):
    import plotly.io as pio

    # what fig.show() displays in a kernel (plotly's default renderer there)
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    return nbformat.v4.new_output("display_data", data=bundle)


def test_plotly_figures_share_one_plotly_js(tmp_path):
    import json
    import re

    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs

    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="</script><b>x</b>"),
                    frames=[go.Frame(name="f1", data=[go.Scatter(x=[1, 2], y=[5, 6])])])
    cells = [new_markdown_cell("# Globe"),
             new_code_cell("fig", execution_count=1, outputs=[_plotly_output(fig)])]
    first = _rendered(cells, tmp_path, "a.html")
    _rendered(cells, tmp_path, "b.html")
    plain = _rendered([new_markdown_cell("# No plotly")], tmp_path, "c.html")
    # one copy of plotly.js beside the pages, byte for byte plotly's own bundle
    assert (tmp_path / report.PLOTLY_ASSET).read_text() == get_plotlyjs()
    assert sorted(p.name for p in tmp_path.rglob("*.js")) == ["plotly.min.js"]
    assert first.count('<script src="assets/plotly.min.js"></script>') == 1
    assert "plotly.min.js" not in plain and "Plotly" not in plain
    # the figure's data, layout and frames reach plotly.js unchanged; "</script>" in a
    # trace name cannot close the script element
    script = re.search(r'Plotly\.newPlot\("satcloud-plotly-1-0", (.*?)\);</script>',
                       first, re.S).group(1)
    drawn = json.loads(script.replace("<\\/", "</"))
    assert drawn["data"][0]["name"] == "</script><b>x</b>"
    assert drawn["frames"][0]["name"] == "f1"
    assert drawn["data"][0]["y"] == [3, 4] and drawn["frames"][0]["data"][0]["y"] == [5, 6]
    assert "</script><b>" not in script
    assert 'id="satcloud-plotly-1-0"' in first


def test_thumbnail_of_a_transparent_figure_shows_white_and_falls_back_to_the_first(tmp_path):
    import base64
    import io

    from nbformat.v4 import new_output
    from PIL import Image

    def png(colour, size=(100, 50)):
        buffer = io.BytesIO()
        Image.new("RGBA", size, colour).save(buffer, "PNG")
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    # no cell tagged key-figure: the first image; a fully transparent pixel composited
    # over white is white (Porter-Duff "over"), not the black of a dropped alpha channel
    nb = new_notebook(cells=[
        new_code_cell("a", outputs=[new_output("display_data", data={
            "image/png": png((0, 0, 0, 0))})]),
        new_code_cell("b", outputs=[new_output("display_data", data={
            "image/png": png((255, 0, 0, 255))})]),
    ])
    thumb = Image.open(io.BytesIO(report._thumbnail(nb))).convert("RGB")
    assert thumb.size == (100, 50)  # smaller than THUMBNAIL_PX: not enlarged
    assert thumb.getpixel((50, 25)) == (255, 255, 255)
    assert report._thumbnail(new_notebook(cells=[new_code_cell("c")])) is None


def test_no_notebook_writes_tex_math_the_report_would_show_raw(root):
    # the report renders formulas as plain text (satcloud/report.py, "Pages for readers"):
    # nbconvert without MathJax leaves $...$ as written, so TeX in a notebook would reach
    # the reader raw. A formula is written in words or Unicode (d × 1.468 / c), or the
    # decision is revisited. TeX: $...$ holding a backslash command, ^, _ or braces.
    import re

    tex = re.compile(r"\$\$?[^$\n]*(\\[A-Za-z]+|[\^_{}])[^$\n]*\$")
    found = {}
    for book in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(str(book), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found.update({f"{book.name}: {m.group(0)}": 1
                              for m in tex.finditer(cell.source)})
    assert not found, f"TeX math in notebook prose (shown raw in the report): {list(found)}"
    assert tex.search(r"the loss is $20 \log_{10}(d)$") and not tex.search("$5 or $10")
