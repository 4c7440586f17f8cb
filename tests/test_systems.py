"""The registry of networks and systems (satcloud.systems, data/networks.csv & co.)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from satcloud import data, latency, systems
from satcloud.network.fibre import ROUTE_FACTORS
from satcloud.scenarios import competition as sc
from satcloud.scenarios import latency as slat

TIMES = ("2020-10-01T00:00:00", "2min", "60s")


def test_every_network_row_is_consistent():
    nets = systems.networks()
    assert nets["fibre"].modes == tuple(ROUTE_FACTORS)
    assert nets["meo"].alias_of == "o3b-mpower"
    assert "meo" not in systems.networks(include_aliases=False)
    for n in nets.values():
        assert n.default_mode in n.modes
        assert n.colour_key in systems.colours()
        if n.alias_of is not None:   # an alias routes exactly as its target
            t = nets[n.alias_of]
            for f in ("kind", "modes", "default_mode", "constellation", "gateways",
                      "min_elevation_deg", "max_gateway_distance_km", "colour_key"):
                assert getattr(n, f) == getattr(t, f), (n.name, f)


def test_link_profiles_of_the_registry_exist():
    from satcloud import links

    for n in systems.networks().values():
        if n.link_profile is not None:
            assert n.link_profile in links.profile_names()


def test_the_constants_are_the_registry_and_unchanged():
    # the values these constants had before the registry (issue 12, point 2)
    assert latency.NETWORKS["starlink-gen1"] == ("bent-pipe", "isl")
    assert latency.NETWORKS["meo"] == ("bent-pipe",)
    # plus "starlink", the real 2026-04-02 constellation (issue 13)
    assert list(latency.NETWORKS) == ["fibre", "geo", "o3b-mpower", "meo", "starlink",
                                      "starlink-gen1", "starlink-gen2", "kuiper", "oneweb",
                                      "telesat-2020"]
    assert latency.DEFAULT_COMPARISON[-2:] == (("kuiper", "bent-pipe"),
                                               ("oneweb", "bent-pipe"))
    assert latency.GEO_MIN_ELEVATION_DEG == 10.0
    assert latency.GEO_MAX_GATEWAY_DISTANCE_KM == latency.MEO_MAX_GATEWAY_DISTANCE_KM == 3000.0
    assert slat.SYSTEM_STYLES["Starlink ISL"] == {"color": "#CC79A7", "ls": "-"}
    assert slat.SYSTEM_STYLES["vacuum floor"] == {"color": "#0072B2", "ls": "-."}
    assert slat.SYSTEM_MARKERS == {"fibre, ideal": "v", "fibre, typical": "s", "GEO": "^",
                                   "O3b mPOWER": "D", "Starlink bent pipe": "o",
                                   "Starlink ISL": "P",
                                   # added with the real constellation (issue 13)
                                   "Starlink Gen1 as filed": "X"}
    assert slat.FIBRE_SYSTEMS == ("fibre, ideal", "fibre, typical")
    assert sc.FIBRE_REFERENCE == {"key": "fibre", "label": "Fibre (typical route)",
                                  "network": "fibre", "mode": "typical",
                                  "cloud": "nearest Azure region", "color": "fibre"}
    # plus Gen1 as filed beside the real Starlink (issue 13)
    assert [s["key"] for s in sc.SYSTEMS] == ["starlink", "starlink-gen1", "kuiper",
                                              "oneweb", "telesat", "o3b", "geo"]
    assert sc.SYSTEMS[2]["cloud"] == "nearest AWS region"   # kuiper
    assert sc.CAPACITY_ASSUMPTIONS["oneweb"]["colours"] == 16
    assert sc.CAPACITY_ASSUMPTIONS["geo"]["beams_per_satellite"] == 100


def test_style_and_system_lookups():
    assert systems.style("starlink") == {"color": "#CC79A7", "ls": "-", "marker": "P"}
    assert systems.style("starlink", "competition") == {"color": "#D55E00"}
    assert systems.system("kuiper").cloud == "nearest AWS region"
    assert systems.system("o3b").kind == "meo"
    table = systems.systems()
    assert table["key"].is_unique and set(systems.comparisons()) == {
        "latency", "compare", "competition"}


@pytest.mark.parametrize("call, words", [
    (lambda: systems.network("leo-x"), ("network", "leo-x")),
    (lambda: systems.network(3), ("network", "str")),
    (lambda: systems.system("x"), ("system key", "starlink")),
    (lambda: systems.systems("nope"), ("comparison", "latency")),
    (lambda: systems.style("kuiper", "latency"), ("system key", "latency")),
    (lambda: systems.networks(include_aliases="yes"), ("include_aliases",)),
])
def test_bad_names_are_refused_with_the_choices(call, words):
    with pytest.raises((TypeError, ValueError)) as exc:
        call()
    for w in words:
        assert w in str(exc.value)


# ------------------------------------------------------------- a new network, by tables
@pytest.fixture
def acme_data(tmp_path, monkeypatch):
    """A copy of data/ with one more network, "acme": a LEO of existing physics (the
    OneWeb shells), its own gateways (the Azure regions), its own cloud (AWS) and its own
    colour -- rows in four tables, no code."""
    folder = tmp_path / "data"
    shutil.copytree(data.data_dir(), folder)

    def append(name, line):
        with open(folder / name, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    append("colours.csv", "acme,#123456,,a test colour")
    # the row by column name, so the fixture follows the table when it gains columns
    # (empty optional cells: no as_of, delay preset or GSO-arc rule)
    with open(folder / "networks.csv", encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    row = {"network": "acme", "kind": "leo", "modes": "bent-pipe;isl", "default_mode": "isl",
           "constellation": "oneweb", "gateways": "azure-regions", "colour_key": "acme",
           "link_profile": "oneweb_user_downlink", "spectrum_mhz": "1000.0",
           "reuse_colours": "4", "polarizations": "2", "beams_per_satellite": "4",
           "capacity_source": "assumption: test", "source": "a fictional network for the test",
           "delay_preset": "oneweb-assumed"}
    append("networks.csv", ",".join(row.get(c, "") for c in header))
    append("systems.csv", "acme,acme,isl,nearest AWS region,a fictional system")
    append("comparisons.csv", "latency,7,acme,ACME ISL,acme,-,X,a fictional system")
    monkeypatch.setenv("SATCLOUD_DATA_DIR", str(folder))
    return folder


def test_a_new_network_is_a_table_edit(acme_data):
    assert systems.network("acme").gateways == "azure-regions"
    assert systems.style("acme") == {"color": "#123456", "ls": "-", "marker": "X"}
    assert list(systems.systems("latency")["label"])[-1] == "ACME ISL"
    assert systems.capacity_assumptions("latency")["acme"]["spectrum_mhz"] == 1000.0
    acme = systems.system("acme")
    df = latency.rtt(acme.network, None, ["London"], acme.cloud, TIMES)
    assert set(df["mode"]) == {"isl"} and set(df["network"]) == {"acme"}
    assert df["reachable"].all()
    # its own gateways: the Azure regions (not the Starlink PoPs of the other LEOs)
    assert set(df["gateway"].dropna()) <= set(data.azure_regions()["region"])
    assert np.isfinite(df["rtt_ms"].to_numpy(dtype=float)).all()
    table = latency.compare(["London"], "nearest AWS region", TIMES,
                            systems=[("acme", "isl"), ("fibre", "ideal")])
    assert list(table["network"]) == ["acme", "fibre"]
    assert (table["rtt_median_ms"] > table["target_floor_ms"]).all()


def test_a_broken_reference_names_file_row_and_column(acme_data):
    # the broken line is the file's last: data row (lines - 2), 0-based after the header
    lines = len((acme_data / "systems.csv").read_text(encoding="utf-8").splitlines()) + 1
    with open(acme_data / "systems.csv", "a", encoding="utf-8") as f:
        f.write("bad,acme,warp,nearest Azure region,broken\n")
    with pytest.raises(data.DataTableError,
                       match=rf"systems.csv, row {lines - 2} \(line {lines}\), column 'mode'"):
        systems.systems()


def test_unique_city_names_in_one_place():
    c = data.cities(1000, unique_names=True)
    assert c["name"].is_unique
    assert {"Hyderabad (IN)", "Hyderabad (PK)"} <= set(c["name"])
    # names unique within the selection only: the top 100 hold one Hyderabad
    assert "Hyderabad" in set(data.cities(100, unique_names=True)["name"])
    assert sc.city_set(100)["name"].tolist() == data.cities(100, unique_names=True)[
        "name"].tolist()
    ends = slat.endpoints(100, remote=False)
    assert ends["name"].tolist() == data.cities(100, unique_names=True)["name"].tolist()
    raw = pd.DataFrame({"name": ["A", "A", "A"], "country_code": ["X", "X", "Y"],
                        "geonameid": [1, 2, 3]})
    assert data.unique_city_names(raw).tolist() == ["A #1", "A #2", "A (Y)"]
