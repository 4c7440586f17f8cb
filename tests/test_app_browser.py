"""The what-if app in a real browser: Voila serving notebooks/07, Debian's headless Chromium.

The app is started exactly as ``make app`` starts it (``voila notebooks/07_what_if.ipynb
--no-browser --Voila.ip=127.0.0.1 --strip_sources=True``) on a free port, in its own
process group that the fixture always terminates. Playwright's own browser download
does not work on this machine, so Playwright drives ``/usr/bin/chromium``; without it
the test skips with a message saying so (see tests/test_browser.py).

The page is loaded once, with a shared link's query string (:data:`QUERY`): Voila hands
it to the kernel as ``QUERY_STRING`` and the app restores those settings before the
panels first compute (``satcloud.widgets.WhatIfApp``).
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_MARKS
ROOT = Path(__file__).resolve().parent.parent
VOILA = Path(sys.executable).with_name("voila")
START_TIMEOUT_S = 90.0
LOAD_TIMEOUT_MS = 150_000
#: A shared link: the latency panel from Lagos with the loaded delay model and the
#: fibre user on cable, the per-cell capacity panel at 2,500 subscribers.
QUERY = ("?panel=latency&source=Lagos&delay_model=loaded&last_mile=cable"
         "&panel=capacity&subscribers=2500")
FIGURES = ("satcloud-budget-figure", "satcloud-capacity-figure", "satcloud-coverage-figure",
           "satcloud-latitude-figure", "satcloud-rtt-figure",
           "satcloud-network-capacity-figure")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, p = fields[1].split(":")
            if int(p, 16) == port and fields[3] == "0A":      # 0A = LISTEN
                found.add(addr)
    return found


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the Voila server and its kernels (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """``(url, port, log_path)`` of a running Voila app; stopped after the module."""
    if not VOILA.exists():
        pytest.skip(f"voila is not installed next to {sys.executable}")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    cmd = [str(VOILA), "notebooks/07_what_if.ipynb", "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--strip_sources=True", "--Voila.open_browser=False"]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}:\n{log_path.read_text()}")
            try:   # a TCP connection only: a GET of the page would start a kernel
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"voila did not answer within {START_TIMEOUT_S:g} s:\n"
                            f"{log_path.read_text()}")
            time.sleep(0.3)
        yield url, port, log_path
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(),
                    reason="needs Linux /proc/net/tcp to list listening sockets")
def test_app_listens_on_localhost_only(app):
    _, port, _ = app
    # 0100007F is 127.0.0.1 in /proc/net/tcp's little-endian hex
    assert _listening_addresses(port) == {"0100007F"}


@pytest.fixture(scope="module")
def page(app, browser):
    """The app loaded from :data:`QUERY`, every figure shown; ``(page, problems)``."""
    url, _, _ = app
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        page.goto(url + QUERY, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        # every panel renders, with its figures (ipywidgets Image -> <img src="blob:...">)
        for css in FIGURES:
            page.locator(f"img.{css}").wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
        try:
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('img.satcloud-figure'))"
                ".every(i => i.complete && i.naturalWidth > 100)", timeout=60_000)
        except Exception:
            state = page.evaluate(
                "Array.from(document.querySelectorAll('img.satcloud-figure'))"
                ".map(i => [i.className, i.complete, i.naturalWidth, i.src.slice(0, 40)])")
            errors = page.locator(".satcloud-error").all_inner_texts()
            raise AssertionError(f"figures did not load: {state}; panel errors: {errors}"
                                 ) from None
        yield page, problems
    finally:
        page.close()


def test_app_restores_the_settings_of_a_shared_link(page):
    page, problems = page
    # the knobs read back what the link asked for (not the notebook's defaults:
    # Nairobi, idle, FTTH, 1,000 subscribers)
    assert page.locator(".satcloud-source input").input_value() == "Lagos"
    assert page.locator(".satcloud-delay-model button.mod-active").inner_text().strip() \
        == "loaded"
    # (ipywidgets writes the option labels with no-break spaces)
    assert page.locator(".satcloud-last-mile select").evaluate(
        "s => s.options[s.selectedIndex].text").replace("\xa0", " ") == "cable (DOCSIS)"
    assert page.locator(".satcloud-subscribers .widget-readout").inner_text().strip() \
        == "2500"
    # and the panels computed with them
    rtt = page.locator(".satcloud-panel").nth(3).inner_text()
    assert "From Lagos" in rtt and "loaded model" in rtt
    assert page.locator(".satcloud-state-error").count() == 0
    # the share box links back to these settings
    href = page.locator("a.satcloud-share-link[data-panel='latency']").get_attribute("href")
    assert "source=Lagos" in href and "delay_model=loaded" in href
    assert problems == [], problems


def test_app_loads_and_a_slider_updates_the_figure(app, page, tmp_path):
    _, _, log_path = app
    page, problems = page
    figure = page.locator("img.satcloud-budget-figure")
    assert page.locator(".satcloud-panel").count() == 5
    # no code shown, no error output
    html = page.content()
    assert "LinkBudgetPanel" not in html, "code cells are shown"
    assert "Traceback" not in html
    assert page.locator(".satcloud-error").count() == 0
    before = figure.get_attribute("src")
    summary_before = page.locator(".satcloud-panel").first.inner_text()
    # move the elevation slider to its maximum with the keyboard
    handle = page.locator(".satcloud-elevation .noUi-handle")
    handle.focus()
    handle.press("End")
    page.wait_for_function(
        "old => { const i = document.querySelector('img.satcloud-budget-figure');"
        " return i.src !== old && i.complete && i.naturalWidth > 100; }",
        arg=before, timeout=60_000)
    readout = page.locator(".satcloud-elevation .widget-readout").inner_text()
    assert float(readout) == 90.0
    assert page.locator(".satcloud-panel").first.inner_text() != summary_before
    assert page.locator(".satcloud-error").count() == 0
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert problems == [], problems
    log = log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
