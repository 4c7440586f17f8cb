"""Headless Debian Chromium for the browser tests (Playwright drives it).

Playwright's own browser download does not work on this machine, so the tests point it at
Debian's ``chromium`` (``.ci/run`` installs it); without it they skip with a message.
"""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Marks for a browser test module: the ``browser`` marker, and a clear skip without Chromium.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed "
                       "(apt-get install chromium); browser tests skipped"),
]

#: Flags that keep Chromium from calling Google services on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
