"""Named link profiles: coverage, sources, overrides and errors."""

import dataclasses

import pytest

from satcloud.links import (
    BENT_PIPES,
    PROFILES,
    LinkProfile,
    describe_profile,
    get_profile,
    profile_names,
    profiles_table,
)

REQUIRED = [
    # issue 4: Starlink user down/up (Ku) and gateway (Ka), Kuiper user and gateway (Ka),
    # OneWeb user (Ku), Telesat, a GEO high-throughput Ka system, O3b mPOWER
    "starlink_user_downlink", "starlink_user_uplink", "starlink_gateway_downlink",
    "starlink_gateway_uplink", "kuiper_user_downlink", "kuiper_gateway_uplink",
    "oneweb_user_downlink", "telesat_user_downlink", "geo_hts_user_downlink",
    "o3b_mpower_user_downlink",
]


def test_required_profiles_and_bands():
    names = profile_names()
    for n in REQUIRED:
        assert n in names
    # REFERENCE.md bands: Starlink users Ku (10.7-12.7 down, 14.0-14.5 up), gateways Ka
    assert 10.7 <= PROFILES["starlink_user_downlink"].freq_ghz <= 12.7
    assert 14.0 <= PROFILES["starlink_user_uplink"].freq_ghz <= 14.5
    assert 17.8 <= PROFILES["starlink_gateway_downlink"].freq_ghz <= 19.3
    assert 27.5 <= PROFILES["starlink_gateway_uplink"].freq_ghz <= 30.0
    assert 17.7 <= PROFILES["kuiper_user_downlink"].freq_ghz <= 20.2     # Kuiper: Ka only
    assert 10.7 <= PROFILES["oneweb_user_downlink"].freq_ghz <= 12.7     # OneWeb: Ku users
    assert PROFILES["geo_hts_user_downlink"].altitude_km == 35786.0


def test_every_field_has_a_source():
    for name, prof in PROFILES.items():
        for f in LinkProfile.field_names():
            src = prof.sources.get(f, "")
            assert src.strip(), f"{name}.{f} has no source"


def test_del_portillo_profiles_are_the_published_inputs():
    # REFERENCE.md table (del Portillo et al. 2019)
    p = PROFILES["delportillo_starlink_user_downlink"]
    assert (p.freq_ghz, p.bandwidth_mhz, p.eirp_dbw, p.rx_gain_dbi,
            p.rx_system_noise_temp_k) == (13.5, 250.0, 36.7, 37.7, 362.9)
    p = PROFILES["delportillo_telesat_gateway_uplink"]
    assert (p.freq_ghz, p.bandwidth_mhz, p.eirp_dbw, p.rx_gt_db_per_k) == (28.5, 2100.0,
                                                                           75.9, 2.4)


def test_overrides_change_value_and_source():
    p = get_profile("starlink_user_downlink", eirp_dbw=40.0, rx_antenna_diameter_m=0.7)
    assert p.eirp_dbw == 40.0
    assert p.sources["eirp_dbw"] == "override"
    # the gain follows the dish when it is not pinned: +20 log10(0.7/0.48) = 3.2771 dB
    base = PROFILES["starlink_user_downlink"]
    assert p.rx_gain - base.rx_gain == pytest.approx(3.2771, abs=1e-4)
    assert PROFILES["starlink_user_downlink"].eirp_dbw == 36.7      # original untouched


def test_unknown_profile_lists_known_and_suggests():
    with pytest.raises(ValueError, match="unknown profile 'starlink_user_downlnk'") as e:
        get_profile("starlink_user_downlnk")
    assert "Did you mean 'starlink_user_downlink'" in str(e.value)
    assert "kuiper_user_downlink" in str(e.value)


def test_unknown_field_lists_valid_fields():
    with pytest.raises(ValueError, match="unknown profile field 'eirp_dbm'") as e:
        get_profile("starlink_user_downlink", eirp_dbm=40.0)
    assert "eirp_dbw" in str(e.value) and "bandwidth_mhz" in str(e.value)


@pytest.mark.parametrize("override, match", [
    (dict(rx_antenna_diameter_m=-1.0), r"rx_antenna_diameter_m must be in \(0, 100\] m"),
    (dict(rx_antenna_efficiency=1.3), r"rx_antenna_efficiency must be in \(0, 1\]"),
    (dict(freq_ghz=0.0), "freq_ghz"),
    (dict(p_percent=20.0), r"p_percent must be in \[0.001, 5\] %"),
    (dict(direction="sideways"), "unknown direction 'sideways'"),
    (dict(modcod_standards=("DVB-S3",)), "unknown modcod_standards 'DVB-S3'"),
])
def test_bad_override_values(override, match):
    with pytest.raises(ValueError, match=match):
        get_profile("starlink_user_downlink", **override)


def test_profile_without_receiver_is_rejected():
    base = PROFILES["starlink_gateway_uplink"]
    with pytest.raises(ValueError, match="give rx_gt_db_per_k"):
        dataclasses.replace(base, rx_gt_db_per_k=None)


def test_describe_and_table():
    d = describe_profile("delportillo_starlink_user_downlink")
    row = d.set_index("field").loc["eirp_dbw"]
    assert row["value"] == 36.7 and row["unit"] == "dBW" and "del Portillo" in row["source"]
    assert d.set_index("field").loc["rx_gt (derived)", "value"] == pytest.approx(12.102,
                                                                                 abs=1e-3)
    t = profiles_table()
    assert set(t.index) == set(PROFILES)
    for up, down in BENT_PIPES.values():
        assert PROFILES[up].direction == "uplink"
        assert PROFILES[down].direction == "downlink"


def test_profiles_are_read_from_the_data_table():
    # issue 12, point 2: the profiles are data (data/link_profiles.csv), one row per
    # (profile, field) with its source; every profile lists every field exactly once.
    from satcloud import data
    from satcloud.links.profiles import PROFILES, LinkProfile

    table = data.load_table("link_profiles")
    assert list(dict.fromkeys(table["profile"])) == list(PROFILES)
    for name, rows in table.groupby("profile", sort=False):
        assert sorted(rows["field"]) == sorted(LinkProfile.field_names()), name
        assert rows["source"].str.strip().ne("").all(), name
    # del Portillo et al. (2019), worked budget of the Starlink user downlink: 36.7 dBW EIRP
    row = table[(table.profile == "delportillo_starlink_user_downlink")
                & (table.field == "eirp_dbw")].iloc[0]
    assert float(row["value"]) == PROFILES["delportillo_starlink_user_downlink"].eirp_dbw
    assert "del Portillo" in row["source"]


@pytest.mark.parametrize("kind, text, match", [
    ("float", "abc", "is not a number"),
    ("float | None", "n/a", "is not a number or 'none'"),
    ("bool", "yes", "is not 'true' or 'false'"),
])
def test_malformed_profile_values_name_profile_and_field(kind, text, match):
    from satcloud.links.profiles import _parse_value

    with pytest.raises(ValueError, match=rf"profile 'p', field 'f'.*{match}"):
        _parse_value("p", "f", kind, text)
