"""TLE and OMM parsing with line-precise errors, through ``sgp4``.

Two-line element sets follow the NORAD format (Kelso [1]_; Vallado et al. [2]_):
69-character lines, line 1 and line 2 carrying the same
satellite number, a modulo-10 checksum in column 69 (digits count their value, ``-``
counts 1, everything else 0). Names may precede an element set as a plain line or as
``0 NAME`` (Space-Track 3LE). Blank lines and lines starting with ``#`` are ignored.

OMM (CCSDS 502.0-B-2 [3]_ Orbit Mean-Elements Message) is read in the three forms CelesTrak
serves: CSV (a header row of OMM keywords), JSON (a list of objects with the same
keywords) and XML (``sgp4.omm.parse_xml``); each record becomes a ``Satrec`` through
``sgp4.omm.initialize``.

Every malformed entry raises :class:`TLEError` (a ``ValueError``) naming the line (or
record) and the reason. With ``errors="skip"`` the bad entries are dropped, listed in
the result's ``skipped`` as ``(line_number, reason)``, and a warning says how many.

References
----------
.. [1] T. S. Kelso, "FAQs: Two-Line Element Set Format", CelesTrak.
   https://celestrak.org/columns/v04n03/
.. [2] D. A. Vallado, P. Crawford, R. Hujsak and T. S. Kelso, "Revisiting Spacetrack Report #3",
   AIAA/AAS Astrodynamics Specialist Conference, 2006, paper AIAA 2006-6753.
   doi:10.2514/6.2006-6753
.. [3] CCSDS, *Orbit Data Messages*, Recommended Standard CCSDS 502.0-B-2, Blue Book, November
   2009. https://public.ccsds.org/Pubs/502x0b2c1e2.pdf
"""

from __future__ import annotations

import csv
import datetime as _dt
import errno
import io
import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sgp4.api import Satrec

from satcloud._validate import check_choice

__all__ = ["ElementSet", "ParseResult", "SourceNotFoundError", "TLEError", "parse_omm",
           "parse_tle", "tle_checksum"]

_OMM_REQUIRED = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                 "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID", "BSTAR",
                 "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
_OMM_DEFAULTS = {"CLASSIFICATION_TYPE": "U", "EPHEMERIS_TYPE": "0", "ELEMENT_SET_NO": "999",
                 "REV_AT_EPOCH": "0", "OBJECT_ID": "", "OBJECT_NAME": ""}


class TLEError(ValueError):
    """A malformed element set; ``line_number`` (1-based) and ``reason`` say where and why."""

    def __init__(self, line_number, reason, what="line"):
        self.line_number = line_number
        self.reason = reason
        super().__init__(f"{what} {line_number}: {reason}")


@dataclass
class ElementSet:
    """One parsed element set: name, raw lines (TLE) or fields (OMM), and its ``Satrec``."""

    name: str
    satrec: Satrec
    line_number: int
    line1: str = ""
    line2: str = ""
    fields: dict = field(default_factory=dict)
    #: Where it was read, for messages: ``"line 3"`` (TLE, OMM CSV) or ``"record 2"``.
    where: str = ""


@dataclass
class ParseResult:
    """Parsed element sets and the entries skipped as ``(line_number, reason)``."""

    records: list
    skipped: list

    def __len__(self):
        return len(self.records)


class SourceNotFoundError(FileNotFoundError, ValueError):
    """``source`` names a file that does not exist (a ``FileNotFoundError`` that is also
    a ``ValueError``, like every other bad-input error of this module)."""

    def __init__(self, path, hint=""):
        super().__init__(errno.ENOENT, "no such file", str(path))
        self.hint = hint

    def __str__(self):
        return f"source: no such file {self.filename!r}{self.hint}"


def _is_path(source) -> bool:
    """True if the string names an existing file (not element-set text)."""
    if isinstance(source, os.PathLike):
        return True
    if not isinstance(source, str) or "\n" in source or len(source) > 1024:
        return False
    if source.lstrip()[:1] in ("[", "{", "<", ""):
        return False
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # e.g. an embedded NUL character
        return False


def _looks_like_missing_path(source: str) -> bool:
    """A one-line string that is not a file: meant as a path (element-set text has at
    least two lines; JSON and XML start with a bracket)."""
    text = source.strip()
    if not text or "\n" in source or "\r" in source or len(source) > 4096:
        return False
    if text[:1] in ("[", "{", "<") or text[:2] in ("1 ", "2 "):
        return False
    return not _is_path(source)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where} is not UTF-8 text (byte {exc.start}: "
                         f"{data[exc.start:exc.start + 1]!r}); element sets are ASCII/UTF-8 "
                         "text") from None


def _read(source) -> str:
    """The text of ``source``: a file object, bytes, a path or the text itself."""
    if hasattr(source, "read"):
        try:
            data = source.read()
        except UnicodeDecodeError as exc:
            raise ValueError(f"source file {getattr(source, 'name', source)!r} is not UTF-8 "
                             f"text ({exc.reason} at byte {exc.start})") from None
        if isinstance(data, bytes):
            return _decode(data, f"source file {getattr(source, 'name', source)!r}")
        if not isinstance(data, str):
            raise TypeError(f"source.read() must return text or bytes, got "
                            f"{type(data).__name__}")
        return data
    if isinstance(source, bytes):
        return _decode(source, "source")
    if isinstance(source, os.PathLike) or _is_path(source):
        p = Path(source)
        try:
            is_file = p.is_file()
        except (OSError, ValueError):  # e.g. an embedded NUL character
            is_file = False
        if not is_file:
            try:
                hint = " (it is not a regular file)" if p.exists() else ""
            except (OSError, ValueError):
                hint = ""
            raise SourceNotFoundError(p, hint)
        return _decode(p.read_bytes(), f"source file {str(p)!r}")
    if isinstance(source, str):
        if _looks_like_missing_path(source):
            raise SourceNotFoundError(source, " (read as a path: element-set text has at "
                                              "least two lines)")
        return source
    raise TypeError(f"source must be a path, a file object or text, got {type(source).__name__}")


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of the first 68 characters of a TLE line.

    Parameters
    ----------
    line : str
        A TLE line (the first 68 characters count).

    Returns
    -------
    int
        The digit column 69 must hold, in [0, 9].

    Examples
    --------
    The ISS element set of 2008-09-20 (the example of Kelso's TLE FAQ and of
    Wikipedia's "Two-line element set" page) ends both lines with 7:

    >>> from satcloud.tle import tle_checksum
    >>> tle_checksum("1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927")
    7
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a string (a TLE line), got {line!r:.100}")
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def _check_line(line: str, number: int, expect: str) -> None:
    if len(line) < 69:
        raise TLEError(number, f"line {expect} is too short ({len(line)} characters; TLE "
                               "lines have 69)")
    if line[0] != expect or line[1] != " ":
        raise TLEError(number, f"expected TLE line {expect} (starting '{expect} '), got "
                               f"{line[:10]!r}")
    if not line[68].isdigit():
        raise TLEError(number, f"checksum column 69 is {line[68]!r}, not a digit")
    want = tle_checksum(line)
    if int(line[68]) != want:
        raise TLEError(number, f"checksum mismatch: column 69 says {line[68]}, computed "
                               f"{want}")


# (name, first column, last column) 1-based inclusive, per the NORAD format
_FIELDS_1 = (("epoch", 19, 32), ("first derivative of mean motion", 34, 43),
             ("second derivative of mean motion", 45, 52), ("BSTAR", 54, 61))
_FIELDS_2 = (("inclination", 9, 16), ("RAAN", 18, 25), ("eccentricity", 27, 33),
             ("argument of perigee", 35, 42), ("mean anomaly", 44, 51),
             ("mean motion", 53, 63))
# fields written in the TLE's assumed-decimal exponent form, e.g. " 31745-4" = 0.31745e-4
_EXPONENT_FIELDS = ("second derivative of mean motion", "BSTAR")
_EXPONENT_CHARS = frozenset("0123456789+-. ")
# Satrec attribute -> (TLE line, field name), for the check of the parsed values
_SATREC_FIELDS = (("jdsatepoch", 1, "epoch"), ("jdsatepochF", 1, "epoch"),
                  ("ndot", 1, "first derivative of mean motion"),
                  ("nddot", 1, "second derivative of mean motion"), ("bstar", 1, "BSTAR"),
                  ("inclo", 2, "inclination"), ("nodeo", 2, "RAAN"),
                  ("ecco", 2, "eccentricity"), ("argpo", 2, "argument of perigee"),
                  ("mo", 2, "mean anomaly"), ("no_kozai", 2, "mean motion"))


def _check_fields(line: str, number: int, fields) -> None:
    for name, a, b in fields:
        raw = line[a - 1:b]
        text = raw.strip()
        if name in _EXPONENT_FIELDS:
            if text and (not set(text) <= _EXPONENT_CHARS or not any(c.isdigit()
                                                                      for c in text)):
                raise TLEError(number, f"{name} field (columns {a}-{b}) is {raw!r}, not a "
                                       "number in the assumed-decimal form (e.g. ' 31745-4')")
            continue
        try:
            value = float(("0." + text) if name == "eccentricity" else text)
        except ValueError:
            raise TLEError(number, f"{name} field (columns {a}-{b}) is {raw!r}, "
                                   "not a number") from None
        if not math.isfinite(value) or "_" in text:
            raise TLEError(number, f"{name} field (columns {a}-{b}) is {raw!r}, "
                                   "not a finite number")
    if fields is _FIELDS_1:
        try:
            year, day = int(line[18:20]), float(line[20:32])
        except ValueError:
            raise TLEError(number, f"epoch field (columns 19-32) is {line[18:32]!r}, not "
                                   "YYDDD.DDDDDDDD") from None
        if not 0.0 <= day < 367.0 or year < 0:
            raise TLEError(number, f"epoch day of year {day:g} (columns 21-32) outside "
                                   "[1, 367)")
    if fields is _FIELDS_2:
        inc = float(line[8:16])
        if not 0.0 <= inc <= 180.0:
            raise TLEError(number, f"inclination {inc:g} deg outside [0, 180]")
        if float(line[52:63]) <= 0:
            raise TLEError(number, "mean motion must be > 0 rev/day")


def _check_satrec(sat, line_numbers) -> None:
    """Every element SGP4 read must be finite (a field it misread gives NaN)."""
    for attr, which, name in _SATREC_FIELDS:
        value = getattr(sat, attr)
        if not math.isfinite(value):
            raise TLEError(line_numbers[which - 1], f"{name} field reads as {value!r}, not a "
                                                    "finite number")


def _is_tle_line(line: str, digit: str) -> bool:
    return len(line) >= 2 and line[0] == digit and line[1] == " "


def parse_tle(source, *, errors="raise") -> ParseResult:
    """Parse two- or three-line element sets.

    Parameters
    ----------
    source : str, path-like or file object
        File path or text.
    errors : {"raise", "skip"}
        Raise :class:`TLEError` at the first bad entry (default), or skip bad entries,
        warn, and report them in ``ParseResult.skipped``.

    Returns
    -------
    ParseResult
        ``records``: list of :class:`ElementSet` in file order.

    Raises
    ------
    TLEError
        Wrong checksum, short line, mismatched satellite numbers, line 2 before line 1
        or line 1 not followed by line 2, or a field SGP4 cannot read; the message gives
        the 1-based line number and the reason.

    Examples
    --------
    >>> from satcloud.tle import TLEError, parse_tle
    >>> text = "\\n".join([
    ...     "ISS (ZARYA)",
    ...     "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
    ...     "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"])
    >>> iss = parse_tle(text).records[0]
    >>> iss.name, iss.satrec.satnum, round(float(iss.satrec.inclo), 6)   # 51.6416 deg in rad
    ('ISS (ZARYA)', 25544, 0.901316)

    A wrong checksum is named with its line:

    >>> parse_tle(text.replace("563537", "563538"))
    Traceback (most recent call last):
    ...
    satcloud.tle.TLEError: line 3: checksum mismatch: column 69 says 8, computed 7
    """
    check_choice(errors, "errors", ("raise", "skip"))
    lines = _read(source).splitlines()
    fast = _parse_clean(lines)
    if fast is not None:
        return ParseResult(fast, [])
    records, skipped = [], []
    name = ""
    i = 0
    n = len(lines)

    def fail(number, reason):
        if errors == "raise":
            raise TLEError(number, reason)
        skipped.append((number, reason))

    while i < n:
        raw = lines[i].rstrip()
        num = i + 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            i += 1
            continue
        if _is_tle_line(raw, "2"):
            fail(num, "line 2 without a preceding line 1 (lines out of order)")
            name = ""
            i += 1
            continue
        if not _is_tle_line(raw, "1"):
            # a name line (3LE), possibly "0 NAME"
            name = raw[2:].strip() if raw.startswith("0 ") else raw.strip()
            i += 1
            continue
        # line 1: find the next non-blank line
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        l1 = raw
        if j >= n or not _is_tle_line(lines[j].rstrip(), "2"):
            got = "end of input" if j >= n else repr(lines[j].rstrip()[:20])
            fail(num, f"line 1 is not followed by line 2 (got {got} on line {j + 1}); lines "
                      "missing or out of order")
            name = ""
            i = j if j < n and not _is_tle_line(lines[j].rstrip(), "1") else i + 1
            if j < n and _is_tle_line(lines[j].rstrip(), "1"):
                i = j
            continue
        l2 = lines[j].rstrip()
        try:
            _check_line(l1, num, "1")
            _check_line(l2, j + 1, "2")
            _check_fields(l1, num, _FIELDS_1)
            _check_fields(l2, j + 1, _FIELDS_2)
            if l1[2:7] != l2[2:7]:
                raise TLEError(j + 1, f"satellite number {l2[2:7].strip()!r} on line 2 does "
                                      f"not match {l1[2:7].strip()!r} on line 1 (line {num})")
            try:
                sat = Satrec.twoline2rv(l1[:69], l2[:69])
            except (ValueError, IndexError) as exc:
                raise TLEError(num, f"SGP4 cannot read this element set: {exc}") from exc
            _check_satrec(sat, (num, j + 1))
            if sat.error:
                from sgp4.api import SGP4_ERRORS

                raise TLEError(num, "SGP4 rejects this element set: "
                                    f"{SGP4_ERRORS.get(sat.error, sat.error)}")
        except TLEError as exc:
            fail(exc.line_number, exc.reason)
            name = ""
            i = j + 1
            continue
        records.append(ElementSet(name or l1[2:7].strip(), sat, num, l1[:69], l2[:69],
                                  where=f"line {num}"))
        name = ""
        i = j + 1
    if skipped:
        warnings.warn(f"skipped {len(skipped)} malformed element set(s); first: line "
                      f"{skipped[0][0]}: {skipped[0][1]}", stacklevel=2)
    return ParseResult(records, skipped)


_DIGIT_VALUE = np.zeros(256, np.int64)
_DIGIT_VALUE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10)
_DIGIT_VALUE[ord("-")] = 1
_EXPONENT_BYTES = np.zeros(256, bool)
_EXPONENT_BYTES[np.frombuffer(b"0123456789+-. ", np.uint8)] = True


def _as_bytes(lines) -> np.ndarray | None:
    """[n, 69] uint8 array of TLE lines (first 69 characters), or ``None`` if one is
    shorter or not ASCII."""
    if any(len(x) < 69 for x in lines):
        return None
    try:
        raw = "".join(x[:69] for x in lines).encode("ascii")
    except UnicodeEncodeError:
        return None
    return np.frombuffer(raw, np.uint8).reshape(len(lines), 69)


def _fields_clean(lines, b: np.ndarray, fields) -> bool:
    """The checks of :func:`_check_fields` on every line at once (``b``: the lines as
    a byte array); ``False`` if any line fails one."""
    values = {}
    for name, a, z in fields:
        block = b[:, a - 1:z]
        if (block == ord("_")).any():
            return False
        if name in _EXPONENT_FIELDS:
            if not _EXPONENT_BYTES[block].all():
                return False
            blank = (block == 32).all(axis=1)
            digit = ((block >= 48) & (block <= 57)).any(axis=1)
            if not (blank | digit).all():
                return False
            continue
        prefix = "0." if name == "eccentricity" else ""
        try:
            v = np.array([prefix + line[a - 1:z].strip() for line in lines], dtype=float)
        except ValueError:
            return False
        if not np.isfinite(v).all():
            return False
        values[name] = v
    if fields is _FIELDS_1:
        try:
            year = np.array([line[18:20] for line in lines], dtype=np.int64)
            day = np.array([line[20:32] for line in lines], dtype=float)
        except ValueError:
            return False
        return bool(((day >= 0.0) & (day < 367.0) & (year >= 0)).all())
    inc = values["inclination"]
    return bool(((inc >= 0.0) & (inc <= 180.0) & (values["mean motion"] > 0)).all())


def _parse_clean(lines) -> list | None:
    """Vectorised fast path of :func:`parse_tle` for clean input, or ``None``.

    Returns the records :func:`parse_tle` would return when every non-blank line is a
    name line, a TLE line 1 or the line 2 right after it, every checksum and field
    passes the checks of the line-by-line parser and SGP4 accepts every set; anything
    else returns ``None`` and the line-by-line parser runs (and reports the line).
    The line kinds, satellite numbers, checksums and fields are checked on arrays at
    once; only ``Satrec.twoline2rv`` runs per element set.
    """
    n = len(lines)
    kind = np.zeros(n, np.int8)  # 0 name, 1 line 1, 2 line 2, 3 blank
    for k, line in enumerate(lines):
        if line[:2] == "1 ":
            kind[k] = 1
        elif line[:2] == "2 ":
            kind[k] = 2
        elif not line.strip() or line.lstrip().startswith("#"):
            kind[k] = 3
    if (kind == 3).any() or not (kind == 1).any():
        return None
    i1 = np.flatnonzero(kind == 1)
    i2 = np.flatnonzero(kind == 2)
    if i1.size != i2.size or not np.array_equal(i1 + 1, i2):
        return None
    names_at = np.flatnonzero(kind == 0)
    if names_at.size and (kind[np.minimum(names_at + 1, n - 1)] != 1).any():
        return None  # a name line not followed by a line 1 (or two names in a row)
    l1 = [lines[k].rstrip() for k in i1]
    l2 = [lines[k].rstrip() for k in i2]
    b1, b2 = _as_bytes(l1), _as_bytes(l2)
    if b1 is None or b2 is None:
        return None
    for b in (b1, b2):
        check = b[:, 68]
        if not ((check >= 48) & (check <= 57)).all():
            return None
        if not np.array_equal(_DIGIT_VALUE[b[:, :68]].sum(axis=1) % 10, check - 48):
            return None
        if not (b[:, 1] == 32).all():
            return None
    if not np.array_equal(b1[:, 2:7], b2[:, 2:7]):
        return None
    if not (_fields_clean(l1, b1, _FIELDS_1) and _fields_clean(l2, b2, _FIELDS_2)):
        return None
    try:
        sats = [Satrec.twoline2rv(a[:69], b[:69]) for a, b in zip(l1, l2, strict=True)]
    except (ValueError, IndexError):
        return None
    attrs = np.array([[getattr(sat, a) for a, _, _ in _SATREC_FIELDS] + [sat.error]
                      for sat in sats], dtype=float)
    if not np.isfinite(attrs).all() or attrs[:, -1].any():
        return None
    records = []
    for k, sat in enumerate(sats):
        prev = int(i1[k]) - 1
        name = ""
        if prev >= 0 and kind[prev] == 0:
            raw = lines[prev].rstrip()
            name = raw[2:].strip() if raw.startswith("0 ") else raw.strip()
        records.append(ElementSet(name or l1[k][2:7].strip(), sat, int(i1[k]) + 1,
                                  l1[k][:69], l2[k][:69], where=f"line {int(i1[k]) + 1}"))
    return records


# OMM keywords read as numbers (all must be finite) and as integers
_OMM_FLOATS = ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
               "ARG_OF_PERICENTER", "MEAN_ANOMALY", "BSTAR", "MEAN_MOTION_DOT",
               "MEAN_MOTION_DDOT")
_OMM_INTS = ("NORAD_CAT_ID", "EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH")
# Satrec attribute -> OMM keyword, for the check of the values SGP4 initialised
_SATREC_OMM = (("jdsatepoch", "EPOCH"), ("jdsatepochF", "EPOCH"),
               ("ndot", "MEAN_MOTION_DOT"), ("nddot", "MEAN_MOTION_DDOT"), ("bstar", "BSTAR"),
               ("inclo", "INCLINATION"), ("nodeo", "RA_OF_ASC_NODE"),
               ("ecco", "ECCENTRICITY"), ("argpo", "ARG_OF_PERICENTER"),
               ("mo", "MEAN_ANOMALY"), ("no_kozai", "MEAN_MOTION"))


def _omm_satrec(fields: dict, where: str) -> Satrec:
    from sgp4 import omm

    f = {str(k).strip().upper(): (v.strip() if isinstance(v, str) else v)
         for k, v in fields.items() if k is not None}
    missing = [k for k in _OMM_REQUIRED if f.get(k) is None or f.get(k) == ""]
    if missing:
        raise ValueError(f"{where}: missing OMM field(s) {missing}")
    for k, v in _OMM_DEFAULTS.items():
        if f.get(k) is None or f.get(k) == "":
            f[k] = v
    for k in (*_OMM_FLOATS, *_OMM_INTS, "EPOCH"):
        v = f[k]
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise ValueError(f"{where}: field {k} = {v!r:.60} is not a "
                             f"{'time' if k == 'EPOCH' else 'number'}")
    values = {}
    for k in _OMM_FLOATS:
        try:
            values[k] = float(f[k])
        except (ValueError, OverflowError):
            raise ValueError(f"{where}: field {k} = {f[k]!r:.60} is not a number") from None
        if not math.isfinite(values[k]) or "_" in str(f[k]):
            raise ValueError(f"{where}: field {k} = {f[k]!r:.60} is not a finite number")
    for k in _OMM_INTS:
        try:
            x = float(f[k])
            ok = math.isfinite(x) and x == int(x) and "_" not in str(f[k])
        except (ValueError, OverflowError):
            ok = False
        if not ok:
            raise ValueError(f"{where}: field {k} = {f[k]!r:.60} is not an integer")
        f[k] = str(int(x))
    ep = str(f["EPOCH"]).rstrip("Z")
    if "." not in ep:
        ep += ".000000"
    try:
        _dt.datetime.strptime(ep, "%Y-%m-%dT%H:%M:%S.%f")
    except ValueError:
        raise ValueError(f"{where}: field EPOCH = {f['EPOCH']!r:.60} is not an ISO time "
                         "(YYYY-MM-DDTHH:MM:SS[.ffffff], UTC)") from None
    f["EPOCH"] = ep
    f = {k: str(v) for k, v in f.items()}
    f["OBJECT_ID"] = f["OBJECT_ID"] or "0000-000A"
    if not 0.0 <= values["ECCENTRICITY"] < 1.0:
        raise ValueError(f"{where}: ECCENTRICITY must be in [0, 1), got {f['ECCENTRICITY']}")
    if not 0.0 <= values["INCLINATION"] <= 180.0:
        raise ValueError(f"{where}: INCLINATION must be in [0, 180] deg, got "
                         f"{f['INCLINATION']}")
    if values["MEAN_MOTION"] <= 0:
        raise ValueError(f"{where}: MEAN_MOTION must be > 0 rev/day, got {f['MEAN_MOTION']}")
    sat = Satrec()
    try:
        omm.initialize(sat, f)
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise ValueError(f"{where}: cannot read OMM record: {exc}") from exc
    for attr, key in _SATREC_OMM:
        if not math.isfinite(getattr(sat, attr)):
            raise ValueError(f"{where}: field {key} = {f[key]!r:.60} reads as "
                             f"{getattr(sat, attr)!r}, not a finite number")
    if sat.error:
        from sgp4.api import SGP4_ERRORS

        raise ValueError(f"{where}: SGP4 rejects this element set: "
                         f"{SGP4_ERRORS.get(sat.error, sat.error)}")
    return sat


def _xml_records(text: str):
    """OMM records of an XML document (as ``sgp4.omm.parse_xml``), one dict per
    ``<segment>``, or the reason a segment cannot be read."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        raise TLEError(line, f"not valid XML: {exc}") from None
    out = []
    for segment in root.findall(".//segment"):
        metadata = segment.find("metadata")
        data = segment.find("data")
        parts = [metadata, data, None if data is None else data.find("meanElements"),
                 None if data is None else data.find("tleParameters")]
        names = ("metadata", "data", "data/meanElements", "data/tleParameters")
        lacking = [n for n, e in zip(names, parts, strict=True) if e is None]
        if lacking:
            out.append(f"segment lacks <{'>, <'.join(lacking)}>")
            continue
        fields = {}
        for element in (parts[0], parts[2], parts[3]):
            fields.update((field.tag, field.text) for field in element)
        out.append(fields)
    return out


def _csv_rows(text: str, errors: str, skipped: list):
    """(line number, row) of a CSV text; a malformed line raises (or is skipped)."""
    reader = csv.DictReader(io.StringIO(text.strip("\ufeff")))
    rows = []
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number = max(reader.line_num, before + 1)
            if errors == "raise":
                raise TLEError(number, f"not valid CSV: {exc}") from None
            skipped.append((number, f"not valid CSV: {exc}"))
            if reader.line_num <= before:  # the reader cannot move on
                break
            continue
        rows.append((reader.line_num, row))
    return rows


def parse_omm(source, *, format=None, errors="raise") -> ParseResult:
    """Parse OMM element sets in CelesTrak CSV, JSON or XML form.

    Parameters
    ----------
    source : str, path-like or file object
        File path or text.
    format : {"csv", "json", "xml"}, optional
        Default: the file suffix, else guessed from the first character of the text.
    errors : {"raise", "skip"}
        As in :func:`parse_tle`. ``line_number`` is the file line for CSV and the
        1-based record number for JSON/XML.

    Returns
    -------
    ParseResult
    """
    check_choice(errors, "errors", ("raise", "skip"))
    if format is None and _is_path(source):
        suffix = Path(source).suffix.lower().lstrip(".")
        if suffix in ("csv", "json", "xml"):
            format = suffix
    text = _read(source)
    if format is None:
        head = text.lstrip()[:1]
        format = "json" if head in "[{" else "xml" if head == "<" else "csv"
    check_choice(format, "format", ("csv", "json", "xml"))
    records, skipped = [], []
    what = "line" if format == "csv" else "record"
    if format == "csv":
        rows = _csv_rows(text, errors, skipped)
    elif format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TLEError(exc.lineno, f"not valid JSON: {exc.msg}") from exc
        except RecursionError:
            raise TLEError(1, "not valid OMM JSON: nested too deeply (OMM JSON is a list "
                              "of flat objects)") from None
        data = [data] if isinstance(data, dict) else data
        if not isinstance(data, list):
            raise TLEError(1, "OMM JSON must be a list of objects (or one object), got "
                              f"{type(data).__name__}", "record")
        rows = list(enumerate(data, start=1))
    else:
        rows = list(enumerate(_xml_records(text), start=1))
    for number, row in rows:
        if isinstance(row, str):  # an XML segment that cannot be read
            if errors == "raise":
                raise TLEError(number, row, what)
            skipped.append((number, row))
            continue
        if not isinstance(row, dict):
            reason = f"expected an object of OMM fields, got {type(row).__name__}"
            if errors == "raise":
                raise TLEError(number, reason, what)
            skipped.append((number, reason))
            continue
        try:
            sat = _omm_satrec(row, f"{what} {number}")
        except ValueError as exc:
            reason = str(exc).split(": ", 1)[-1]
            if errors == "raise":
                raise TLEError(number, reason, what) from exc
            skipped.append((number, reason))
            continue
        name = str(row.get("OBJECT_NAME") or row.get("NORAD_CAT_ID"))
        records.append(ElementSet(name, sat, number, fields=dict(row),
                                  where=f"{what} {number}"))
    if skipped:
        warnings.warn(f"skipped {len(skipped)} malformed OMM record(s); first: {what} "
                      f"{skipped[0][0]}: {skipped[0][1]}", stacklevel=2)
    return ParseResult(records, skipped)
