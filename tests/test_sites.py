"""The one place resolver (satcloud.sites): names, tables, case rules, countries."""

from __future__ import annotations

import pandas as pd
import pytest

from satcloud import data, latency, sites


def test_names_resolve_through_the_tables_in_order():
    s = sites.resolve_sites(["London", "westus2", "Funafuti (Tuvalu)", "sttlwax1"])
    assert s["name"].tolist() == ["London", "westus2", "Funafuti (Tuvalu)", "sttlwax1"]
    az = data.azure_regions().set_index("region").loc["westus2"]
    assert tuple(s.loc[1, ["lat_deg", "lon_deg"]]) == (az["lat_deg"], az["lon_deg"])
    # a repeated city name is its most populous city
    c = data.cities()
    hyd = c[c["name"] == "Hyderabad"].sort_values("population").iloc[-1]
    assert tuple(sites.resolve_sites("Hyderabad").loc[0, ["lat_deg", "lon_deg"]]) == (
        hyd["lat_deg"], hyd["lon_deg"])


def test_case_rule_exact_then_casefold_with_the_tables_spelling():
    assert sites.resolve_sites(["singapore"])["name"].tolist() == ["Singapore"]
    assert sites.resolve_place("singapore")[0] == "Singapore"
    assert sites.resolve_place("-33.5, 151.25")[1:] == (-33.5, 151.25)
    assert sites.resolve_place(sites.TYPED_PLACE, 10.0, -20.0) == ("10.00°N 20.00°W",
                                                                 10.0, -20.0)
    # the widget's default tables are cities and remote sites; others on request
    with pytest.raises(ValueError, match="unknown place"):
        sites.resolve_place("westus2")
    assert sites.resolve_place("westus2", tables=("azure_regions",))[0] == "westus2"


def test_site_table_carries_countries_and_first_occurrence_wins():
    t = sites.site_table()
    assert t["name"].is_unique
    assert t.set_index("name").loc["London", "country"] == "GB"
    assert t.set_index("name").loc["westus2", "country"] == ""
    assert set(t["table"]) == set(sites.SITE_TABLES)


def test_latency_keeps_the_old_name_importable():
    assert latency.resolve_sites is sites.resolve_sites
    assert "resolve_sites" not in latency.__all__


@pytest.mark.parametrize("call, words", [
    (lambda: sites.resolve_sites(["Lodnon"]), ["unknown sources name", "Did you mean",
                                               "London"]),
    (lambda: sites.resolve_sites(["London", "london"]), ["repeated site names"]),
    (lambda: sites.resolve_sites(pd.DataFrame({"x": [1]})), ["lat_deg", "name column"]),
    (lambda: sites.resolve_place("Atlantis"), ["unknown place", "Atlantis"]),
    (lambda: sites.resolve_place("Singapur"), ["did you mean", "Singapore"]),
    (lambda: sites.resolve_place(sites.TYPED_PLACE, 95.0, 0.0), ["latitude", "95"]),
    (lambda: sites.resolve_place("91, 10"), ["latitude"]),
    (lambda: sites.site_table(("moon",)), ["tables", "moon"]),
])
def test_bad_places_are_refused_clearly(call, words):
    with pytest.raises(ValueError) as err:
        call()
    for w in words:
        assert w.lower() in str(err.value).lower()
