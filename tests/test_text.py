"""satcloud.report.say: computed sentences from readable Markdown templates (issue 12, point 5)."""

import math
import sys

import numpy as np
import pytest

from satcloud.report import say


def test_fills_named_placeholders_with_their_formats():
    text = say("RTT {rtt_ms:.0f} ms to **{region}**, {n} sites, {share_pct:.1f} %.",
               rtt_ms=np.float64(123.456), region="UK South", n=np.int64(7),
               share_pct=41.25)
    assert text == "RTT 123 ms to **UK South**, 7 sites, 41.2 %."


def test_literal_braces_and_no_placeholders():
    assert say("a {{set}} and plain prose") == "a {set} and plain prose"


@pytest.mark.parametrize(("template", "values", "match"), [
    ("{x:.0f} ms", {}, "no value for x"),
    ("{x:.0f} ms", {"x": 1.0, "y": 2.0}, "not in the template: y"),
    ("{x} ms", {"x": 1.5}, "x is a float; give it a format"),
    ("{x:.0f} ms", {"x": math.nan}, "x is nan"),
    ("{x:.0f} ms", {"x": np.float64(np.inf)}, "x is inf"),
    ("{x.site}", {"x": 1}, "not a plain name"),
    ("{0}", {}, "not a plain name"),
    ("{x!r}", {"x": "a"}, "conversion"),
    ("{x:.0f", {"x": 1.0}, "not a format template"),
    ("{x:d}", {"x": "text"}, "does not fit"),
    ("{x}", {"x": [1, 2]}, "x must be a number or a str"),
])
def test_refuses_with_the_names(template, values, match):
    with pytest.raises(ValueError, match=match):
        say(template, **values)


def test_template_must_be_text():
    with pytest.raises(TypeError, match="template"):
        say(3)


def test_an_integer_needs_no_format_and_bools_are_text():
    assert say("{n} of {m}, {ok}", n=3, m=np.int32(4), ok=True) == "3 of 4, True"


def test_displays_markdown_inside_a_kernel(monkeypatch):
    shown = []
    ipython = pytest.importorskip("IPython")
    import IPython.display

    class Shell:
        kernel = object()

    monkeypatch.setattr(ipython, "get_ipython", lambda: Shell())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    assert say("{x:.1f} ms", x=1.25) is None
    assert len(shown) == 1 and shown[0].data == "1.2 ms"
    assert "IPython" in sys.modules
