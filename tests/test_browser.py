"""Browser tests: headless Debian Chromium driven by Playwright for Python.

Playwright's own browser download does not work on this machine, so the tests point it
at Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it). Without it
they skip with a message saying so.
"""

import pytest
from support.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_MARKS


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
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(url, wait_until="load")
    return page, problems


def test_every_report_page_loads_with_figures_and_no_errors(browser, small_report):
    proc, out, _ = small_report
    assert proc.returncode == 0, proc.stderr[-2000:]
    index, problems = _open(browser, (out / "index.html").as_uri())
    links = index.eval_on_selector_all("table a", "els => els.map(e => e.getAttribute('href'))")
    assert links, "index has no links"
    assert index.locator("td.failed").count() == 0
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
        assert problems == [], f"{href}: {problems}"
        page.close()
