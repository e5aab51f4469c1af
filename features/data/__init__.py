"""Reference data shipped with werkmatch, converted from public sources (see ``README.md`` here).

Files are gzip-compressed JSON written by ``python -m features._build_reference_data``; each is
listed in ``manifest.json`` with its sha256. :func:`read_json` checks the format version and the
checksum before it parses anything, so an altered or half-copied file fails loudly
(:class:`~features.errors.ArtifactError`) instead of giving wrong matches.

:data:`ATTRIBUTION` is the text the licences ask us to show; ``werkmatch about`` prints it and the
repository's ``NOTICE`` file holds the same lines.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from features.errors import ArtifactError

__all__ = ["ATTRIBUTION", "FORMAT_VERSION", "read_json"]

#: The manifest format this code reads; bump it with the converter when the layout changes.
FORMAT_VERSION = 1

ATTRIBUTION = """\
werkmatch ships reference data made by others:

ESCO (European Skills, Competences, Qualifications and Occupations), v1.2.0 occupations and
ISCO-08 groups, v1.1.1 skills (Dutch skill labels from ESCO v1.0.3-v1.2.x):
  This service uses the ESCO classification of the European Commission.
  © European Union, reuse authorised under Commission Decision 2011/833/EU.

ISCO-08 skill levels per unit group, from the CBS Beroepenindeling ROA-CBS 2014 (BRC 2014):
  Bron: CBS. Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).

Dutch 4-digit postcode centroids, places and municipalities, from the GeoNames postal code dump:
  Postcode locations © GeoNames (geonames.org), CC BY 4.0.

The data were converted (columns selected, compressed, duplicate postcodes merged); they are
not endorsed by their makers.
"""


@cache
def _manifest() -> dict[str, Any]:
    try:
        text = resources.files(__name__).joinpath("manifest.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise ArtifactError(f"shipped reference data: manifest.json is missing ({exc})") from exc
    manifest: dict[str, Any] = json.loads(text)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"shipped reference data has format version {manifest.get('format_version')!r}; "
            f"this werkmatch reads version {FORMAT_VERSION}. Rebuild it with "
            "`python -m features._build_reference_data`."
        )
    return manifest


def read_json(name: str) -> Any:
    """Parse the shipped file ``name`` (e.g. ``"esco_skills.json.gz"``) after checking its sha256.

    Raises :class:`~features.errors.ArtifactError` when the file is missing, not in the manifest,
    or does not match its recorded checksum.
    """
    entry = _manifest()["files"].get(name)
    if entry is None:
        raise ArtifactError(f"shipped reference data: {name} is not listed in manifest.json")
    try:
        data = resources.files(__name__).joinpath(name).read_bytes()
    except OSError as exc:
        raise ArtifactError(f"shipped reference data: {name} is missing ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ArtifactError(
            f"shipped reference data: {name} does not match its checksum in manifest.json; "
            "it was altered or copied incompletely"
        )
    return json.loads(gzip.decompress(data))
