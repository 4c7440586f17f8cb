"""Regenerate the Starlink ground-segment tables of ``data/`` from the public source files.

Inputs (byte-for-byte copies of public files; the folder is given with ``--src``, by
default the project's ``../shared/reference/real/``; provenance in its README and in
``data/README.md``):

==============================================  ===========================================
file                                            upstream (repository, path, commit)
==============================================  ===========================================
``starlink_gateways_starperf.xml``              SpaceNetLab/StarPerf_Simulator,
                                                ``config/ground_stations/Starlink.xml``
                                                (last changed 2024-01-21), BSD-2-Clause
``starlink_gateways_pops_backbone_2023-10-10``  nitindermohan/multifaceted-starlink-
``.kml``                                        performance, ``mlab_figures/scraped_data/
                                                Gateways_PoPs_n_Backbone_2023-10-10.kml``,
                                                fdf89fd (the "Unofficial Starlink Global
                                                Gateways & PoPs" community map)
``starlink_pops_2026-04-16.json``               clarkzjw/starlink-geoip, ``map/data/
                                                pop.json``, 7e3cd6f
``starlink_geoip_pop_2024-08-06.json``          clarkzjw/starlink-geoip, ``data/geoip/
                                                20240806-1943.json``, 19e909e (SpaceX's
                                                public GeoIP feed joined with reverse DNS)
==============================================  ===========================================

Outputs (each written atomically; the sha256 of every input is printed and recorded in
``data/README.md``):

- ``countries.csv``: the ISO 3166-1 countries of CLDR (alpha-2, alpha-3 from CLDR's
  alpha-3 -> alpha-2 aliases, English name; through ``babel``), each with the name of
  its polygon in the shipped Natural Earth 1:110m countries where the layer has one
  (Natural Earth's ``-99`` rows by name: France FR, Norway NO, Kosovo XK, N. Cyprus CY,
  Somaliland SO; the latter two give a second row of CY and SO).
- ``starlink_pops.csv``: the PoPs of the 2026-04-16 list that have a code and a location
  (66 of 73; the six without a location, cruise-ship and unknown "community gateways" at
  0 N 0 E, and a second Salt Lake City facility without a code are left out and named
  in ``data/README.md``), with ``in_2023_map``: whether the 2023-10-10
  community map has a PoP within :data:`POP_MATCH_KM` (all 23 of its PoPs match one of
  the 2026 list, so no 2023 PoP is added).
- ``starlink_gateways.csv``: the 261 StarPerf gateway sites (band, antenna count),
  joined with the 222 placemarks of the 2023-10-10 map by proximity: each site takes the
  placemark nearest to it within :data:`GATEWAY_MATCH_KM` (co-located sites, a Ka and an
  E-band or "Mega" entry at one place, share one placemark); status and status date come
  from the placemark. Sites without a placemark keep empty status and date.
- ``starlink_home_pops.csv``: per country of the GeoIP feed (116), every PoP its IP
  blocks name (``customer.<pop>.pop.starlinkisp.net``), ranked by the number of blocks
  (ties by code), with the share of the country's blocks: rank 1 is the country's home
  PoP, rank 2 the runner-up; ``regions``: in how many of the country's feed regions
  (``US-CA``, ``BE-BRU``, ...) the PoP holds the most blocks. Every PoP named must be in
  ``starlink_pops.csv``.

Deterministic: same inputs, same bytes. Needs ``babel`` (installed with JupyterLab) for
the ISO codes.

Usage::

    python scripts/make_ground_segment.py [--src ../shared/reference/real] [--out data]
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import shapefile  # pyshp
from pyproj import Geod

from satcloud._io import atomic_write_bytes

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {
    "gateways": "starlink_gateways_starperf.xml",
    "map": "starlink_gateways_pops_backbone_2023-10-10.kml",
    "pops": "starlink_pops_2026-04-16.json",
    "geoip": "starlink_geoip_pop_2024-08-06.json",
}
#: A StarPerf site takes the status of the nearest community-map placemark within this
#: distance (both give the filed coordinates). See data/README.md for what it joins. [km]
GATEWAY_MATCH_KM = 5.0
#: A 2023 map PoP and a 2026 PoP are the same when within this distance (city level). [km]
POP_MATCH_KM = 50.0
#: Natural Earth 110 m rows without an ISO alpha-3 code (``-99``) -> alpha-2.
NE_MISSING_ISO = {"France": "FR", "Norway": "NO", "Kosovo": "XK", "N. Cyprus": "CY",
                  "Somaliland": "SO"}
KML = "{http://www.opengis.net/kml/2.2}"
_GEOD = Geod(ellps="WGS84")


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """WGS84 geodesic distance, broadcast. [km]"""
    a = np.broadcast_arrays(*(np.asarray(x, float) for x in (lat1, lon1, lat2, lon2)))
    _, _, d = _GEOD.inv(a[1].ravel(), a[0].ravel(), a[3].ravel(), a[2].ravel())
    return np.asarray(d, float).reshape(a[0].shape) / 1000.0


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write a CSV table atomically (LF line ends, minimal quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------- countries
def country_rows(ne_shp: Path) -> list[list]:
    """iso_a2, iso_a3, name_en, ne_name, continent: every ISO 3166-1 country of CLDR,
    with its Natural Earth 1:110m polygon name where the layer has one."""
    from babel import Locale
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    english = Locale("en").territories
    a2_to_a3 = {}
    for a3, repl in aliases.items():
        if len(a3) == 3 and a3.isalpha() and len(repl) == 1 and len(repl[0]) == 2:
            a2_to_a3.setdefault(repl[0], a3)
    a2_to_a3["XK"] = ""          # Kosovo: user-assigned code, no alpha-3
    reader = shapefile.Reader(str(ne_shp))
    ne = {}
    for rec in reader.records():
        name, a3, cont = rec["NAME"], rec["ISO_A3"], rec["CONTINENT"]
        if a3 == "-99":
            a2 = NE_MISSING_ISO[name]
        else:
            cand = [c for c in aliases.get(a3, []) if len(c) == 2]
            if len(cand) != 1:
                raise SystemExit(f"no unique alpha-2 code for {name} ({a3}): {cand}")
            a2 = cand[0]
        ne.setdefault(a2, []).append((name, cont))
    reader.close()
    rows = []
    for a2 in sorted(a2_to_a3):
        if a2 not in english:
            continue
        for name, cont in ne.get(a2, [("", "")]):
            rows.append([a2, a2_to_a3[a2], english[a2], name, cont])
    missing = sorted(set(ne) - {r[0] for r in rows})
    if missing:
        raise SystemExit(f"Natural Earth countries without an ISO row: {missing}")
    return rows


# --------------------------------------------------------------------------- PoPs
def _kml_placemarks(path: Path):
    """(folder name, placemark element) for every placemark with a point."""
    root = ET.parse(path).getroot()
    for folder in root.iter(f"{KML}Folder"):
        fname = folder.findtext(f"{KML}name", "").strip()
        for pm in folder.findall(f"{KML}Placemark"):
            if pm.find(f".//{KML}Point") is not None:
                yield fname, pm


def _point(pm) -> tuple[float, float]:
    lon, lat, *_ = pm.findtext(f".//{KML}coordinates").split(",")
    return float(lat), float(lon)


def _data(pm) -> dict:
    return {d.get("name"): (d.findtext(f"{KML}value") or "").strip()
            for d in pm.iter(f"{KML}Data")}


def pop_rows(pops_json: Path, kml: Path) -> tuple[list[list], list[str], list[str]]:
    """PoP rows, the codes left out (no location), the 2023 PoPs matched."""
    pops = json.loads(pops_json.read_text())
    map_pops = [(pm.findtext(f"{KML}name").strip(), *_point(pm))
                for f, pm in _kml_placemarks(kml) if "PoPs" in f]
    located = [p for p in pops if not (p["lat"] == 0 and p["lon"] == 0) and p["code"]]
    dropped = [p["code"] or f"(no code: {p['city']})" for p in pops if p not in located]
    plat = np.array([p["lat"] for p in located], float)
    plon = np.array([p["lon"] for p in located], float)
    in_2023 = np.zeros(len(located), bool)
    matched = []
    for name, la, lo in map_pops:
        d = distance_km(la, lo, plat, plon)
        k = int(np.argmin(d))
        if d[k] > POP_MATCH_KM:
            raise SystemExit(f"2023 map PoP {name} has no 2026 PoP within {POP_MATCH_KM} "
                             f"km (nearest {located[k]['code']} at {d[k]:.0f} km)")
        in_2023[k] = True
        matched.append(f"{name} -> {located[k]['code']} ({d[k]:.1f} km)")
    rows = []
    for p, seen in zip(located, in_2023, strict=True):
        note = re.sub(r"<[^>]+>", " ", html.unescape(p.get("note", "")))
        note = re.sub(r"https?://\S+", "", note)
        note = re.sub(r"\s+", " ", note).strip()
        rows.append([p["code"], p["city"], p["country"], f"{p['lat']:.6f}",
                     f"{p['lon']:.6f}", p.get("type", "unknown"), note,
                     "yes" if seen else "no"])
    return rows, dropped, matched


# --------------------------------------------------------------------------- gateways
def gateway_rows(xml: Path, kml: Path, country_of) -> tuple[list[list], dict]:
    """Gateway rows and match statistics."""
    sites = []
    for gs in ET.parse(xml).getroot():
        sites.append(dict(lat=float(gs.findtext("Latitude")),
                          lon=float(gs.findtext("Longitude")),
                          name=gs.findtext("Description").strip(),
                          band=gs.findtext("Frequency").strip(),
                          antennas=int(gs.findtext("Antenna_Count"))))
    marks = []
    for folder, pm in _kml_placemarks(kml):
        if "PoPs" in folder:
            continue
        d = _data(pm)
        la, lo = _point(pm)
        marks.append(dict(lat=la, lon=lo, status=d.get("Status", ""),
                          date=d.get("Date", ""), notes=d.get("Notes", ""),
                          region=folder))
    slat = np.array([s["lat"] for s in sites])
    slon = np.array([s["lon"] for s in sites])
    mlat = np.array([m["lat"] for m in marks])
    mlon = np.array([m["lon"] for m in marks])
    dist = distance_km(slat[:, None], slon[:, None], mlat[None, :], mlon[None, :])
    # each site takes its nearest placemark within the radius; co-located sites (the
    # StarPerf list has a Ka and an E-band or "Mega" entry at one site) share it
    nearest_mark = np.argmin(dist, axis=1)
    site_to_mark = {i: int(j) for i, j in enumerate(nearest_mark)
                    if dist[i, j] <= GATEWAY_MATCH_KM}
    used = set(site_to_mark.values())
    codes = country_of(slat, slon)
    rows = []
    for i, s in enumerate(sites):
        m = marks[site_to_mark[i]] if i in site_to_mark else None
        date = m["date"] if m else ""
        if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise SystemExit(f"placemark date {date!r} is not YYYY-MM-DD")
        rows.append([f"{s['name']} #{i + 1}", s["name"], codes[i], f"{s['lat']:.5f}",
                     f"{s['lon']:.5f}", s["band"], s["antennas"],
                     m["status"] if m else "", date,
                     f"{dist[i, site_to_mark[i]]:.2f}" if m else ""])
    unmatched_sites = [sites[i]["name"] for i in range(len(sites)) if i not in site_to_mark]
    unmatched_marks = [f"{marks[j]['region']}: {marks[j]['lat']:.3f},{marks[j]['lon']:.3f}"
                       f" {marks[j]['status']}" for j in range(len(marks)) if j not in used]
    nearest = dist.min(axis=1)
    stats = dict(sites=len(sites), placemarks=len(marks), matched=len(site_to_mark),
                 unmatched_sites=unmatched_sites, unmatched_placemarks=unmatched_marks,
                 unmatched_nearest_km=sorted(
                     round(float(nearest[i]), 1) for i in range(len(sites))
                     if i not in site_to_mark))
    return rows, stats


# --------------------------------------------------------------------------- home PoPs
def home_pop_rows(geoip: Path, pop_codes: set[str], unlocated: set[str]) -> list[list]:
    """country, pop, rank, blocks, share, regions: every PoP the feed names per country.

    ``regions`` counts the feed regions of the country (``US-CA``, ``BE-BRU``, ...) in
    which this PoP holds the most blocks (each of tied PoPs counts).
    """
    feed = json.loads(geoip.read_text())["valid"]
    ptr = re.compile(r"^customer\.([a-z0-9]+)\.pop\.starlinkisp\.net\.?$")
    rows = []
    for country in sorted(feed):
        counts = collections.Counter()
        region_majority = collections.Counter()
        for region in feed[country].values():
            in_region = collections.Counter()
            for city in region.values():
                for _block, name in city["ips"]:
                    m = ptr.match(name or "")
                    if m:
                        in_region[m.group(1)] += 1
            located = [(pop, n) for pop, n in in_region.items() if pop not in unlocated]
            top = max((n for _pop, n in located), default=0)
            # a tie for the most blocks makes each tied PoP a majority of the region
            region_majority.update(pop for pop, n in located if n == top)
            counts.update(in_region)
        if not counts:
            raise SystemExit(f"country {country} has no PoP record")
        # most blocks first; ties by code (deterministic)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(counts.values())
        # PoPs without a location (ship and unknown "community gateways") count in the
        # country's total but are not listed; the rest must be in the PoP table
        ranked = [(pop, n) for pop, n in ranked if pop not in unlocated]
        for rank, (pop, n) in enumerate(ranked, start=1):
            if pop not in pop_codes:
                raise SystemExit(f"PoP {pop} of {country} is not in the PoP table")
            rows.append([country, pop, rank, n, f"{n / total:.4f}", region_majority[pop]])
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=str(ROOT.parent / "shared" / "reference" / "real"))
    ap.add_argument("--out", default=str(ROOT / "data"))
    args = ap.parse_args(argv)
    src, out = Path(args.src), Path(args.out)
    for key, name in INPUTS.items():
        print(f"{key:9s} {name}  sha256 {sha256(src / name)}")
    ne = (ROOT / "data" / "naturalearth" / "shapefiles" / "natural_earth" / "cultural"
          / "ne_110m_admin_0_countries.shp")
    countries = country_rows(ne)
    write_csv(out / "countries.csv", ["iso_a2", "iso_a3", "name_en", "ne_name", "continent"],
              countries)
    print(f"countries: {len(countries)} ISO rows, {sum(bool(r[3]) for r in countries)} "
          "with a Natural Earth 1:110m polygon")
    pops, dropped, matched = pop_rows(src / INPUTS["pops"], src / INPUTS["map"])
    write_csv(out / "starlink_pops.csv",
              ["code", "city", "country", "lat_deg", "lon_deg", "kind", "facility",
               "in_2023_map"], pops)
    print(f"PoPs: {len(pops)} located; left out (no location): {dropped}")
    print("2023 map PoPs matched:", "; ".join(matched))
    # the country of each gateway from its coordinates, with the tables just written
    from satcloud import sites

    sites._country_index.cache_clear()
    sites._country_lookup.cache_clear()
    gws, stats = gateway_rows(src / INPUTS["gateways"], src / INPUTS["map"],
                              sites.country_of)
    write_csv(out / "starlink_gateways.csv",
              ["gateway", "location", "country", "lat_deg", "lon_deg", "band", "antennas",
               "status", "status_date", "match_km"], gws)
    print(f"gateways: {stats['sites']} sites, {stats['placemarks']} placemarks, "
          f"{stats['matched']} matched within {GATEWAY_MATCH_KM} km")
    print("  sites without a placemark:", stats["unmatched_sites"])
    print("  their nearest placemark [km]:", stats["unmatched_nearest_km"])
    print("  placemarks without a site:", stats["unmatched_placemarks"])
    homes = home_pop_rows(src / INPUTS["geoip"], {p[0] for p in pops}, set(dropped))
    write_csv(out / "starlink_home_pops.csv", ["country", "pop", "rank", "blocks", "share",
                                                      "regions"],
              homes)
    first = [h for h in homes if h[2] == 1]
    print(f"home PoPs: {len(first)} countries, {len({h[1] for h in first})} distinct "
          f"majority PoPs, {len(homes)} (country, PoP) records")


if __name__ == "__main__":
    main()
