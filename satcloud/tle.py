"""TLE and OMM parsing with line-precise errors, through ``sgp4``.

Two-line element sets follow the NORAD format (CelesTrak, "FAQs: Two-Line Element Set
Format"; Vallado et al. 2006): 69-character lines, line 1 and line 2 carrying the same
satellite number, a modulo-10 checksum in column 69 (digits count their value, ``-``
counts 1, everything else 0). Names may precede an element set as a plain line or as
``0 NAME`` (Space-Track 3LE). Blank lines and lines starting with ``#`` are ignored.

OMM (CCSDS 502.0-B-2 Orbit Mean-Elements Message) is read in the three forms CelesTrak
serves: CSV (a header row of OMM keywords), JSON (a list of objects with the same
keywords) and XML (``sgp4.omm.parse_xml``); each record becomes a ``Satrec`` through
``sgp4.omm.initialize``.

Every malformed entry raises :class:`TLEError` (a ``ValueError``) naming the line (or
record) and the reason. With ``errors="skip"`` the bad entries are dropped, listed in
the result's ``skipped`` as ``(line_number, reason)``, and a warning says how many.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from sgp4.api import Satrec

from satcloud._validate import check_choice

__all__ = ["ElementSet", "ParseResult", "TLEError", "parse_omm", "parse_tle", "tle_checksum"]

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


@dataclass
class ParseResult:
    """Parsed element sets and the entries skipped as ``(line_number, reason)``."""

    records: list
    skipped: list

    def __len__(self):
        return len(self.records)


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
    except OSError:
        return False


def _read(source) -> str:
    if hasattr(source, "read"):
        data = source.read()
        return data.decode("utf-8") if isinstance(data, bytes) else data
    if isinstance(source, bytes):
        return source.decode("utf-8")
    if isinstance(source, os.PathLike) or _is_path(source):
        p = Path(source)
        if not p.is_file():
            raise FileNotFoundError(f"no such file: {p}")
        return p.read_text(encoding="utf-8")
    if isinstance(source, str):
        return source
    raise TypeError(f"source must be a path, a file object or text, got {type(source).__name__}")


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of the first 68 characters of a TLE line."""
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
_FIELDS_1 = (("epoch", 19, 32), ("first derivative of mean motion", 34, 43))
_FIELDS_2 = (("inclination", 9, 16), ("RAAN", 18, 25), ("eccentricity", 27, 33),
             ("argument of perigee", 35, 42), ("mean anomaly", 44, 51),
             ("mean motion", 53, 63))


def _check_fields(line: str, number: int, fields) -> None:
    for name, a, b in fields:
        text = line[a - 1:b].strip()
        try:
            float(("0." + text) if name == "eccentricity" else text)
        except ValueError:
            raise TLEError(number, f"{name} field (columns {a}-{b}) is {line[a - 1:b]!r}, "
                                   "not a number") from None
    if fields is _FIELDS_2:
        inc = float(line[8:16])
        if not 0.0 <= inc <= 180.0:
            raise TLEError(number, f"inclination {inc:g} deg outside [0, 180]")
        if float(line[52:63]) <= 0:
            raise TLEError(number, "mean motion must be > 0 rev/day")


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
    """
    check_choice(errors, "errors", ("raise", "skip"))
    lines = _read(source).splitlines()
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
            if sat.error:
                from sgp4.api import SGP4_ERRORS

                raise TLEError(num, "SGP4 rejects this element set: "
                                    f"{SGP4_ERRORS.get(sat.error, sat.error)}")
        except TLEError as exc:
            fail(exc.line_number, exc.reason)
            name = ""
            i = j + 1
            continue
        records.append(ElementSet(name or l1[2:7].strip(), sat, num, l1[:69], l2[:69]))
        name = ""
        i = j + 1
    if skipped:
        warnings.warn(f"skipped {len(skipped)} malformed element set(s); first: line "
                      f"{skipped[0][0]}: {skipped[0][1]}", stacklevel=2)
    return ParseResult(records, skipped)


def _omm_satrec(fields: dict, where: str) -> Satrec:
    from sgp4 import omm

    f = {k.strip().upper(): (v.strip() if isinstance(v, str) else v)
         for k, v in fields.items() if k is not None}
    missing = [k for k in _OMM_REQUIRED if f.get(k) in (None, "")]
    if missing:
        raise ValueError(f"{where}: missing OMM field(s) {missing}")
    for k, v in _OMM_DEFAULTS.items():
        if f.get(k) in (None, ""):
            f[k] = v
    ep = str(f["EPOCH"]).rstrip("Z")
    if "." not in ep:
        ep += ".000000"
    f["EPOCH"] = ep
    f = {k: str(v) for k, v in f.items()}
    f["OBJECT_ID"] = f["OBJECT_ID"] or "0000-000A"
    for k in ("ECCENTRICITY", "MEAN_MOTION"):
        try:
            float(f[k])
        except ValueError as exc:
            raise ValueError(f"{where}: field {k} = {f[k]!r} is not a number") from exc
    if not 0.0 <= float(f["ECCENTRICITY"]) < 1.0:
        raise ValueError(f"{where}: ECCENTRICITY must be in [0, 1), got {f['ECCENTRICITY']}")
    if not 0.0 <= float(f["INCLINATION"]) <= 180.0:
        raise ValueError(f"{where}: INCLINATION must be in [0, 180] deg, got "
                         f"{f['INCLINATION']}")
    if float(f["MEAN_MOTION"]) <= 0:
        raise ValueError(f"{where}: MEAN_MOTION must be > 0 rev/day, got {f['MEAN_MOTION']}")
    sat = Satrec()
    try:
        omm.initialize(sat, f)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{where}: cannot read OMM record: {exc}") from exc
    if sat.error:
        from sgp4.api import SGP4_ERRORS

        raise ValueError(f"{where}: SGP4 rejects this element set: "
                         f"{SGP4_ERRORS.get(sat.error, sat.error)}")
    return sat


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
        reader = csv.DictReader(io.StringIO(text.strip("\ufeff")))
        rows = [(reader.line_num, row) for row in reader]
    elif format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TLEError(exc.lineno, f"not valid JSON: {exc.msg}") from exc
        data = [data] if isinstance(data, dict) else data
        rows = list(enumerate(data, start=1))
    else:
        from sgp4 import omm

        rows = list(enumerate(omm.parse_xml(io.StringIO(text)), start=1))
    for number, row in rows:
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
        records.append(ElementSet(name, sat, number, fields=dict(row)))
    if skipped:
        warnings.warn(f"skipped {len(skipped)} malformed OMM record(s); first: {what} "
                      f"{skipped[0][0]}: {skipped[0][1]}", stacklevel=2)
    return ParseResult(records, skipped)
