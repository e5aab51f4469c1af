"""Checks on identifiers: pseudonymous ids must not be BSNs, postcodes must be Dutch."""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})?$")
_FORBIDDEN_PC6_LETTERS = {"SA", "SD", "SS"}


def looks_like_bsn(value: str) -> bool:
    """True when ``value`` is nine digits passing the BSN 11-test (elfproef).

    Municipal exports sometimes carry the citizen service number where a pseudonymous client
    number belongs; werkmatch must never store one.
    """
    digits = value.strip()
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def normalise_postcode(value: str) -> str:
    """Canonical form of a Dutch postcode: ``"9712"`` (PC4) or ``"9712AB"`` (PC6).

    Raises ``ValueError`` with a reason a data steward understands.
    """
    match = _POSTCODE.match(value.strip())
    if not match:
        raise ValueError(
            f"{value!r} is not a Dutch postcode; expected four digits (9712) "
            "or four digits and two letters (9712 AB)"
        )
    digits, letters = match.group(1), (match.group(2) or "").upper()
    if letters in _FORBIDDEN_PC6_LETTERS:
        raise ValueError(f"{value!r} is not a valid Dutch postcode: letters {letters} are not used")
    return digits + letters
