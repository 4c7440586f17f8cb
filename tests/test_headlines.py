"""The report's numbers do not move when the code is refactored (issues 11 and 12).

The reference is the small report's headlines at commit 8c6e25c (the last commit before
input validation and restructuring, see tests/data/README.md); the current small report
(the session-wide ``small_report`` fixture, run once for the offline and browser tests
too) must give the same set of headlines with the same units and values.
"""

import json
import math

REFERENCE = "headlines_small_8c6e25c.json"

# Relative tolerance: the reference was computed with the same code paths; 1e-9 allows
# only the last-bit differences of a different numpy/numba build, not a model change.
RTOL = 1e-9


def test_small_report_headlines_equal_the_reference(root, small_report):
    proc, out, _ = small_report
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    reference = json.loads((root / "tests" / "data" / REFERENCE).read_text())
    reference.pop("_provenance")
    current = json.loads((out / "headlines.json").read_text())
    got = {nb: {h["key"]: {"value": h["value"], "unit": h["unit"]}
                for h in page["headlines"]}
           for nb, page in current.items()}
    assert sorted(got) == sorted(reference), "notebooks differ from the reference"
    moved = {}
    for nb, heads in reference.items():
        assert sorted(got[nb]) == sorted(heads), f"{nb}: headline keys differ"
        for key, ref in heads.items():
            now = got[nb][key]
            if now["unit"] != ref["unit"] or not math.isclose(now["value"], ref["value"],
                                                              rel_tol=RTOL, abs_tol=0.0):
                moved[f"{nb}/{key}"] = (ref, now)
    assert moved == {}, f"headline numbers moved (reference, now): {moved}"
