"""Constellations: the filed catalogue, Walker shells, TLE/OMM sets, boinor orbits and
real snapshots by date.

A :class:`Constellation` is a table of satellites (one row each, with its shell, plane,
slot and mean orbital elements) plus a table of shells and an epoch. Rows with
``model == "j2"`` carry mean elements propagated by the J2 secular model; rows with
``model == "sgp4"`` carry an SGP4 element set (``Constellation.satrecs``).

Catalogue (``data/constellation_shells.csv``)
---------------------------------------------
Filings give altitude, inclination, planes and satellites per plane, not the Walker
phasing factor F. Defaults chosen here (override with ``phasing=``):

- **F = 1** for every Walker-delta shell: the smallest non-zero inter-plane phasing
  (adjacent planes offset by 360/T deg), Walker's [1]_ conventional choice, and one
  that avoids the F = 0 "all planes in step" configuration whose satellites meet at the
  plane crossings.
- **Walker star** (planes spread over 180 deg of RAAN, not 360) for the near-polar
  shells that are operated that way: OneWeb (87.9 deg) and Telesat's 98.98 deg shell.
- Shells filed with the same altitude and inclination (Starlink Gen1 shells 4 and 5,
  560 km / 97.6 deg) are interleaved: shell 5's RAANs are offset by 15 deg so that no
  plane of one coincides with a plane of the other.
- These layout choices are the table's ``raan_spread_deg`` and ``raan_offset_deg``
  columns, and :data:`CATALOGUE` is the table's list of constellations (plus ``geo``):
  adding a filed constellation is a table edit.
- Epoch :data:`satcloud.time.DEFAULT_EPOCH` (2020-10-01T00:00:00 UTC); plane 0 of each
  shell has RAAN 0 deg and slot 0 mean anomaly 0 deg at the epoch (circular orbits,
  argument of perigee 0).

``altitude_km`` is always the mean semi-major axis minus the WGS84 equatorial radius
(6378.137 km).

Deployment (:func:`deploy`)
---------------------------
Partial constellations follow SpaceX's practice: shells fill in catalogue order (shell 1,
the 550 km / 53 deg shell of Starlink Gen1, first -- all of the ~800 Starlink satellites
of October 2020 were in it) and a shell fills *plane by plane*, each plane complete
before the next. The order of the planes is "spread" by default -- the van der Corput
(bit-reversal) order 0, P/2, P/4, 3P/4, ... so a partly built shell covers all RAANs
evenly, as successive launches did -- or ``"sequential"`` (0, 1, 2, ...). ``rule="uniform"``
instead thins every plane evenly.

Real constellations (:func:`real_constellation`, :func:`classify`)
------------------------------------------------------------------
``constellation("starlink", as_of="2020-10-29")`` (also ``"2020-12-31"``,
``"2026-04-02"``) reads a shipped CelesTrak snapshot (``data/element_sets.csv`` lists
them: shipping a new one is a file and a row). ``as_of`` matches a set when it falls on
the set's date (any time that day, UTC) or inside its epoch span; other dates raise
``ValueError`` listing the shipped ones. The epoch defaults to the set's latest element
epoch; :meth:`Constellation.validity_window` gives the times the sets stay fresh for.

Every object gets a ``status`` from its own elements (mean altitude a - R_E and the
semi-major-axis rate da/dt = -(2/3) (a/n) dn/dt from the TLE's n-dot):

1. ``debris``: a name without the prefix most objects share (``FALCON 9 DEB`` among
   ``STARLINK-*``), or with ``DEB`` or ``R/B`` in it. Kept (CelesTrak's group lists them), never in a shell.
2. Shells: the objects not climbing (da/dt <= +0.2 km/day) are clustered in
   (inclination, mean altitude) by flat-kernel mean shift with half widths 0.05 deg and
   8 km (:data:`SHELL_HALF_WIDTH_DEG`, :data:`SHELL_HALF_WIDTH_KM`): Starlink shells hold
   their mean altitude within a few km (the 550 km shell of October 2020 sits at
   545-552 km) and their inclination within a few 0.01 deg. A cluster is a shell when it
   has >= 15 satellites in >= 5 planes of >= 3 (one or two launch batches parked at
   their insertion altitude are not a shell). Its members are ``operational``.
3. ``raising``: da/dt > +0.2 km/day (electric-propulsion orbit raising runs at
   ~ +3-8 km/day in these sets), or fewer than 30 days in orbit (revolution number /
   revolutions per day: the early-orbit phase, whose insertion orbit decays until the
   thrusters start), or not descending and below every shell of its
   inclination group (parked after insertion: Starlink satellites are released low --
   ~ 257 km ("160 miles") for the 28-satellite V2-mini launches of 2025, then climb to
   e.g. 535 km by plasma thrusters (S. Clark, Ars Technica, October 2025, on the 10,000th
   Starlink) -- and the 2020 v1.0 batches were checked out at ~ 350-380 km before
   raising, as the 2020 sets show).
4. ``deorbiting``: da/dt < -0.2 km/day and not within 40 km above a lower shell of
   its inclination group (decaying or lowered for disposal).
5. ``other``: the rest: between shells and holding altitude, above every shell, or
   descending within 40 km above a lower shell (changing shell, e.g. the 2026 lowering
   of Gen1 and Gen2 shells to ~480 km).

The rate threshold separates the drag-and-reboost wander of operational satellites
(|da/dt| ~ 0.01-0.15 km/day in the shipped sets) from powered raising and decay;
inclination groups are shells within 0.3 deg. Planes: the operational satellites of a
shell are split where their RAANs, drift-corrected by the J2 secular rate
(:func:`satcloud.orbits.j2_secular_rates`; ~ -4.5 deg/day at 550 km, 53 deg) to the
common epoch, leave a gap larger than ``plane_tolerance_deg`` (2 deg); planes are
numbered by mean RAAN, slots by drift-corrected argument of latitude. A found shell
matches the filed shell (``starlink-gen1``/``starlink-gen2`` rows) within 25 km and
0.3 deg (nearest), else ``filed_shell`` is ``""``. The rule is transparent, not an
authority: SpaceX does not publish satellite status; Jonathan McDowell's Starlink
statistics (planet4589.org) classify by the same kind of altitude history.

References
----------
.. [1] J. G. Walker, "Satellite constellations", *Journal of the British Interplanetary Society*
   37, 559-572, 1984 (no DOI).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from astropy import units as _u
from astropy.time import Time

from satcloud._validate import as_float_array, check_choice, check_range
from satcloud.orbits import (
    J2_EARTH,
    MU_EARTH_KM3_S2,
    R_EARTH_KM,
    sun_synchronous_inclination_deg,
)
from satcloud.time import (
    DEFAULT_EPOCH,
    SIDEREAL_RATE_RAD_S,
    earth_rotation_angle_rad,
    quiet_erfa,
    to_time,
)

__all__ = [
    "CATALOGUE",
    "SATELLITE_COLUMNS",
    "SHELL_COLUMNS",
    "STATUSES",
    "Constellation",
    "classify",
    "constellation",
    "deploy",
    "describe",
    "element_sets",
    "geostationary_altitude_km",
    "network_constellation",
    "real_constellation",
    "sun_synchronous_orbit",
]

_U_DAY = _u.day

#: Satellite table columns (in order).
SATELLITE_COLUMNS = [
    "sat_id", "constellation", "shell", "plane", "slot", "altitude_km", "inclination_deg",
    "eccentricity", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg", "element_epoch",
    "min_elevation_deg", "band_user", "model", "norad_id", "status",
]
#: Shell table columns (in order). ``phasing`` is -1 for shells that are not Walker
#: shells (TLE/OMM sets, GEO slots).
SHELL_COLUMNS = [
    "constellation", "shell", "altitude_km", "inclination_deg", "planes", "sats_per_plane",
    "phasing", "raan_spread_deg", "min_elevation_deg", "band_user",
]



def _filed_names() -> tuple:
    from satcloud.data import constellation_shells

    return tuple(pd.unique(constellation_shells()["constellation"]))


#: Named constellations: the filed catalogue (the constellations of
#: ``data/constellation_shells.csv``, in table order) plus ``geo``. Real constellations
#: by date (``data/element_sets.csv``) are listed by :func:`element_sets`.
CATALOGUE = (*_filed_names(), "geo")

#: Object statuses (see "Real constellations" in the module docstring); filed and Walker
#: satellites are ``"operational"``, element sets not classified ``"unclassified"``.
STATUSES = ("operational", "raising", "deorbiting", "other", "debris", "unclassified")

#: Default GEO slot longitudes when none are given: seven real Ka-band broadband
#: satellites that together cover the inhabited world (operators' published orbital
#: positions). The same slots are the default of the GEO latency model. [deg]
DEFAULT_GEO_SLOTS_DEG = (
    -97.1,   # EchoStar XIX / Hughes Jupiter 2 (North America)
    -69.9,   # ViaSat-2 (Americas, Atlantic)
    -55.0,   # Inmarsat-5 F2, Global Xpress Atlantic Ocean Region
    9.0,     # Eutelsat KA-SAT (Europe)
    62.6,    # Inmarsat-5 F1, Global Xpress Indian Ocean Region
    119.5,   # Thaicom 4 / IPSTAR (Asia-Pacific)
    179.6,   # Inmarsat-5 F3, Global Xpress Pacific Ocean Region
)


def geostationary_altitude_km() -> float:
    """Altitude of the J2-corrected geostationary circle (mean longitude rate = ERA rate).

    For i = 0, e = 0 the J2 secular rates add up to d(lambda)/dt = n (1 + 3 J2 (R/a)^2);
    setting it equal to the Earth rotation rate and iterating gives a ~ 42,166 km,
    i.e. 35,788 km altitude (vs 35,786 km without J2). [km]

    Returns
    -------
    float
        Altitude above the WGS84 equatorial radius. [km]

    Examples
    --------
    >>> from satcloud.constellations import geostationary_altitude_km
    >>> print(f"{geostationary_altitude_km():.1f}")
    35788.1
    """
    a = (MU_EARTH_KM3_S2 / SIDEREAL_RATE_RAD_S**2) ** (1.0 / 3.0)
    for _ in range(20):
        k = J2_EARTH * (R_EARTH_KM / a) ** 2
        a = (MU_EARTH_KM3_S2 * (1.0 + 3.0 * k) ** 2 / SIDEREAL_RATE_RAD_S**2) ** (1.0 / 3.0)
    return a - R_EARTH_KM


def _epoch(epoch) -> Time:
    t = DEFAULT_EPOCH if epoch is None else to_time(epoch, "epoch")
    if not t.isscalar:
        raise TypeError("epoch must be a single time")
    return t


def _epoch_ts(t: Time) -> pd.Timestamp:
    return pd.Timestamp(t.utc.datetime64).tz_localize("UTC")


def _check_elements(alt, inc, ecc):
    check_range(alt, "altitude_km", 100.0, None, unit="km", finite=True)
    check_range(inc, "inclination_deg", 0.0, 180.0, unit="deg")
    check_range(ecc, "eccentricity", 0.0, 1.0, high_open=True)


def _scalar(value, name) -> float:
    """One finite number; ``ValueError``/``TypeError`` naming ``name`` otherwise."""
    arr = as_float_array(value, name, finite=True)
    if arr.ndim:
        raise TypeError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def _check_text(value, name) -> str:
    """``value`` as a non-empty string; ``TypeError``/``ValueError`` naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r:.100}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _check_int(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        hi = "inf)" if high is None else f"{high}]"
        raise ValueError(f"{name} must be in [{low}, {hi}; got {value}")
    return int(value)


def _column(sats: pd.DataFrame, col: str) -> np.ndarray:
    try:
        return sats[col].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"satellites column {col!r} must be numeric") from exc


def _check_satellite_columns(sats: pd.DataFrame) -> None:
    """Every element of every satellite finite and in range; the error names the column
    and the satellite (one vectorised check per column)."""
    ids = sats["sat_id"].to_numpy()

    def check(col, *args, **kwargs):
        values = _column(sats, col)
        try:
            check_range(values, col, *args, **kwargs)
        except ValueError as exc:
            lo, hi = args
            bad = ~np.isfinite(values)
            if lo is not None:
                bad |= values < lo
            if hi is not None:
                bad |= (values >= hi) if kwargs.get("high_open") else (values > hi)
            k = int(np.flatnonzero(bad)[0]) if bad.any() else 0
            raise ValueError(f"satellite {ids[k]!r} (row {k}): {exc}") from None

    check("altitude_km", 100.0, None, unit="km", finite=True)
    check("inclination_deg", 0.0, 180.0, unit="deg")
    check("eccentricity", 0.0, 1.0, high_open=True)
    for col in ("raan_deg", "arg_perigee_deg", "mean_anomaly_deg"):
        check(col, None, None, unit="deg", finite=True)
    check("min_elevation_deg", 0.0, 90.0, unit="deg")
    epochs = sats["element_epoch"]
    if not pd.api.types.is_datetime64_any_dtype(epochs):
        epochs = pd.to_datetime(epochs, errors="coerce", utc=True)
    if epochs.isna().any():
        k = int(np.flatnonzero(epochs.isna().to_numpy())[0])
        raise ValueError(f"satellite {ids[k]!r} (row {k}): element_epoch is missing or not "
                         f"a time ({sats['element_epoch'].iloc[k]!r})")


class Constellation:
    """A set of satellites with their shells, planes, slots and elements.

    Parameters
    ----------
    name : str
        Name shown in plots and tables.
    satellites : pandas.DataFrame
        One row per satellite with at least the columns of :data:`SATELLITE_COLUMNS`
        (``sat_id`` unique; angles [deg], ``altitude_km`` = a - R_E [km],
        ``element_epoch`` UTC timestamps, ``model`` "j2" or "sgp4").
    shells : pandas.DataFrame
        One row per shell, columns :data:`SHELL_COLUMNS`.
    epoch : Time
        Reference epoch (scalar, UTC).
    satrecs : list, optional
        ``sgp4.api.Satrec`` per row (``None`` for "j2" rows).

    Notes
    -----
    Build constellations with :func:`constellation`, :meth:`walker`, :meth:`from_tle`,
    :meth:`from_omm` or :meth:`from_orbits`; combine them with ``+``.
    """

    def __init__(self, name, satellites, shells, epoch, satrecs=None):
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {name!r}")
        if not isinstance(satellites, pd.DataFrame):
            raise TypeError("satellites must be a pandas DataFrame")
        if not isinstance(shells, pd.DataFrame):
            raise TypeError(f"shells must be a pandas DataFrame, got {type(shells).__name__}")
        if "status" not in satellites.columns:
            satellites = satellites.assign(status=np.where(
                satellites["model"].astype(str).to_numpy() == "sgp4", "unclassified",
                "operational") if "model" in satellites.columns else "operational")
        missing = [c for c in SATELLITE_COLUMNS if c not in satellites.columns]
        if missing:
            raise ValueError(f"satellites is missing column(s) {missing}")
        sats = satellites.reset_index(drop=True)
        if sats["sat_id"].duplicated().any():
            dup = sats.loc[sats["sat_id"].duplicated(), "sat_id"].iloc[0]
            raise ValueError(f"sat_id must be unique; {dup!r} repeats (rename one "
                             "constellation before combining)")
        _check_satellite_columns(sats)
        bad = ~sats["status"].isin(STATUSES)
        if bad.any():
            raise ValueError(f"status must be one of {STATUSES}; got "
                             f"{sats['status'][bad].iloc[0]!r}")
        bad = ~sats["model"].isin(["j2", "sgp4"])
        if bad.any():
            raise ValueError(f"model must be 'j2' or 'sgp4'; got {sats['model'][bad].iloc[0]!r}")
        self.name = name
        self.satellites = sats
        self.shells = shells.reset_index(drop=True)
        self.epoch = _epoch(epoch)
        if satrecs is None:
            satrecs = [None] * len(sats)
        if len(satrecs) != len(sats):
            raise ValueError("satrecs must have one entry per satellite")
        need = (sats["model"] == "sgp4").to_numpy()
        if any(need[k] and satrecs[k] is None for k in range(len(sats))):
            raise ValueError("every 'sgp4' satellite needs a Satrec")
        self.satrecs = list(satrecs)
        #: Element sets skipped by a loader with errors="skip": (line number, reason).
        self.skipped = []

    # -------------------------------------------------------------- container API
    def __len__(self) -> int:
        return len(self.satellites)

    def __repr__(self) -> str:
        return (f"Constellation({self.name!r}, {len(self)} satellites, "
                f"{len(self.shells)} shell(s), epoch {self.epoch.isot})")

    def __add__(self, other: Constellation) -> Constellation:
        if not isinstance(other, Constellation):
            return NotImplemented
        sats = pd.concat([self.satellites, other.satellites], ignore_index=True)
        shells = pd.concat([self.shells, other.shells], ignore_index=True)
        # shell names must stay unambiguous: prefix with the constellation on a clash
        key = shells["constellation"].astype(str) + "\x00" + shells["shell"].astype(str)
        clash_names = shells["shell"][shells["shell"].duplicated(keep=False)
                                      & ~key.duplicated(keep=False)]
        if len(clash_names):
            clash = set(clash_names.astype(str))
            fix = lambda df: np.where(df["shell"].astype(str).isin(clash),  # noqa: E731
                                      df["constellation"].astype(str) + ":"
                                      + df["shell"].astype(str), df["shell"].astype(str))
            sats["shell"] = fix(sats)
            shells["shell"] = fix(shells)
        name = self.name if self.name == other.name else f"{self.name}+{other.name}"
        return Constellation(name, sats, shells, self.epoch, self.satrecs + other.satrecs)

    def subset(self, rows) -> Constellation:
        """The constellation restricted to ``rows`` (integer positions or boolean mask).

        Shell rows are kept for shells that still have satellites; ``sats_per_plane`` and
        ``planes`` keep their filed values (the shell as designed).
        """
        idx = np.asarray(rows)
        if idx.dtype == bool:
            if idx.shape != (len(self),):
                raise ValueError(f"boolean rows must have length {len(self)}")
            idx = np.flatnonzero(idx)
        if idx.size and idx.dtype.kind not in "iu":
            raise TypeError(f"rows must be integer positions or a boolean mask, got "
                            f"{rows!r:.100}")
        idx = idx.astype(np.int64).ravel()
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise ValueError(f"rows must be in [0, {len(self) - 1}]")
        sats = self.satellites.iloc[idx].reset_index(drop=True)
        shells = self.shells[self.shells["shell"].isin(sats["shell"].unique())]
        return Constellation(self.name, sats, shells, self.epoch,
                             [self.satrecs[k] for k in idx])

    def deployed(self, fraction=None, count=None, **kwargs) -> Constellation:
        """Shortcut for :func:`deploy` on this constellation."""
        return deploy(self, fraction=fraction, count=count, **kwargs)

    def with_min_elevation(self, min_elevation_deg) -> Constellation:
        """A copy with every satellite's (and shell's) ``min_elevation_deg`` replaced. [deg]"""
        el = float(check_range(min_elevation_deg, "min_elevation_deg", 0.0, 90.0, unit="deg"))
        sats = self.satellites.copy()
        sats["min_elevation_deg"] = el
        shells = self.shells.copy()
        shells["min_elevation_deg"] = el
        return Constellation(self.name, sats, shells, self.epoch, self.satrecs)

    def describe(self, by="shell") -> pd.DataFrame:
        """Shells found and filed, satellites per plane and fill (see :func:`describe`).

        Parameters
        ----------
        by : {"shell", "status"}
            One row per shell, or the count of objects per status.
        """
        return describe(self, by=by)

    @property
    def element_epoch_span(self) -> tuple:
        """First and last element epoch (``(Time, Time)``, UTC) of the satellites."""
        ep = pd.to_datetime(self.satellites["element_epoch"], utc=True)
        lo, hi = ep.min(), ep.max()
        return (Time(lo.tz_convert(None).to_datetime64(), scale="utc"),
                Time(hi.tz_convert(None).to_datetime64(), scale="utc"))

    def validity_window(self, max_age_days=None) -> tuple:
        """Times at which propagation stays close to the element epochs.

        The window runs from (99.6 % quantile of the SGP4 satellites' element epochs -
        ``max_age_days``) to (0.4 % quantile + ``max_age_days``), so that over the whole
        window no more than 0.8 % of the element sets are older than ``max_age_days``
        and :func:`satcloud.orbits.propagate` does not warn
        (:class:`satcloud.orbits.ElementAgeWarning`, which allows 1 %). For J2 (filed)
        satellites there is no limit: the window is the epoch +/- 100 years.

        SGP4 itself can fail for re-entering objects soon after their epoch (in the
        2026-04-02 Starlink set one ``"deorbiting"`` object at 159 km fails 24 h after
        the latest epoch); :func:`satcloud.orbits.propagate` then raises naming it. Drop
        ``status == "deorbiting"`` objects (:meth:`subset`) to propagate far in the
        window.

        Parameters
        ----------
        max_age_days : float, optional
            Largest element age, in [0, 36525] (default
            :data:`satcloud.orbits.ELEMENT_AGE_LIMIT_DAYS`, 3 days). [day]

        Returns
        -------
        start, end : Time
            UTC; ``start > end`` when the epochs spread more than twice
            ``max_age_days``.
        """
        from satcloud.orbits import ELEMENT_AGE_LIMIT_DAYS

        if isinstance(max_age_days, bool | np.bool_):
            raise TypeError(f"max_age_days must be a number of days, got {max_age_days!r}")
        age = ELEMENT_AGE_LIMIT_DAYS if max_age_days is None else _scalar(
            check_range(max_age_days, "max_age_days", 0.0, 36525.0, unit="day"),
            "max_age_days")
        sgp4 = (self.satellites["model"] == "sgp4").to_numpy()
        if not sgp4.any():
            lo = hi = self.epoch
            age = 36525.0
        else:
            ep = pd.to_datetime(self.satellites["element_epoch"][sgp4], utc=True)
            ns = ep.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            q = np.quantile(ns, [0.004, 0.996], method="nearest")
            lo = Time(q[1].astype("datetime64[ns]"), scale="utc")
            hi = Time(q[0].astype("datetime64[ns]"), scale="utc")
        # one second inside, so that times rounded to the millisecond stay within
        return quiet_erfa(lambda: (lo - age * _U_DAY + 1.0 * _u.s,
                                   hi + age * _U_DAY - 1.0 * _u.s))()

    # ----------------------------------------------------------------- builders
    @classmethod
    def walker(cls, altitude_km, inclination_deg, planes, sats_per_plane, phasing=None,
               min_elevation_deg=25.0, name="walker", epoch=None, *, shell="1",
               raan_spread_deg=360.0, raan_offset_deg=0.0, eccentricity=0.0,
               arg_perigee_deg=0.0, band_user="", constellation_name=None) -> Constellation:
        """A Walker shell i:T/P/F (delta for 360 deg RAAN spread, star for 180 deg).

        Parameters
        ----------
        altitude_km : float
            Mean altitude a - R_E, >= 100. [km]
        inclination_deg : float
            Inclination, in [0, 180]. [deg]
        planes : int
            Number of orbital planes P >= 1.
        sats_per_plane : int
            Satellites per plane S >= 1 (T = P S).
        phasing : int, optional
            Walker phasing factor F in [0, P - 1]: satellite k of plane j has mean
            anomaly 360 k / S + 360 F j / T at the epoch (Walker [1]_). Default 1
            (0 for a single plane).
        min_elevation_deg : float, optional
            User terminal minimum elevation, in [0, 90]. [deg]
        name : str, optional
            Constellation name (prefix of ``sat_id``).
        epoch : Time, optional
            Element epoch (default :data:`satcloud.time.DEFAULT_EPOCH`).
        shell : str, optional
            Shell label.
        raan_spread_deg : float, optional
            Planes' RAANs are ``raan_offset_deg + j * raan_spread_deg / P``; 360 for a
            Walker delta, 180 for a Walker star. [deg]
        raan_offset_deg : float, optional
            RAAN of plane 0. [deg]
        eccentricity : float, optional
            In [0, 1). [-]
        arg_perigee_deg : float, optional
            [deg]
        band_user : str, optional
            User-link band label (e.g. "Ku").
        constellation_name : str, optional
            Value of the ``constellation`` column (default ``name``).

        Returns
        -------
        Constellation

        References
        ----------
        .. [1] J. G. Walker, "Satellite constellations", *Journal of the British Interplanetary
           Society* 37, 559-572, 1984 (no DOI).

        Examples
        --------
        A 53 deg : 20/4/1 shell at 550 km: satellite k of plane j sits at mean anomaly
        360 k / 5 + 360 x 1 x j / 20 deg, and plane j at RAAN 90 j deg:

        >>> from satcloud.constellations import Constellation
        >>> shell = Constellation.walker(550.0, 53.0, planes=4, sats_per_plane=5, phasing=1)
        >>> len(shell)
        20
        >>> shell.satellites[["plane", "slot", "raan_deg", "mean_anomaly_deg"]].iloc[[1, 5, 6]]
           plane  slot  raan_deg  mean_anomaly_deg
        1      0     1       0.0              72.0
        5      1     0      90.0              18.0
        6      1     1      90.0              90.0
        """
        _check_elements(altitude_km, inclination_deg, eccentricity)
        p = _check_int(planes, "planes", 1)
        s = _check_int(sats_per_plane, "sats_per_plane", 1)
        f = _check_int((1 if p > 1 else 0) if phasing is None else phasing, "phasing", 0,
                       p - 1)
        el = _scalar(check_range(min_elevation_deg, "min_elevation_deg", 0.0, 90.0,
                                 unit="deg"), "min_elevation_deg")
        spread = _scalar(check_range(raan_spread_deg, "raan_spread_deg", 0.0, 360.0,
                                     low_open=True, unit="deg"), "raan_spread_deg")
        off = _scalar(raan_offset_deg, "raan_offset_deg")
        argp = _scalar(arg_perigee_deg, "arg_perigee_deg")
        for value, label in ((altitude_km, "altitude_km"), (inclination_deg, "inclination_deg"),
                             (eccentricity, "eccentricity")):
            _scalar(value, label)
        if p * s > 1_000_000:
            raise ValueError(f"planes x sats_per_plane = {p * s} exceeds 1,000,000")
        t = _epoch(epoch)
        _check_text(name, "name")
        cname = (name if constellation_name is None
                 else _check_text(constellation_name, "constellation_name"))
        total = p * s
        plane, slot = np.divmod(np.arange(total), s)
        raan = np.mod(off + plane * spread / p, 360.0)
        m = np.mod(slot * 360.0 / s + plane * f * 360.0 / total, 360.0)
        shell = str(shell)
        width = max(2, len(str(p - 1)))
        widths = max(2, len(str(s - 1)))
        ids = [f"{cname}/{shell}/P{j:0{width}d}S{k:0{widths}d}" for j, k in zip(plane, slot,
                                                                            strict=True)]
        sats = pd.DataFrame({
            "sat_id": ids, "constellation": cname, "shell": shell,
            "plane": plane.astype(np.int64), "slot": slot.astype(np.int64),
            "altitude_km": float(altitude_km), "inclination_deg": float(inclination_deg),
            "eccentricity": float(eccentricity), "raan_deg": raan,
            "arg_perigee_deg": argp % 360.0, "mean_anomaly_deg": m,
            "element_epoch": _epoch_ts(t), "min_elevation_deg": el,
            "band_user": str(band_user), "model": "j2", "norad_id": np.int64(-1),
            "status": "operational",
        })
        shells = pd.DataFrame([{
            "constellation": cname, "shell": shell, "altitude_km": float(altitude_km),
            "inclination_deg": float(inclination_deg), "planes": p, "sats_per_plane": s,
            "phasing": f, "raan_spread_deg": spread, "min_elevation_deg": el,
            "band_user": str(band_user),
        }])
        return cls(name, sats, shells, t)

    @classmethod
    def from_tle(cls, source, *, name="tle", min_elevation_deg=25.0, band_user="",
                 errors="raise", plane_tolerance_deg=2.0) -> Constellation:
        """Satellites from two- or three-line element sets (propagated with SGP4).

        Parameters
        ----------
        source : str or path-like
            A file path or the TLE text itself (2LE, 3LE or "0 NAME" 3LE).
        name : str, optional
            Constellation name.
        min_elevation_deg : float, optional
            Minimum elevation given to every satellite. [deg]
        band_user : str, optional
        errors : {"raise", "skip"}
            "skip" drops malformed element sets, warns, and lists them in
            ``constellation.skipped`` as (line number, reason).
        plane_tolerance_deg : float, optional
            Satellites of a shell whose RAANs lie within this gap share a plane. [deg]

        Notes
        -----
        Shells are inferred by rounding the mean altitude to 10 km and the inclination to
        0.5 deg; planes by gaps in RAAN larger than ``plane_tolerance_deg``; slots by
        argument of latitude. ``epoch`` is the latest element-set epoch.
        """
        from satcloud.tle import parse_tle

        _check_text(name, "name")
        result = parse_tle(source, errors=errors)
        return _from_records(result.records, result.skipped, name, min_elevation_deg,
                             band_user, plane_tolerance_deg)

    @classmethod
    def from_omm(cls, source, *, format=None, name="omm", min_elevation_deg=25.0,
                 band_user="", errors="raise", plane_tolerance_deg=2.0) -> Constellation:
        """Satellites from CCSDS OMM element sets [1]_ (CelesTrak CSV, JSON or XML), via SGP4.

        Parameters
        ----------
        source : str or path-like
            File path or text.
        format : {"csv", "json", "xml"}, optional
            Default: from the file suffix or the text's first character.
        Other parameters as in :meth:`from_tle`.

        References
        ----------
        .. [1] CCSDS, *Orbit Data Messages*, Recommended Standard CCSDS 502.0-B-2, Blue Book,
           November 2009. https://public.ccsds.org/Pubs/502x0b2c1e2.pdf
        """
        from satcloud.tle import parse_omm

        _check_text(name, "name")
        result = parse_omm(source, format=format, errors=errors)
        return _from_records(result.records, result.skipped, name, min_elevation_deg,
                             band_user, plane_tolerance_deg)

    @classmethod
    def from_orbits(cls, orbits, *, names=None, name="orbits", min_elevation_deg=25.0,
                    band_user="", plane_tolerance_deg=2.0) -> Constellation:
        """Satellites from ``boinor`` :class:`~boinor.twobody.Orbit` objects (J2 model).

        Each orbit's GCRS state at its epoch is rotated to the CIRS (true equator of
        date, astropy) and converted to classical elements, which are then used as
        *mean* elements by the J2 secular propagator. Osculating and mean elements
        differ by the J2 short-period terms (~10 km in semi-major axis at LEO), so
        positions drift along-track from a numerical integration of the same
        osculating state; the orbital plane and its precession are right.

        Parameters
        ----------
        orbits : sequence of boinor Orbit
            Earth-centred orbits.
        names : sequence of str, optional
            Satellite ids (default ``"<name>-<k>"``).
        """
        from astropy import units as u
        from astropy.coordinates import CIRS, GCRS, CartesianDifferential, CartesianRepresentation

        _check_text(name, "name")
        if isinstance(orbits, str) or not isinstance(orbits, Iterable):
            raise TypeError(f"orbits must be a sequence of boinor Orbit objects, got "
                            f"{orbits!r:.100}")
        orbits = list(orbits)
        if not orbits:
            raise ValueError("orbits is empty")
        if names is not None and (isinstance(names, str) or not isinstance(names, Iterable)):
            raise TypeError(f"names must be a sequence of satellite ids, got {names!r:.100}")
        rows = []
        for k, orb in enumerate(orbits):
            if getattr(getattr(orb, "attractor", None), "name", "") != "Earth":
                raise ValueError(f"orbits[{k}] must be an Earth orbit, got attractor "
                                 f"{getattr(orb, 'attractor', None)!r}")
            r, v = orb.rv()
            ep = orb.epoch.utc
            rep = CartesianRepresentation(r.to(u.km)).with_differentials(
                CartesianDifferential(v.to(u.km / u.s)))
            cirs = GCRS(rep, obstime=ep).transform_to(CIRS(obstime=ep))
            rc = cirs.cartesian.xyz.to_value(u.km)
            vc = cirs.cartesian.differentials["s"].d_xyz.to_value(u.km / u.s)
            rows.append((_rv_to_elements(rc, vc), ep))
        el = np.array([r[0] for r in rows])
        epochs = Time([r[1] for r in rows])
        ids = list(names) if names is not None else [f"{name}-{k}" for k in range(len(rows))]
        if len(ids) != len(rows):
            raise ValueError(f"names must have {len(rows)} entries, got {len(ids)}")
        return _assemble(name, ids, el, epochs, ["j2"] * len(rows), [None] * len(rows),
                         [-1] * len(rows), min_elevation_deg, band_user,
                         plane_tolerance_deg, skipped=[])


def _rv_to_elements(r, v):
    """Classical elements from a state (algorithm 9 of Vallado's textbook, docs/references.md
    ``vallado2013``): a, e, i, raan, argp, M."""
    mu = MU_EARTH_KM3_S2
    r = np.asarray(r, float)
    v = np.asarray(v, float)
    rn = np.linalg.norm(r)
    h = np.cross(r, v)
    hn = np.linalg.norm(h)
    nvec = np.cross([0.0, 0.0, 1.0], h)
    nn = np.linalg.norm(nvec)
    evec = ((v @ v - mu / rn) * r - (r @ v) * v) / mu
    e = np.linalg.norm(evec)
    energy = v @ v / 2 - mu / rn
    a = -mu / (2 * energy)
    inc = np.arccos(np.clip(h[2] / hn, -1, 1))
    if nn < 1e-10:  # equatorial: node undefined, measure from x
        raan = 0.0
        nvec = np.array([1.0, 0.0, 0.0])
        nn = 1.0
    else:
        raan = np.arctan2(nvec[1], nvec[0])
    if e < 1e-9:
        argp = 0.0
        # argument of latitude from the node
        cosu = np.clip(nvec @ r / (nn * rn), -1, 1)
        uarg = np.arccos(cosu)
        if (np.cross(nvec, r) @ h) < 0:
            uarg = 2 * np.pi - uarg
        nu = uarg
        e = 0.0
    else:
        argp = np.arccos(np.clip(nvec @ evec / (nn * e), -1, 1))
        if (np.cross(nvec, evec) @ h) < 0:
            argp = 2 * np.pi - argp
        nu = np.arccos(np.clip(evec @ r / (e * rn), -1, 1))
        if r @ v < 0:
            nu = 2 * np.pi - nu
    ecc_anom = 2 * np.arctan2(np.sqrt(1 - e) * np.sin(nu / 2), np.sqrt(1 + e) * np.cos(nu / 2))
    m = ecc_anom - e * np.sin(ecc_anom)
    return np.array([a, e, np.degrees(inc), np.degrees(raan) % 360, np.degrees(argp) % 360,
                     np.degrees(m) % 360])


def _infer_layout(alt, inc, raan, argp, m, tol):
    """Shell labels, plane and slot numbers for satellites given as a bag of elements."""
    alt_r = np.round(alt / 10.0) * 10.0
    inc_r = np.round(inc * 2.0) / 2.0
    shell = np.array([f"{a:.0f}km-{i:.1f}deg" for a, i in zip(alt_r, inc_r, strict=True)])
    plane = np.zeros(alt.size, np.int64)
    slot = np.zeros(alt.size, np.int64)
    for sh in pd.unique(shell):
        idx = np.flatnonzero(shell == sh)
        order = idx[np.argsort(raan[idx], kind="stable")]
        r = raan[order]
        gaps = np.diff(r) > tol
        lab = np.concatenate([[0], np.cumsum(gaps)])
        if lab[-1] > 0 and (r[0] + 360.0 - r[-1]) <= tol:  # wrap-around: merge ends
            lab[lab == lab[-1]] = 0
            lab = pd.factorize(lab)[0]
        plane[order] = lab
        for p in np.unique(lab):
            members = order[lab == p]
            ul = np.mod(argp[members] + m[members], 360.0)
            slot[members[np.argsort(ul, kind="stable")]] = np.arange(members.size)
    return shell, plane, slot


def _assemble(name, ids, el, epochs: Time, models, satrecs, norad, min_elevation_deg,
              band_user, tol, skipped):
    el = np.atleast_2d(np.asarray(el, float))
    bad = ~np.isfinite(el)
    if bad.any():
        k, j = (int(i) for i in np.argwhere(bad)[0])
        field = ("semi-major axis", "eccentricity", "inclination", "RAAN",
                 "argument of perigee", "mean anomaly")[j]
        raise ValueError(f"element set {ids[k]!r}: {field} is {el[k, j]:g}, not finite")
    a, e, inc, raan, argp, m = el.T
    alt = a - R_EARTH_KM
    minel = _scalar(check_range(min_elevation_deg, "min_elevation_deg", 0.0, 90.0, unit="deg"),
                    "min_elevation_deg")
    tol = _scalar(check_range(tol, "plane_tolerance_deg", 0.0, 180.0, unit="deg"),
                  "plane_tolerance_deg")
    shell, plane, slot = _infer_layout(alt, inc, raan, argp, m, tol)
    ep_ts = pd.DatetimeIndex(epochs.utc.datetime64).tz_localize("UTC")
    sats = pd.DataFrame({
        "sat_id": [str(x) for x in ids], "constellation": name, "shell": shell,
        "plane": plane, "slot": slot, "altitude_km": alt, "inclination_deg": inc,
        "eccentricity": e, "raan_deg": raan, "arg_perigee_deg": argp,
        "mean_anomaly_deg": m, "element_epoch": ep_ts, "min_elevation_deg": minel,
        "band_user": str(band_user), "model": models, "norad_id": np.asarray(norad, np.int64),
        "status": "unclassified",
    })
    dup = sats["sat_id"].duplicated()
    if dup.any():  # same name twice (e.g. two element sets): disambiguate by row
        sats.loc[dup, "sat_id"] = [f"{s}#{k}" for k, s in zip(np.flatnonzero(dup),
                                                              sats.loc[dup, "sat_id"],
                                                              strict=True)]
    g = sats.groupby("shell", sort=False)
    shells = pd.DataFrame({
        "constellation": name,
        "shell": list(g.groups),
        "altitude_km": g["altitude_km"].median().to_numpy(),
        "inclination_deg": g["inclination_deg"].median().to_numpy(),
        "planes": g["plane"].nunique().to_numpy().astype(np.int64),
        "sats_per_plane": g.apply(lambda d: d.groupby("plane").size().max(),
                                  include_groups=False).to_numpy().astype(np.int64),
        "phasing": np.int64(-1), "raan_spread_deg": 360.0, "min_elevation_deg": minel,
        "band_user": str(band_user),
    })
    latest = epochs.max() if len(epochs) > 1 else epochs[0]
    c = Constellation(name, sats, shells, latest, satrecs)
    c.skipped = list(skipped)
    return c


def _from_records(records, skipped, name, min_elevation_deg, band_user, tol):
    if not records:
        raise ValueError("source: no valid element sets found" +
                         (f"; skipped: {skipped[:5]}" if skipped else
                          " (give a file path, or the text of TLE/3LE lines or of OMM "
                          "CSV/JSON/XML records)"))
    from astropy.time import Time as _T

    els, eps, ids, norad, recs = [], [], [], [], []
    for rec in records:
        s = rec.satrec
        a = s.a * s.radiusearthkm
        els.append([a, s.ecco, np.degrees(s.inclo), np.degrees(s.nodeo) % 360,
                    np.degrees(s.argpo) % 360, np.degrees(s.mo) % 360])
        eps.append((s.jdsatepoch, s.jdsatepochF))
        ids.append(rec.name or str(s.satnum))
        norad.append(int(s.satnum))
        recs.append(s)
    ep = np.array(eps)
    epochs = _T(ep[:, 0], ep[:, 1], format="jd", scale="utc")
    alt = np.array(els)[:, 0] - R_EARTH_KM
    low = np.flatnonzero(~(alt >= 100.0))
    if low.size:
        k = low[0]
        where = getattr(records[k], "where", "") or "element set"
        raise ValueError(f"{where}: element set {ids[k]!r} has a mean altitude of "
                         f"{alt[k]:.1f} km, below the 100 km altitude_km allows (mean motion "
                         f"{records[k].satrec.no_kozai * 1440 / (2 * np.pi):.6g} rev/day; "
                         "decayed, or a wrong mean motion field)")
    return _assemble(name, ids, els, epochs, ["sgp4"] * len(recs), recs, norad,
                     min_elevation_deg, band_user, tol, skipped)


# --------------------------------------------------------------------- catalogue


def _catalogue_shells(name):
    from satcloud.data import constellation_shells

    df = constellation_shells()
    return df[df["constellation"] == name].reset_index(drop=True)


def _phasing_for(phasing, shell, planes):
    if phasing is None:
        return 1 if planes > 1 else 0
    if isinstance(phasing, dict):
        return phasing.get(shell, 1 if planes > 1 else 0)
    return phasing


def constellation(name, *, phasing=None, min_elevation_deg=None, epoch=None, shells=None,
                  slot_lon_deg=None, as_of=None) -> Constellation:
    """A named constellation: filed shells (``data/constellation_shells.csv``) or, with
    ``as_of``, a real constellation from shipped element sets (``data/element_sets.csv``).

    Parameters
    ----------
    name : str
        One of :data:`CATALOGUE`: ``starlink-gen1`` (4,408 satellites),
        ``starlink-gen2`` (29,988), ``kuiper`` (3,236), ``oneweb`` (588),
        ``telesat-2020`` (1,671), ``o3b-mpower`` (11), ``geo``; or a real constellation
        of :func:`element_sets` (``starlink``), which needs ``as_of``.
    phasing : int or dict, optional
        Walker phasing F for every shell, or a dict shell -> F (default 1; see the
        module docstring).
    min_elevation_deg : float, optional
        Override the filed minimum elevation. [deg]
    epoch : Time, optional
        Element epoch (default 2020-10-01T00:00:00 UTC).
    shells : sequence of str, optional
        Keep only these shells (e.g. ``["1"]``).
    slot_lon_deg : sequence of float, optional
        ``geo`` only: slot longitudes [deg] (default 0, 120, -120). GEO satellites are
        placed on the J2-corrected geostationary circle (:func:`geostationary_altitude_km`)
        so they stay on their slots; minimum elevation 10 deg unless given.
    as_of : str, pandas.Timestamp, datetime or Time, optional
        Real constellations only: the date of the element-set snapshot, e.g.
        ``"2020-10-29"``. It matches a shipped set when it falls on the set's ``as_of``
        day (any time, UTC) or inside the set's epoch span; see
        :func:`real_constellation`. ``epoch`` then defaults to the set's latest epoch.

    Returns
    -------
    Constellation

    Raises
    ------
    ValueError
        For an unknown name (lists the valid ones and suggests a close match), an
        ``as_of`` matching no shipped set (lists the shipped dates), ``as_of`` given for
        a filed constellation or missing for a real one.
    """
    real = _real_names()
    if isinstance(name, str) and name in real:
        extra = [k for k, v in (("phasing", phasing), ("shells", shells),
                                ("slot_lon_deg", slot_lon_deg)) if v is not None]
        if extra:
            raise ValueError(f"{extra} apply to filed constellations, not to the real "
                             f"constellation {name!r}")
        if as_of is None:
            raise ValueError(f"as_of is required for the real constellation {name!r}; "
                             f"shipped: {_shipped_text(name)}")
        return real_constellation(name, as_of, epoch=epoch,
                                  min_elevation_deg=min_elevation_deg)
    check_choice(name, "constellation", (*CATALOGUE, *real))
    if as_of is not None:
        raise ValueError(f"as_of applies to the real constellations {list(real)}, not to "
                         f"the filed constellation {name!r} (got as_of={as_of!r:.60})")
    t = _epoch(epoch)
    if name == "geo":
        return _geo(slot_lon_deg, min_elevation_deg, t)
    if slot_lon_deg is not None:
        raise ValueError("slot_lon_deg applies only to the 'geo' constellation")
    table = _catalogue_shells(name)
    if shells is not None:
        if isinstance(shells, str | int | np.integer):
            shells = [shells]
        try:
            wanted = [str(s) for s in shells]
        except TypeError:
            raise TypeError(f"shells must be a shell name or a list of shell names of "
                            f"{name!r}, got {shells!r}") from None
        if not wanted:
            raise ValueError(f"shells is empty; give one or more shells of {name!r}: "
                             f"{list(table['shell'].astype(str))} (or None for all)")
        for s in wanted:
            try:
                check_choice(s, "shell", list(table["shell"]))
            except ValueError as exc:
                raise ValueError(f"shells: {exc}") from None
        table = table[table["shell"].isin(wanted)]
    parts = []
    for row in table.itertuples(index=False):
        layout = {}
        if pd.notna(row.raan_spread_deg):
            layout["raan_spread_deg"] = float(row.raan_spread_deg)
        if pd.notna(row.raan_offset_deg):
            layout["raan_offset_deg"] = float(row.raan_offset_deg)
        el = row.min_elevation_deg if min_elevation_deg is None else min_elevation_deg
        parts.append(Constellation.walker(
            row.altitude_km, row.inclination_deg, int(row.planes), int(row.sats_per_plane),
            phasing=_phasing_for(phasing, str(row.shell), int(row.planes)),
            min_elevation_deg=el, name=name, epoch=t, shell=str(row.shell),
            band_user=row.band_user, **layout))
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def network_constellation(network) -> Constellation:
    """The constellation a network of the registry propagates (``data/networks.csv``).

    The filed catalogue for a network whose ``as_of`` is empty; for a real network the
    element-set snapshot of that date (:func:`real_constellation`) restricted to its
    ``"operational"`` satellites: objects raising their orbits, deorbiting or unclassified
    carry no users (SpaceX opens a satellite to service once it reaches its shell), and
    re-entering objects would make SGP4 fail within the set's validity window.

    Parameters
    ----------
    network : str
        A satellite network of :func:`satcloud.systems.networks` (not ``"fibre"``).

    Returns
    -------
    Constellation

    Raises
    ------
    ValueError
        For an unknown network (lists the valid ones) or one without a constellation.
    """
    from satcloud import systems

    net = systems.network(network)
    if net.constellation is None:
        raise ValueError(f"network {network!r} has no constellation (kind {net.kind!r}); "
                         "give a satellite network: "
                         f"{[n for n, v in systems.networks().items() if v.constellation]}")
    if net.as_of is None:
        return constellation(net.constellation)
    real = constellation(net.constellation, as_of=net.as_of)
    return real.subset(np.flatnonzero(
        (real.satellites["status"] == "operational").to_numpy()))


def _geo(slot_lon_deg, min_elevation_deg, t):
    lons = np.atleast_1d(as_float_array(DEFAULT_GEO_SLOTS_DEG if slot_lon_deg is None
                                        else slot_lon_deg, "slot_lon_deg"))
    check_range(lons, "slot_lon_deg", -180.0, 360.0, unit="deg")
    if lons.ndim != 1 or lons.size == 0:
        raise ValueError("slot_lon_deg must be a non-empty list of longitudes")
    if min_elevation_deg is None:
        # the GEO terminals' mask is written once, in the systems registry
        from satcloud import systems

        min_elevation_deg = systems.network("geo").min_elevation_deg
    el = min_elevation_deg
    alt = geostationary_altitude_km()
    era_deg = float(np.degrees(earth_rotation_angle_rad(t)))
    c = Constellation.walker(alt, 0.0, 1, 1, phasing=0, min_elevation_deg=el, name="geo",
                             epoch=t, shell="GEO", band_user="Ka")
    sats = pd.concat([c.satellites] * lons.size, ignore_index=True)
    sats["slot"] = np.arange(lons.size)
    sats["sat_id"] = [f"geo/{lon:+.1f}E" for lon in lons]
    if sats["sat_id"].duplicated().any():
        raise ValueError("slot_lon_deg must not repeat a longitude")
    # mean longitude (RAAN + argp + M) at the epoch = slot longitude + ERA
    sats["mean_anomaly_deg"] = np.mod(lons + era_deg, 360.0)
    shells = c.shells.copy()
    shells["sats_per_plane"] = lons.size
    shells["phasing"] = -1
    return Constellation("geo", sats, shells, t)


def _ut1_hours(t) -> float:
    """UT1 time of day of a scalar astropy Time. [h]"""
    ut1 = t.ut1 if t.scale != "ut1" else t
    frac = (ut1.jd1 - 0.5) % 1.0 + ut1.jd2
    return float((frac % 1.0) * 24.0)


def sun_synchronous_orbit(altitude_km: float = 550.0, ltan_h: float = 22.5, epoch=None, *,
                          argument_of_latitude_deg: float = 0.0, iterations: int = 4):
    """A circular sun-synchronous orbit as a ``boinor`` ``Orbit`` (GCRS elements).

    The inclination is :func:`satcloud.orbits.sun_synchronous_inclination_deg` (the J2
    nodal precession equals the mean Sun's motion, Vallado [1]_, eq. 11-14). The
    ascending node sits at a chosen local *mean* solar time (LTAN): at the epoch ``t``
    the node crosses longitude ``lon = RAAN_CIRS - ERA(t)``, whose local mean time is
    ``UT1(t) + lon / 15``, so the node's right ascension in the CIRS (the frame of the
    J2 propagator) is ``ERA(t) + 15 (LTAN - UT1(t))`` [deg] (Vallado [1]_, sec. 11.4,
    sun-synchronous orbits and local time of the node). boinor's orbits live in the
    GCRS, so the GCRS elements are corrected by fixed-point steps through
    :meth:`Constellation.from_orbits` until the CIRS inclination and RAAN hit the
    targets to 1e-6 deg.

    Parameters
    ----------
    altitude_km : float
        Altitude a - R_E (WGS84 equatorial radius, :data:`satcloud.orbits.R_EARTH_KM`),
        >= 150. [km]
    ltan_h : float
        Local mean solar time of the ascending node, in [0, 24) (22.5 = a 10:30
        descending node, as Sentinel-2). [h]
    epoch : Time or str, optional
        Epoch of the elements (default :data:`satcloud.time.DEFAULT_EPOCH`,
        2020-10-01T00:00:00 UTC).
    argument_of_latitude_deg : float
        Position in the orbit at the epoch, from the ascending node, in [-360, 360]. [deg]
    iterations : int
        Fixed-point steps (>= 1) correcting the GCRS elements so that the CIRS
        inclination and RAAN (what the J2 propagator uses) hit the targets. [-]

    Returns
    -------
    boinor.twobody.Orbit
        With ``a``, ``inc`` (sun-synchronous), ``raan`` (for ``ltan_h``), ``ecc = 0``.

    References
    ----------
    .. [1] D. A. Vallado (with W. D. McClain), *Fundamentals of Astrodynamics and Applications*,
       4th ed., Microcosm Press, Hawthorne, CA, 2013 (a book, no DOI).
    """
    from astropy import units as u
    from boinor.bodies import Earth
    from boinor.twobody import Orbit

    for name, value in (("altitude_km", altitude_km), ("ltan_h", ltan_h),
                        ("argument_of_latitude_deg", argument_of_latitude_deg)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be one number, got {type(value).__name__} "
                            f"{value!r:.80}")
    check_range(ltan_h, "ltan_h", 0.0, 24.0, high_open=True, unit="h")
    if not np.isfinite(check_range(altitude_km, "altitude_km", 150.0, None, unit="km")).all():
        raise ValueError(f"altitude_km must be finite, got {altitude_km!r}")
    check_range(argument_of_latitude_deg, "argument_of_latitude_deg", -360.0, 360.0,
                unit="deg")
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations, (int, np.integer)) \
            or iterations < 1:
        raise ValueError(f"iterations must be an integer >= 1, got {iterations!r}")
    try:
        ep = to_time(DEFAULT_EPOCH if epoch is None else epoch, "epoch")
    except (TypeError, ValueError):
        raise
    except Exception as exc:  # noqa: BLE001 - astropy's own errors, e.g. KeyError
        raise TypeError(f"epoch must be a time (astropy Time, datetime or ISO text), got "
                        f"{epoch!r}") from exc
    inc_t = float(sun_synchronous_inclination_deg(altitude_km))
    era = float(np.degrees(earth_rotation_angle_rad(ep)))
    raan_t = (era + 15.0 * (float(ltan_h) - _ut1_hours(ep))) % 360.0
    a = (R_EARTH_KM + float(altitude_km)) * u.km
    inc, raan = inc_t, raan_t
    orb = None
    for _ in range(int(iterations)):
        orb = Orbit.from_classical(Earth, a, 0.0 * u.one, inc * u.deg, raan * u.deg,
                                   0.0 * u.deg, float(argument_of_latitude_deg) * u.deg,
                                   epoch=ep)
        sat = Constellation.from_orbits([orb]).satellites.iloc[0]
        d_inc = inc_t - float(sat["inclination_deg"])
        d_raan = (raan_t - float(sat["raan_deg"]) + 180.0) % 360.0 - 180.0
        if abs(d_inc) < 1e-6 and abs(d_raan) < 1e-6:
            break
        inc, raan = inc + d_inc, (raan + d_raan) % 360.0
    return orb


# -------------------------------------------------------------------- deployment


def _spread_order(n: int) -> np.ndarray:
    """0..n-1 in van der Corput order: 0, n/2, n/4, 3n/4, ... (each once)."""
    bits = max(1, int(np.ceil(np.log2(max(n, 2)))))
    k = np.arange(2**bits)
    rev = np.zeros_like(k)
    for b in range(bits):
        rev |= ((k >> b) & 1) << (bits - 1 - b)
    frac = rev / 2**bits
    cand = np.floor(frac * n).astype(int)
    _, first = np.unique(cand, return_index=True)
    order = cand[np.sort(first)]
    missing = np.setdiff1d(np.arange(n), order)
    return np.concatenate([order, missing])


def deploy(constellation, fraction=None, count=None, *, rule="planes",
           plane_order="spread") -> Constellation:
    """The partially deployed constellation: a fraction or a count of its satellites.

    Parameters
    ----------
    constellation : Constellation
        The full design.
    fraction : float, optional
        Deployed fraction in (0, 1]. Give exactly one of ``fraction`` and ``count``.
    count : int, optional
        Number of satellites deployed, in [1, len(constellation)] (e.g. 800 for
        Starlink in October 2020).
    rule : {"planes", "uniform"}
        ``"planes"`` (default): shells in catalogue order, each filled plane by plane
        (a plane complete before the next; the last plane partly, slots in order).
        ``"uniform"``: every plane of every shell thinned evenly (keeps the first
        ``count`` satellites in slot-interleaved order).
    plane_order : {"spread", "sequential"}
        Order in which a shell's planes fill under ``rule="planes"``: van der Corput
        ("spread", default) or 0, 1, 2, ...

    Returns
    -------
    Constellation
        A subset of the rows (same ids, elements and epoch).
    """
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a Constellation, got "
                        f"{type(constellation).__name__}")
    n = len(constellation)
    if (fraction is None) == (count is None):
        raise ValueError("give exactly one of fraction and count")
    if fraction is not None:
        f = float(check_range(fraction, "fraction", 0.0, 1.0, low_open=True))
        k = max(1, int(round(f * n)))
    else:
        k = _check_int(count, "count", 1, n)
    check_choice(rule, "rule", ("planes", "uniform"))
    check_choice(plane_order, "plane_order", ("spread", "sequential"))
    sats = constellation.satellites
    shell_rank = {s: i for i, s in enumerate(pd.unique(sats["shell"]))}
    srank = sats["shell"].map(shell_rank).to_numpy()
    plane = sats["plane"].to_numpy()
    slot = sats["slot"].to_numpy()
    if rule == "planes":
        prank = np.empty(n, dtype=np.int64)
        for s in shell_rank:
            idx = np.flatnonzero(sats["shell"].to_numpy() == s)
            planes = np.unique(plane[idx])
            order = (_spread_order(planes.size) if plane_order == "spread"
                     else np.arange(planes.size))
            rank_of = {planes[o]: r for r, o in enumerate(order)}
            prank[idx] = [rank_of[p] for p in plane[idx]]
        keys = np.lexsort((slot, prank, srank))
    else:
        # interleave slots: van der Corput order of slots within each plane
        srank_slot = np.empty(n, dtype=np.int64)
        for (_s, _p), idx in sats.groupby(["shell", "plane"]).indices.items():
            order = _spread_order(idx.size)
            rank = np.empty(idx.size, np.int64)
            rank[order] = np.arange(idx.size)
            srank_slot[idx[np.argsort(slot[idx], kind="stable")]] = rank
        keys = np.lexsort((plane, srank, srank_slot))
    keep = np.sort(keys[:k])
    out = constellation.subset(keep)
    out.name = constellation.name
    out.deployment = {"rule": rule, "plane_order": plane_order, "count": int(k),
                      "of": int(n)}
    return out


# ------------------------------------------------------------- real element sets

#: Semi-major-axis rate beyond which an object is moving up (raising) or down
#: (decaying or lowered) rather than keeping its shell. Operational shells in the
#: shipped sets keep |da/dt| ~ 0.01-0.15 km/day (drag between station-keeping burns);
#: orbit raising runs at ~ +3 to +8 km/day. [km/day]
RATE_THRESHOLD_KM_DAY = 0.2
#: Half widths of a shell in mean altitude and inclination: a shell's satellites keep
#: their mean altitude within a few km and their inclination within a few 0.01 deg.
#: [km], [deg]
SHELL_HALF_WIDTH_KM = 8.0
SHELL_HALF_WIDTH_DEG = 0.05
#: A shell needs this many satellites in at least this many planes of >= 3 satellites
#: (so that one launch batch parked at its insertion altitude is not a shell). [-]
MIN_SHELL_SATELLITES = 15
MIN_SHELL_PLANES = 5
#: Shells within this inclination of each other form one inclination group. [deg]
INCLINATION_GROUP_DEG = 0.3
#: An object descending within this height above a lower shell of its group is changing
#: shell ("other"), not deorbiting. [km]
TRANSFER_BAND_KM = 40.0
#: A found shell matches a filed one within these differences. [km], [deg]
FILED_MATCH_KM = 25.0
FILED_MATCH_DEG = 0.3
#: A snapshot's element epochs must lie within this span. [day]
MAX_SNAPSHOT_SPAN_DAYS = 30.0
#: Objects fewer days in orbit than this (revolution number / revolutions per day) and
#: in no shell are early-orbit satellites (checkout, then raising), even while their
#: insertion orbit decays. Starlink raising to 550 km took 1-3 months in 2020 (in the
#: 2020-10-29 set no satellite of the launches of 6 and 18 October is in a shell). [day]
NEW_LAUNCH_DAYS = 30.0
#: Filed constellations a real one is compared with.
FILED_FOR_REAL = {"starlink": ("starlink-gen1", "starlink-gen2")}


def _real_names() -> tuple:
    from satcloud.data import element_sets as load

    return tuple(pd.unique(load()["constellation"]))


def element_sets(name=None) -> pd.DataFrame:
    """The real element-set snapshots shipped with satcloud (``data/element_sets.csv``).

    Parameters
    ----------
    name : str, optional
        Keep only this real constellation (e.g. ``"starlink"``).

    Returns
    -------
    pandas.DataFrame
        ``constellation``, ``as_of``, ``file``, ``objects``, ``epoch_start_utc``,
        ``epoch_end_utc`` (UTC Timestamps), ``sha256``, ``source`` and provenance.
    """
    from satcloud.data import element_sets as load

    df = load()
    for col in ("epoch_start_utc", "epoch_end_utc"):
        df[col] = pd.to_datetime(df[col], utc=True)
    if name is not None:
        check_choice(name, "name", tuple(pd.unique(df["constellation"])))
        df = df[df["constellation"] == name]
    return df.reset_index(drop=True)


def _shipped_text(name) -> str:
    sets = element_sets(name)
    return "; ".join(f"{r.as_of} (epochs {r.epoch_start_utc:%Y-%m-%d %H:%M} to "
                     f"{r.epoch_end_utc:%Y-%m-%d %H:%M} UTC)" for r in sets.itertuples())


def _as_of_timestamp(as_of) -> pd.Timestamp:
    import datetime as _dt

    if isinstance(as_of, Time):
        if not as_of.isscalar:
            raise TypeError("as_of must be a single time, got an array of "
                            f"{as_of.size} times")
        ts = pd.Timestamp(as_of.utc.datetime64)
    elif isinstance(as_of, str | pd.Timestamp | _dt.date | np.datetime64):
        try:
            ts = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"as_of must be a date such as '2020-10-29', got "
                             f"{as_of!r:.60}") from exc
        if ts is pd.NaT:
            raise ValueError(f"as_of must be a date, got {as_of!r:.60}")
    else:
        raise TypeError(f"as_of must be a date (str, pandas.Timestamp, datetime or "
                        f"astropy Time), got {type(as_of).__name__} {as_of!r:.60}")
    return ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")


def _select_set(name, as_of):
    sets = element_sets(name)
    ts = _as_of_timestamp(as_of)
    days = pd.to_datetime(sets["as_of"], utc=True)
    hit = ((days == ts.normalize())
           | ((sets["epoch_start_utc"] <= ts) & (ts <= sets["epoch_end_utc"]))).to_numpy()
    if not hit.any():
        raise ValueError(f"as_of {ts:%Y-%m-%d %H:%M} UTC: no shipped element set of {name!r} "
                         f"for that date; shipped: {_shipped_text(name)} (as_of matches a "
                         "set's date or a time inside its epoch span)")
    k = np.flatnonzero(hit)
    k = k[np.argmin(np.abs((days.iloc[k] - ts).dt.total_seconds().to_numpy()))]
    return sets.iloc[k]


def real_constellation(name, as_of, *, epoch=None, min_elevation_deg=None) -> Constellation:
    """A real constellation from a shipped element-set snapshot, classified and grouped.

    The snapshot is read from ``data/`` (its SHA-256 checked against
    ``data/element_sets.csv``), parsed with :func:`satcloud.tle.parse_tle` and passed to
    :func:`classify` against the filed shells of :data:`FILED_FOR_REAL`.

    Parameters
    ----------
    name : str
        A real constellation of :func:`element_sets`, e.g. ``"starlink"``.
    as_of : str, pandas.Timestamp, datetime or Time
        Date of the snapshot (``"2020-10-29"``, ``"2020-12-31"``, ``"2026-04-02"``).
        It matches a set when it falls on the set's ``as_of`` day (UTC) or inside its
        epoch span (e.g. ``"2026-03-30"`` gives the 2026-04-02 set); the nearest
        ``as_of`` wins if several match.
    epoch : Time or str, optional
        Reference epoch (default: the snapshot's latest element epoch).
    min_elevation_deg : float, optional
        User minimum elevation (default: the filed one, 25 deg for Starlink). [deg]

    Returns
    -------
    Constellation
        With ``status``, ``shell``, ``plane``, ``slot`` from :func:`classify`; its
        ``source`` attribute is the ``element_sets`` row.

    Raises
    ------
    ValueError
        For an unknown name or an ``as_of`` matching no shipped set (the message lists
        the shipped dates and epoch spans), or a file whose checksum differs.
    """
    import hashlib

    from satcloud.data import data_dir
    from satcloud.tle import parse_tle

    names = _real_names()
    check_choice(name, "name", names)
    row = _select_set(name, as_of)
    path = data_dir() / row["file"]
    payload = path.read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    if digest != row["sha256"]:
        raise ValueError(f"{path}: SHA-256 {digest} differs from {row['sha256']} recorded "
                         "in element_sets.csv; regenerate with scripts/make_element_sets.py")
    filed = FILED_FOR_REAL.get(name, ())
    if min_elevation_deg is None:
        min_elevation_deg = (float(_catalogue_shells(filed[0])["min_elevation_deg"].iloc[0])
                             if filed else 25.0)
    min_elevation_deg = _scalar(check_range(min_elevation_deg, "min_elevation_deg", 0.0,
                                            90.0, unit="deg"), "min_elevation_deg")
    result = parse_tle(payload.decode("ascii"))
    raw = _snapshot(result.records, name, min_elevation_deg, "Ku")
    out = classify(raw, filed=filed, epoch=epoch)
    out.source = row
    return out


def _snapshot(records, name, min_elevation_deg, band_user) -> Constellation:
    """Unclassified SGP4 satellites of parsed element sets (shell/plane/slot filled in
    by :func:`classify`), built from arrays: the elements as SGP4 initialised them
    (``Satrec.a``: mean semi-major axis; angles at each element epoch)."""
    satrecs = [r.satrec for r in records]
    el = np.array([(s.a * s.radiusearthkm, s.ecco, s.inclo, s.nodeo, s.argpo, s.mo,
                    s.jdsatepoch, s.jdsatepochF, s.satnum) for s in satrecs])
    ids = pd.Series([r.name for r in records])
    dup = ids.duplicated()
    if dup.any():  # same name twice (e.g. two element sets): disambiguate by row
        ids[dup] = [f"{x}#{k}" for k, x in zip(np.flatnonzero(dup), ids[dup], strict=True)]
    # UTC epoch from the Julian date (SGP4 epochs are UTC; 2440587.5 = 1970-01-01)
    ns = np.round(((el[:, 6] - 2440587.5) + el[:, 7]) * 86400e9).astype(np.int64)
    epochs = pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC")
    deg = np.degrees(el[:, 2:6])
    sats = pd.DataFrame({
        "sat_id": ids.to_numpy(), "constellation": name, "shell": "",
        "plane": np.int64(-1), "slot": np.int64(-1), "altitude_km": el[:, 0] - R_EARTH_KM,
        "inclination_deg": deg[:, 0], "eccentricity": el[:, 1],
        "raan_deg": deg[:, 1] % 360.0, "arg_perigee_deg": deg[:, 2] % 360.0,
        "mean_anomaly_deg": deg[:, 3] % 360.0, "element_epoch": epochs,
        "min_elevation_deg": float(min_elevation_deg), "band_user": band_user,
        "model": "sgp4", "norad_id": el[:, 8].astype(np.int64), "status": "unclassified",
    })
    latest = Time(epochs.max().tz_convert(None).to_datetime64(), scale="utc")
    shells = pd.DataFrame(columns=SHELL_COLUMNS)
    return Constellation(name, sats, shells, latest, satrecs)


def _satrec_arrays(c: Constellation):
    """a [km], da/dt [km/day] and days in orbit of every satellite (da/dt from the SGP4
    n-dot, days in orbit from the revolution number; 0 and inf for J2 rows)."""
    sats = c.satellites
    a = sats["altitude_km"].to_numpy(float) + R_EARTH_KM
    dadt = np.zeros(len(sats))
    days = np.full(len(sats), np.inf)
    idx = [k for k, s in enumerate(c.satrecs) if s is not None]
    if idx:
        nd = np.array([(c.satrecs[k].ndot, c.satrecs[k].no_kozai, c.satrecs[k].revnum)
                       for k in idx])
        # n-dot: TLE field is dn/dt / 2; a = (mu / n^2)^(1/3) gives da/dt = -2/3 a/n dn/dt
        dadt[idx] = -(2.0 / 3.0) * a[idx] * (2.0 * nd[:, 0]) / nd[:, 1] * 1440.0
        # revolutions since launch / revolutions per day (n in rad/min)
        days[idx] = nd[:, 2] / (nd[:, 1] * 1440.0 / (2.0 * np.pi))
    return a, dadt, days


def _is_debris(ids) -> np.ndarray:
    """Objects of the group that are not the constellation's satellites: ``DEB`` or
    ``R/B`` in the name, or a name without the majority prefix (the part before the
    first ``-``, e.g. ``STARLINK`` of ``STARLINK-1007``)."""
    names = np.char.upper(np.asarray(ids, dtype=str))
    prefix = np.char.partition(names, "-")[:, 0]
    values, counts = np.unique(prefix, return_counts=True)
    own = prefix == values[np.argmax(counts)]
    return ~own | (np.char.find(names, " DEB") >= 0) | (np.char.find(names, "R/B") >= 0)


def _mean_shift_shells(inc, alt):
    """Shell centres (inc [deg], alt [km]) by flat-kernel mean shift on a 2-D histogram.

    Coordinates are scaled so a shell's half widths are 1; the histogram has cells of
    half a width, each carrying its count and the sums of its members' coordinates,
    so the means are exact and the cost depends on the number of occupied cells.
    """
    if inc.size == 0:
        return np.zeros((0, 2))
    x = np.c_[inc / SHELL_HALF_WIDTH_DEG, alt / SHELL_HALF_WIDTH_KM]
    cell, inv, count = np.unique(np.floor(2.0 * x).astype(np.int64), axis=0,
                                 return_inverse=True, return_counts=True)
    inv = inv.ravel()
    sums = np.zeros((len(cell), 2))
    np.add.at(sums, inv, x)
    means = sums / count[:, None]
    centres = means[count >= 3].copy()
    for _ in range(20):
        inside = (np.abs(centres[:, None, :] - means[None, :, :]).max(axis=2) <= 1.0)
        tot = inside @ count
        new = (inside @ sums) / np.maximum(tot, 1)[:, None]
        new[tot == 0] = centres[tot == 0]
        done = np.allclose(new, centres, atol=1e-6)
        centres = new
        if done:
            break
    # merge centres that converged together, strongest first
    inside = (np.abs(centres[:, None, :] - means[None, :, :]).max(axis=2) <= 1.0)
    support = inside @ count
    keep = []
    for k in np.argsort(-support, kind="stable"):
        if all(np.abs(centres[k] - centres[j]).max() > 1.0 for j in keep):
            keep.append(k)
    out = centres[keep]
    return np.c_[out[:, 0] * SHELL_HALF_WIDTH_DEG, out[:, 1] * SHELL_HALF_WIDTH_KM]


def _planes_by_gaps(raan_deg, tol):
    """Plane labels 0.. of angles on the circle split at gaps larger than ``tol``."""
    order = np.argsort(raan_deg, kind="stable")
    r = raan_deg[order]
    gaps = np.diff(r) > tol
    lab = np.concatenate([[0], np.cumsum(gaps)])
    if lab[-1] > 0 and (r[0] + 360.0 - r[-1]) <= tol:  # wrap-around: merge the ends
        lab[lab == lab[-1]] = 0
    lab = pd.factorize(lab)[0]
    out = np.empty(r.size, np.int64)
    out[order] = lab
    return out


def _filed_targets(filed):
    """Filed shells to match, shells with equal altitude and inclination merged."""
    rows = []
    for name in filed:
        t = _catalogue_shells(name)
        for (alt, inc), g in t.groupby(["altitude_km", "inclination_deg"], sort=False):
            rows.append({"filed_shell": f"{name}/" + "+".join(g["shell"].astype(str)),
                         "altitude_km": float(alt), "inclination_deg": float(inc),
                         "planes": int(g["planes"].sum()),
                         "satellites": int((g["planes"] * g["sats_per_plane"]).sum())})
    return pd.DataFrame(rows, columns=["filed_shell", "altitude_km", "inclination_deg",
                                       "planes", "satellites"])


def _match_filed(alt, inc, targets):
    if targets.empty:
        return None
    da = (targets["altitude_km"].to_numpy() - alt) / FILED_MATCH_KM
    di = (targets["inclination_deg"].to_numpy() - inc) / FILED_MATCH_DEG
    ok = (np.abs(da) <= 1.0) & (np.abs(di) <= 1.0)
    if not ok.any():
        return None
    d = np.where(ok, da * da + di * di, np.inf)
    return targets.iloc[int(np.argmin(d))]


def classify(constellation, *, filed=(), epoch=None, plane_tolerance_deg=2.0
             ) -> Constellation:
    """Classify every object of an element-set snapshot and group the operational ones.

    Each object gets a ``status`` (:data:`STATUSES`); the operational satellites are
    grouped into shells (clusters of inclination and mean altitude), planes (clusters of
    J2-drift-corrected RAAN) and slots (order of drift-corrected argument of latitude).
    The rule and its thresholds are in the module docstring ("Real constellations").

    Parameters
    ----------
    constellation : Constellation
        Satellites from element sets (e.g. :meth:`Constellation.from_tle`), all epochs
        within :data:`MAX_SNAPSHOT_SPAN_DAYS`.
    filed : sequence of str
        Filed constellations (names of :data:`CATALOGUE`) whose shells the found shells
        are matched against, e.g. ``("starlink-gen1", "starlink-gen2")``.
    epoch : Time or str, optional
        Common epoch the RAANs and arguments of latitude are drift-corrected to (default:
        the constellation's epoch, for element sets the latest element epoch).
    plane_tolerance_deg : float
        Operational satellites of a shell whose drift-corrected RAANs lie within this gap
        share a plane. [deg]

    Returns
    -------
    Constellation
        A copy with ``status``, ``shell`` (``""`` for objects in no shell), ``plane`` and
        ``slot`` (-1 outside shells) and the added columns ``raan_at_epoch_deg`` and
        ``arg_latitude_at_epoch_deg`` (J2 secular drift to ``epoch``; the ``raan_deg``,
        ``arg_perigee_deg`` and ``mean_anomaly_deg`` columns stay the elements at each
        ``element_epoch``), ``da_dt_km_day`` (from the SGP4 n-dot) and
        ``filed_shell``; its shells table has one row per found shell with
        ``filed_shell``, ``planes_filed`` and ``satellites_filed``.

    Raises
    ------
    ValueError
        When the element epochs span more than :data:`MAX_SNAPSHOT_SPAN_DAYS` (sets of
        different years mixed; the message names the oldest and newest set), or a
        ``filed`` name is unknown.
    """
    from satcloud.orbits import j2_secular_rates

    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a Constellation, got "
                        f"{type(constellation).__name__}")
    if isinstance(filed, str):
        filed = (filed,)
    if not isinstance(filed, Iterable):
        raise TypeError(f"filed must be a sequence of filed constellation names "
                        f"{list(CATALOGUE)}, got {filed!r:.60}")
    filed = tuple(filed)
    for f in filed:
        check_choice(f, "filed", CATALOGUE)
    tol = _scalar(check_range(plane_tolerance_deg, "plane_tolerance_deg", 0.0, 180.0,
                              low_open=True, unit="deg"), "plane_tolerance_deg")
    c = constellation
    sats = c.satellites.copy()
    n = len(sats)
    ep = pd.to_datetime(sats["element_epoch"], utc=True)
    span_days = (ep.max() - ep.min()).total_seconds() / 86400.0
    if span_days > MAX_SNAPSHOT_SPAN_DAYS:
        old, new = int(ep.argmin()), int(ep.argmax())
        raise ValueError(
            f"element epochs span {span_days:.1f} days, more than the "
            f"{MAX_SNAPSHOT_SPAN_DAYS:g} days of one snapshot: {sats['sat_id'].iloc[old]!r} "
            f"has epoch {ep.iloc[old]:%Y-%m-%d %H:%M} and {sats['sat_id'].iloc[new]!r} "
            f"{ep.iloc[new]:%Y-%m-%d %H:%M} UTC; classify one snapshot at a time")
    t_ref = c.epoch if epoch is None else _epoch(epoch)
    dt_s = ((pd.Timestamp(t_ref.utc.datetime64).tz_localize("UTC") - ep)
            .dt.total_seconds().to_numpy())
    a, dadt, days_in_orbit = _satrec_arrays(c)
    alt = sats["altitude_km"].to_numpy(float)
    inc = sats["inclination_deg"].to_numpy(float)
    e = sats["eccentricity"].to_numpy(float)
    raan_rate, argp_rate, m_rate = j2_secular_rates(a, e, inc)
    raan_c = np.mod(sats["raan_deg"].to_numpy(float) + np.degrees(raan_rate * dt_s), 360.0)
    u_c = np.mod(sats["arg_perigee_deg"].to_numpy(float) + sats["mean_anomaly_deg"]
                 .to_numpy(float) + np.degrees((argp_rate + m_rate) * dt_s), 360.0)

    debris = _is_debris(sats["sat_id"])
    up = dadt > RATE_THRESHOLD_KM_DAY
    down = dadt < -RATE_THRESHOLD_KM_DAY
    cand = ~debris & ~up
    centres = _mean_shift_shells(inc[cand], alt[cand])
    shell_of = np.full(n, -1)
    if len(centres):
        d = np.maximum(np.abs(inc[:, None] - centres[None, :, 0]) / SHELL_HALF_WIDTH_DEG,
                       np.abs(alt[:, None] - centres[None, :, 1]) / SHELL_HALF_WIDTH_KM)
        near = np.argmin(d, axis=1)
        ok = cand & (d[np.arange(n), near] <= 1.0)
        shell_of[ok] = near[ok]
    plane = np.full(n, -1, np.int64)
    slot = np.full(n, -1, np.int64)
    kept = []
    for k in range(len(centres)):
        idx = np.flatnonzero(shell_of == k)
        if idx.size < MIN_SHELL_SATELLITES:
            shell_of[idx] = -1
            continue
        lab = _planes_by_gaps(raan_c[idx], tol)
        sizes = np.bincount(lab)
        if (sizes >= 3).sum() < MIN_SHELL_PLANES:
            shell_of[idx] = -1
            continue
        # planes numbered by increasing mean RAAN (circular mean)
        ang = np.radians(raan_c[idx])
        mean = np.degrees(np.arctan2(np.bincount(lab, np.sin(ang)),
                                     np.bincount(lab, np.cos(ang)))) % 360.0
        rank = np.empty(mean.size, np.int64)
        rank[np.argsort(mean, kind="stable")] = np.arange(mean.size)
        plane[idx] = rank[lab]
        order = np.lexsort((u_c[idx], plane[idx]))
        first = np.r_[0, np.flatnonzero(np.diff(plane[idx][order])) + 1]
        counts = np.diff(np.r_[first, order.size])
        slot[idx[order]] = np.arange(order.size) - np.repeat(first, counts)
        kept.append(k)
    operational = shell_of >= 0
    # shells table, labels and filed matches
    targets = _filed_targets(filed)
    shell_rows, label_of = [], {}
    for k in kept:
        idx = np.flatnonzero(shell_of == k)
        alt_k, inc_k = float(np.median(alt[idx])), float(np.median(inc[idx]))
        label = f"{alt_k:.0f}km-{inc_k:.2f}deg"
        while label in label_of.values():
            label += "'"
        label_of[k] = label
        match = _match_filed(alt_k, inc_k, targets)
        shell_rows.append({
            "constellation": c.name, "shell": label, "altitude_km": alt_k,
            "inclination_deg": inc_k, "planes": int(plane[idx].max() + 1),
            "sats_per_plane": int(np.bincount(plane[idx]).max()), "phasing": -1,
            "raan_spread_deg": 360.0,
            "min_elevation_deg": float(sats["min_elevation_deg"].iloc[idx[0]]),
            "band_user": str(sats["band_user"].iloc[idx[0]]),
            "filed_shell": "" if match is None else match["filed_shell"],
            "planes_filed": -1 if match is None else int(match["planes"]),
            "satellites_filed": -1 if match is None else int(match["satellites"]),
        })
    shells = pd.DataFrame(shell_rows, columns=[*SHELL_COLUMNS, "filed_shell", "planes_filed",
                                               "satellites_filed"])
    shells = shells.sort_values(["inclination_deg", "altitude_km"]).reset_index(drop=True)
    # status of the objects in no shell, relative to the shells of their inclination group
    s_alt = np.array([r["altitude_km"] for r in shell_rows])
    s_inc = np.array([r["inclination_deg"] for r in shell_rows])
    if s_alt.size:
        same = np.abs(inc[:, None] - s_inc[None, :]) <= INCLINATION_GROUP_DEG
        height = alt[:, None] - s_alt[None, :]
        below_all = ~(same & (height >= -SHELL_HALF_WIDTH_KM)).any(axis=1)
        transfer = (same & (height > 0) & (height <= TRANSFER_BAND_KM)).any(axis=1)
    else:
        below_all = np.ones(n, bool)
        transfer = np.zeros(n, bool)
    status = np.full(n, "other", dtype=object)
    young = days_in_orbit < NEW_LAUNCH_DAYS
    status[~operational & (up | young | (~down & below_all))] = "raising"
    status[~operational & down & ~transfer & ~young] = "deorbiting"
    status[operational] = "operational"
    status[debris] = "debris"
    sats["status"] = status
    sats["shell"] = [label_of.get(k, "") for k in shell_of]
    sats["plane"] = plane
    sats["slot"] = slot
    sats["raan_at_epoch_deg"] = raan_c
    sats["arg_latitude_at_epoch_deg"] = u_c
    sats["da_dt_km_day"] = dadt
    fs = dict(zip(shells["shell"], shells["filed_shell"], strict=True))
    sats["filed_shell"] = [fs.get(x, "") for x in sats["shell"]]
    out = Constellation(c.name, sats, shells, t_ref, c.satrecs)
    out.skipped = list(c.skipped)
    return out


def describe(constellation, by="shell") -> pd.DataFrame:
    """A tidy summary: per shell (planes, satellites per plane, fill) or per status.

    Parameters
    ----------
    constellation : Constellation
        Filed (Walker), deployed or real (classified) constellation.
    by : {"shell", "status"}
        ``"shell"``: one row per shell with ``shell``, ``filed_shell`` (the filed shell it
        matches: itself for Walker shells, from :func:`classify` for real ones, ``""``
        if none), ``altitude_km``, ``inclination_deg``, ``satellites`` (operational),
        ``planes_found``, ``planes_filed``, ``sats_per_plane_median``/``_min``/``_max``
        (over the planes found), ``satellites_filed`` and ``fill_fraction``
        (satellites / satellites filed; NaN where no filed shell matches). ``"status"``:
        ``status``, ``satellites`` and ``fraction`` of all objects.

    Returns
    -------
    pandas.DataFrame
    """
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a Constellation, got "
                        f"{type(constellation).__name__}")
    check_choice(by, "by", ("shell", "status"))
    sats = constellation.satellites
    if by == "status":
        counts = sats["status"].value_counts().reindex(list(STATUSES), fill_value=0)
        counts = counts[counts > 0]
        return pd.DataFrame({"status": counts.index, "satellites": counts.to_numpy(),
                             "fraction": counts.to_numpy() / max(len(sats), 1)})
    rows = []
    for sh in constellation.shells.itertuples(index=False):
        members = sats[(sats["shell"] == sh.shell) & (sats["status"] == "operational")]
        per_plane = members.groupby("plane").size()
        if "filed_shell" in constellation.shells.columns and sh.phasing < 0:
            filed_name = sh.filed_shell if isinstance(sh.filed_shell, str) else ""
            planes_filed = int(sh.planes_filed) if filed_name else -1
            sats_filed = int(sh.satellites_filed) if filed_name else -1
        elif sh.phasing >= 0:  # a Walker shell: its own design is the filing
            filed_name = f"{sh.constellation}/{sh.shell}"
            planes_filed, sats_filed = int(sh.planes), int(sh.planes * sh.sats_per_plane)
        else:
            filed_name, planes_filed, sats_filed = "", -1, -1
        rows.append({
            "shell": sh.shell, "filed_shell": filed_name, "altitude_km": sh.altitude_km,
            "inclination_deg": sh.inclination_deg, "satellites": len(members),
            "planes_found": int(per_plane.size), "planes_filed": planes_filed,
            "sats_per_plane_median": float(per_plane.median()) if per_plane.size else 0.0,
            "sats_per_plane_min": int(per_plane.min()) if per_plane.size else 0,
            "sats_per_plane_max": int(per_plane.max()) if per_plane.size else 0,
            "satellites_filed": sats_filed,
            "fill_fraction": len(members) / sats_filed if sats_filed > 0 else np.nan,
        })
    return pd.DataFrame(rows)
