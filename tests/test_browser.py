"""Browser tests: headless Debian Chromium driven by Playwright for Python.

Playwright's own browser download does not work on this machine, so the tests point it
at Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it). Without it
they skip with a message saying so.

The browser has no network: every request that is not for a local file is aborted and
counted as a failure. Two reports are opened: the whole series with small parameters
(the session's ``small_report``, shared with the offline test) and a tiny synthetic one
built once here (headings, code cells, a figure, and a plotly figure with frames and a
slider) for the reader's controls.
"""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from support.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_MARKS

#: The report's size budget (issue 16): every file of the report folder. [bytes]
REPORT_BUDGET_BYTES = 25 * 2**20


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url):
    page = browser.new_page()
    problems = []

    def offline(route):  # no network: a page may only read local files
        problems.append(f"network request: {route.request.url}")
        route.abort()

    page.route("http://**/*", offline)
    page.route("https://**/*", offline)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(url, wait_until="load")
    return page, problems


# the element a link's #fragment indicates: the id as written, else percent-decoded (the
# HTML standard's "find a potential indicated element"; nbconvert writes ids with %22)
_TARGET = ("(a => {const f = a.getAttribute('href').slice(1); "
           "return document.getElementById(f) || document.getElementById("
           "decodeURIComponent(f));})")


def _drag_slider_to_end(page) -> None:
    """Drag a plotly figure's slider as a reader would: press on its grip, release at
    the rail's end."""
    page.locator(".satcloud-plotly .slider-grip-rect").scroll_into_view_if_needed()
    grip = page.locator(".satcloud-plotly .slider-grip-rect").bounding_box()
    rail = page.locator(".satcloud-plotly .slider-rail-rect").bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + rail["width"] - 1, grip["y"] + grip["height"] / 2, steps=5)
    page.mouse.up()


def _folder_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# the synthetic notebook of the plotly test: three frames, a slider step per frame
_FRAMES_Y = {"f0": [0, 1, 0], "f1": [5, 6, 7], "f2": [9, 2, 4]}
_PLOTLY_CODE = f"""import plotly.graph_objects as go
frames_y = {json.dumps(_FRAMES_Y)}
frames = [go.Frame(name=k, data=[go.Scatter(x=[0, 1, 2], y=y)]) for k, y in frames_y.items()]
steps = [dict(method="animate", label=k,
              args=[[k], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                              transition=dict(duration=0))]) for k in frames_y]
fig = go.Figure(data=[go.Scatter(x=[0, 1, 2], y=frames_y["f0"], mode="lines+markers")],
                frames=frames,
                layout=go.Layout(sliders=[dict(active=0, steps=steps)], width=700,
                                 height=450, xaxis=dict(range=[-0.5, 2.5]),
                                 yaxis=dict(range=[-1, 10])))
fig.show()
"""


@pytest.fixture(scope="session")
def reader_report(tmp_path_factory):
    """A tiny report built once: a page with headings, code and a figure; a plotly page."""
    from satcloud.report import run_report

    base = tmp_path_factory.mktemp("reader_report")
    books = base / "books"
    books.mkdir()

    def write(name, cells):
        nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                 *cells])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, str(books / name))

    write("01_prose.ipynb", [
        new_markdown_cell("# Prose first\n\nIntro."),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, x]); plt.show()"),
        *[new_markdown_cell(f"## Section {k}\n\n" + "Long prose. " * 400)
          for k in ("0", '1: "up to" 100 & more', "2")],
        new_code_cell("print('the end')"),
    ])
    write("02_plotly.ipynb", [new_markdown_cell("# Moving figure\n\n## The slider"),
                              new_code_cell(_PLOTLY_CODE)])
    out = base / "report"
    run_report(out, notebook_dir=books, progress=False)
    return out


def test_every_report_page_loads_with_figures_and_no_errors(browser, small_report):
    proc, out, _ = small_report
    assert proc.returncode == 0, proc.stderr[-2000:]
    index, problems = _open(browser, (out / "index.html").as_uri())
    links = index.eval_on_selector_all("a.card-link",
                                       "els => els.map(e => e.getAttribute('href'))")
    assert links, "index has no links"
    assert index.locator(".card.failed").count() == 0
    # one card per notebook, each with its key-figure thumbnail loaded
    thumbs = index.evaluate("Array.from(document.querySelectorAll('img.thumb'))"
                            ".map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(thumbs) == len(links) and all(c and w > 50 and h > 50 for c, w, h in thumbs)
    assert problems == []
    for href in links:
        page, problems = _open(browser, (out / href).as_uri())
        sizes = page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        assert sizes, f"{href}: no figures"
        assert all(c and w > 100 and h > 100 for c, w, h in sizes), f"{href}: broken figure"
        # no error output rendered (tracebacks or stderr streams)
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
                            ).count() == 0, f"{href}: stderr output on the page"
        assert "Traceback (most recent call last)" not in page.content(), href
        # code is folded: no code cell's input is visible until asked for
        inputs = page.locator(".jp-CodeCell .jp-InputArea-editor")
        assert inputs.count() > 0, href
        assert not any(inputs.nth(i).is_visible() for i in range(inputs.count())), href
        # the table of contents links headings that exist on the page
        targets = page.eval_on_selector_all("nav.satcloud-toc a",
                                            f"els => els.map(e => !!{_TARGET}(e))")
        assert targets and all(targets), f"{href}: table of contents {targets}"
        page.wait_for_timeout(200)  # a plotly figure draws after load
        assert problems == [], f"{href}: {problems}"
        page.close()
    total = _folder_bytes(out)
    assert total < REPORT_BUDGET_BYTES, f"report is {total / 2**20:.1f} MB"


def test_code_is_hidden_until_its_toggle_or_the_page_toggle_is_pressed(browser,
                                                                       reader_report):
    page, problems = _open(browser, (reader_report / "01_prose.html").as_uri())
    cells = page.locator("details.satcloud-code")
    editors = page.locator(".jp-CodeCell .jp-InputArea-editor")
    n = cells.count()
    assert n == editors.count() == 3  # parameters, figure, print
    assert [editors.nth(i).is_visible() for i in range(n)] == [False] * n
    # the figure stays visible while its code is folded
    assert page.locator("img").first.is_visible()
    # one cell's toggle opens that cell only, and closes it again
    cells.nth(1).locator("summary").click()
    assert [editors.nth(i).is_visible() for i in range(n)] == [False, True, False]
    assert "plt.plot" in editors.nth(1).inner_text()
    cells.nth(1).locator("summary").click()
    assert not editors.nth(1).is_visible()
    # the page's toggle shows all code, then hides it all
    button = page.locator("#satcloud-toggle-code")
    assert button.inner_text() == "Show all code"
    button.click()
    assert [editors.nth(i).is_visible() for i in range(n)] == [True] * n
    assert button.inner_text() == "Hide all code"
    button.click()
    assert [editors.nth(i).is_visible() for i in range(n)] == [False] * n
    assert problems == []


def test_table_of_contents_links_scroll_to_their_sections(browser, reader_report):
    page, problems = _open(browser, (reader_report / "01_prose.html").as_uri())
    links = page.locator("nav.satcloud-toc a")
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        "Section 0", 'Section 1: "up to" 100 & more', "Section 2"]
    for i in (2, 0, 1):
        link = links.nth(i)
        href = link.get_attribute("href")
        link.click()
        assert page.evaluate("location.hash") == href
        # the section's heading is scrolled to the top of the window
        heading = link.evaluate_handle(_TARGET)
        assert heading.evaluate("h => h.tagName") == "H2"
        assert heading.evaluate("h => h.textContent").startswith(f"Section {i}")
        top = heading.evaluate("h => h.getBoundingClientRect().top")
        assert abs(top) < 5, (href, top)
    assert problems == []


def test_plotly_figure_renders_offline_and_its_slider_changes_the_data(browser,
                                                                       reader_report):
    # one shared plotly.js, loaded by the page that has a figure, not by the other
    assert (reader_report / "assets" / "plotly.min.js").is_file()
    assert "plotly.min.js" not in (reader_report / "01_prose.html").read_text()
    page, problems = _open(browser, (reader_report / "02_plotly.html").as_uri())
    figure = "document.querySelector('.satcloud-plotly')"
    page.wait_for_function(f"{figure} && {figure}.data && {figure}._fullLayout")
    assert page.locator(".satcloud-plotly .main-svg").count() > 0  # drawn as SVG
    assert page.evaluate(f"Array.from({figure}.data[0].y)") == _FRAMES_Y["f0"]
    _drag_slider_to_end(page)
    # the plot now shows the last frame's data (read back from the plot's data)
    page.wait_for_function(f"{figure}.data[0].y[0] === {_FRAMES_Y['f2'][0]}")
    assert page.evaluate(f"Array.from({figure}.data[0].y)") == _FRAMES_Y["f2"]
    assert problems == []


def test_the_globe_of_notebook_03_moves_its_satellites_with_the_slider(browser,
                                                                      small_report):
    # the real globe (satcloud.globe in notebook 03): drawn offline, and dragging its time
    # slider to the end puts each satellite where the last frame says. Reference: the
    # last frame's positions as the page carries them (base64 int16, plotly >= 6 typed
    # arrays), decoded here with numpy, not by plotly.js
    import base64

    import numpy as np

    proc, out, _ = small_report
    assert proc.returncode == 0, proc.stderr[-2000:]
    page, problems = _open(browser, (out / "03_latency_to_azure.html").as_uri())
    fig = "document.querySelector('.satcloud-plotly')"
    page.wait_for_function(f"{fig} && {fig}._fullData && {fig}._transitionData")
    shells = page.evaluate(f"{fig}.data.map((t, i) => [t.name || '', i])"
                           ".filter(p => p[0].startsWith('shell')).map(p => p[1])")
    assert shells, "no satellite shell traces on the globe"
    i = shells[0]
    last = page.evaluate(
        f"(() => {{const f = {fig}._transitionData._frames, fr = f[f.length - 1];"
        f"const x = fr.data[fr.traces.indexOf({i})].x; return [x.dtype, x.bdata];}})()")
    assert last[0] == "i2"
    want = np.frombuffer(base64.b64decode(last[1]), dtype="<i2")
    now = lambda: np.asarray(page.evaluate(f"Array.from({fig}._fullData[{i}].x)"))  # noqa: E731
    assert now().size == want.size and not np.array_equal(now(), want)
    _drag_slider_to_end(page)
    page.wait_for_function(f"{fig}._fullLayout.sliders[0].active === "
                           f"{fig}._transitionData._frames.length - 1 && "
                           f"{fig}._fullData[{i}].x[0] === {int(want[0])}")
    assert np.array_equal(now(), want)
    assert problems == []


def test_report_stays_within_its_size_budget(reader_report):
    # a page with a plotly figure carries its data, not plotly.js (one copy per report)
    page = (reader_report / "02_plotly.html").stat().st_size
    assert page < 1 * 2**20, page
    assert _folder_bytes(reader_report) < REPORT_BUDGET_BYTES
