"""Small text helpers shared by occupation linking and skill normalisation.

Job titles and skills arrive as people type them: mixed case, accents or not, punctuation,
Dutch gender markers such as ``(m/v)`` or ``m/v/x`` (man/vrouw/x), double spaces. These helpers
reduce such variants to one comparable form; they never translate or stem.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "normalise_title", "strip_gender"]

_NON_WORD = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")
# Gender markers in Dutch job ads: (m/v), m/v/x, (v/m/x), (m/v/d), h/v ... and "hij/zij".
_GENDER = re.compile(r"\(?\b(?:[mvhdx]\s*/\s*){1,3}[mvhdx]\b\)?|\bhij\s*/\s*zij\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: ``"Crème-Brûlée!"`` →
    ``"creme brulee"``."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text).replace("_", " ")).strip()


def strip_gender(text: str) -> str:
    """``text`` without Dutch gender markers, otherwise unchanged: ``"Kok (m/v)"`` → ``"Kok"``."""
    return _SPACES.sub(" ", _GENDER.sub(" ", text)).strip()


def normalise_title(text: str) -> str:
    """A job title in folded form without gender markers: ``"Orderpicker (m/v)"`` →
    ``"orderpicker"``."""
    return fold(_GENDER.sub(" ", text))
