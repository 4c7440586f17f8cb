"""Docstring examples run in the suite (issue 12, point 7): every ``>>>`` example in the
package is executed and must print what it shows.

``--doctest-modules`` in ``addopts`` would also import ``tests/support/nonet/sitecustomize.py``
(which disables the network for the offline test) as a test module, so the examples are
collected here, module by module, with :mod:`doctest` itself.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import satcloud

MODULES = sorted(m.name for m in pkgutil.walk_packages(satcloud.__path__, "satcloud."))

# Presentation modules whose examples open an interactive panel: displaying one needs a
# Jupyter frontend, so their examples may carry ``# doctest: +SKIP`` (reason: no kernel).
MAY_SKIP = {"satcloud.widgets"}

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    for test in finder.find(module, name):
        if name not in MAY_SKIP:
            skipped = [ex.source for ex in test.examples if ex.options.get(doctest.SKIP)]
            assert not skipped, f"{test.name}: examples must run, not be skipped: {skipped}"
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_the_model_modules_have_examples():
    """The examples are not all gone: the central model modules keep theirs."""
    with_examples = set()
    for name in MODULES:
        tests = doctest.DocTestFinder(exclude_empty=True).find(importlib.import_module(name), name)
        if any(t.examples for t in tests):
            with_examples.add(name)
    central = {
        "satcloud.links.antennas", "satcloud.latency", "satcloud.data",
        # issue 12, point 7: each model module shows its main functions at work
        "satcloud.links.fspl", "satcloud.links.noise", "satcloud.links.modcod",
        "satcloud.links.budget", "satcloud.links.capacity", "satcloud.links.availability",
        "satcloud.orbits", "satcloud.constellations", "satcloud.tle", "satcloud.sites",
        "satcloud.ground", "satcloud.coverage", "satcloud.passes", "satcloud.chunked",
        "satcloud.network.bentpipe", "satcloud.network.gateways", "satcloud.systems",
    }
    assert central <= with_examples, sorted(central - with_examples)
