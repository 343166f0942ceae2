"""Normalisation of patent application and publication numbers.

Every patent is keyed by its normalised publication number, so the same document written as
"CN 108982325 A", "cn108982325a" or a CNKI URL fragment lands on one record. Chinese application
numbers carry a check digit (GB/T, mod 11) which is verified, so a mistyped number is reported
instead of silently creating a second patent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


class InvalidNumber(ValueError):
    """A number that cannot be a valid patent number; the message says why."""


# Kind codes of CNIPA publications: A application, B granted invention, C old grant (pre-2007),
# U/Y utility model (Y before 2007), S/D design.
CN_KIND_DOC_TYPE = {
    "A": "invention",
    "B": "invention",
    "C": "invention",
    "U": "utility_model",
    "Y": "utility_model",
    "S": "design",
    "D": "design",
}
CN_APPLICATION_TYPE_DOC_TYPE = {"1": "invention", "8": "invention", "2": "utility_model", "9": "utility_model", "3": "design"}
GRANT_KINDS_CN = {"B", "C", "U", "Y", "S", "D"}


@dataclass(frozen=True)
class PublicationNumber:
    country: str
    serial: str  # without country and kind, e.g. "108982325", "D656296", "20130014305"
    kind: str | None = None

    @property
    def base(self) -> str:
        """Country and serial without kind: links a family's A and B publications and citations."""
        return f"{self.country}{self.serial}"

    @property
    def key(self) -> str:
        return f"{self.country}{self.serial}{self.kind or ''}"

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class ApplicationNumber:
    country: str
    serial: str
    check: str | None = None  # CN check digit, "0"-"9" or "X"

    @property
    def key(self) -> str:
        return f"{self.country}{self.serial}" + (f".{self.check}" if self.check else "")

    def __str__(self) -> str:
        return self.key


_SEPARATORS = re.compile(r"[\s,/\-_]")


def _clean(raw: str) -> str:
    # NFKC leaves ASCII as it is: skip it for the usual number (an import cleans every cited number too).
    text = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).upper().strip()
    # ZL is the prefix CNIPA prints on granted patent certificates.
    if text.startswith("ZL"):
        text = "CN" + text[2:]
    return _SEPARATORS.sub("", text)


def cn_check_digit(digits: str) -> str:
    """Check digit of a CN application number (8 digits before 2003, 12 since): weights 2..9 cycling, mod 11."""
    if not digits.isdigit() or len(digits) not in (8, 12):
        raise InvalidNumber(f"a CN application number has 8 or 12 digits before its check digit, got {digits!r}")
    weights = [2, 3, 4, 5, 6, 7, 8, 9]
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


_CN_APP = re.compile(r"^(?:CN)?(\d{8}|\d{12})\.?([\dX])?$")
_US_APP = re.compile(r"^(?:US)?(\d{2})(\d{6})$")


def parse_application_number(raw: str, country: str | None = None) -> ApplicationNumber:
    text = _clean(raw)
    if not text:
        raise InvalidNumber("empty application number")
    country = (country or "").upper() or None
    if text.startswith("CN") or country == "CN" or (country is None and _plausible_cn_application(text)):
        return _parse_cn_application(raw, text)
    if text.startswith("US") or country == "US":
        match = _US_APP.match(text.removeprefix("US"))
        if not match:
            raise InvalidNumber(f"{raw!r} is not a US application number (series code + 6 digits)")
        return ApplicationNumber("US", match.group(1) + match.group(2))
    match = re.match(r"^([A-Z]{2})([0-9A-Z.]+)$", text)
    if match:
        return ApplicationNumber(match.group(1), match.group(2).replace(".", ""))
    if country:
        return ApplicationNumber(country, text.replace(".", ""))
    raise InvalidNumber(f"{raw!r}: cannot tell the country of this application number")


def _plausible_cn_application(text: str) -> bool:
    match = _CN_APP.match(text)
    if not match:
        return False
    digits = match.group(1)
    if len(digits) == 12:
        return 1985 <= int(digits[:4]) <= 2100 and digits[4] in CN_APPLICATION_TYPE_DOC_TYPE
    # Pre-2003 form: two-digit year 85-03, then the type digit.
    return (int(digits[:2]) >= 85 or int(digits[:2]) <= 3) and digits[2] in CN_APPLICATION_TYPE_DOC_TYPE


def _parse_cn_application(raw: str, text: str) -> ApplicationNumber:
    match = _CN_APP.match(text)
    if not match:
        raise InvalidNumber(f"{raw!r} is not a CN application number (8 or 12 digits and a check digit)")
    digits, given = match.group(1), match.group(2)
    if len(digits) == 12 and not 1985 <= int(digits[:4]) <= 2100:
        raise InvalidNumber(f"{raw!r}: filing year {digits[:4]} is not plausible")
    expected = cn_check_digit(digits)
    if given is not None and given != expected:
        raise InvalidNumber(f"{raw!r}: check digit is {given}, expected {expected}")
    return ApplicationNumber("CN", digits, expected)


_CN_PUB = re.compile(r"^(?:CN)?(\d{7,9})([ABCUYSD]\d?)?$")
_US_PUB = re.compile(r"^(?:US)?(RE|PP|D|H|T|X|AI)?0*(\d{1,11})([A-Z]\d?)?$")
_US_SERIES_PREFIX = re.compile(r"^(RE|PP|AI)\d")
_OTHER_PUB = re.compile(r"^([A-Z]{2})(\d[0-9A-Z]*?)([A-Z]\d?)?$")


def parse_publication_number(raw: str, country: str | None = None) -> PublicationNumber:
    text = _clean(raw)
    text = text.replace(".", "")
    if not text:
        raise InvalidNumber("empty publication number")
    country = (country or "").upper() or None
    prefix = text[:2] if text[:2].isalpha() else None
    if country == "US" and _US_SERIES_PREFIX.match(text):
        prefix = None  # a US series prefix, not a country code
    target = prefix or country
    if target == "CN":
        return _parse_cn_publication(raw, text)
    if target == "US":
        return _parse_us_publication(raw, text)
    match = _OTHER_PUB.match(text)
    if match:
        return PublicationNumber(match.group(1), match.group(2), match.group(3))
    if target is None:
        raise InvalidNumber(f"{raw!r}: cannot tell the country of this publication number")
    match = re.match(r"^(\d[0-9A-Z]*?)([A-Z]\d?)?$", text)
    if not match:
        raise InvalidNumber(f"{raw!r} is not a publication number")
    return PublicationNumber(target, match.group(1), match.group(2))


def _parse_cn_publication(raw: str, text: str) -> PublicationNumber:
    match = _CN_PUB.match(text)
    if not match:
        raise InvalidNumber(f"{raw!r} is not a CN publication number (7-9 digits and kind A/B/C/U/Y/S/D)")
    kind = match.group(2)
    return PublicationNumber("CN", match.group(1), kind[0] if kind else None)


def _parse_us_publication(raw: str, text: str) -> PublicationNumber:
    match = _US_PUB.match(text)
    if not match:
        raise InvalidNumber(f"{raw!r} is not a US publication number")
    series, digits, kind = match.group(1) or "", match.group(2), match.group(3)
    if not series and len(digits) == 11:
        return PublicationNumber("US", digits, kind)  # pre-grant publication YYYYNNNNNNN
    if not series and len(digits) == 10 and digits.startswith("20"):
        # Short form "2013/012345" (docdb style, one digit dropped): widen to the 11-digit form.
        return PublicationNumber("US", digits[:4] + "0" + digits[4:], kind)
    if len(digits) > 8:
        raise InvalidNumber(f"{raw!r}: a US patent number has at most 8 digits")
    return PublicationNumber("US", series + digits, kind)


def doc_type_from_kind(country: str | None, kind: str | None, serial: str | None = None) -> str | None:
    """Document type (invention / utility_model / design …) implied by a number, when it says so."""
    if country == "CN" and kind:
        return CN_KIND_DOC_TYPE.get(kind[0])
    if country == "US" and serial:
        if serial.startswith("D"):
            return "design"
        if serial.startswith("PP"):
            return "plant"
        if serial.startswith("RE"):
            return "reissue"
        return "invention"
    return None


def doc_type_from_cn_application(app: ApplicationNumber) -> str | None:
    if app.country != "CN":
        return None
    type_digit = app.serial[4] if len(app.serial) == 12 else app.serial[2]
    return CN_APPLICATION_TYPE_DOC_TYPE.get(type_digit)
