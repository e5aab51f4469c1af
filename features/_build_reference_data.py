"""Convert the reference data in ``/work/shared/data`` into the compact files in ``features/data``.

Run from the repository root::

    python -m features._build_reference_data --source /work/shared/data

What it writes (all gzip-compressed JSON, see ``features/data/README.md`` for sources/licences):

- ``esco_occupations.json.gz``  ESCO v1.2.0 occupations, nl + en labels, alt labels, descriptions.
- ``esco_skills.json.gz``       ESCO skills: every skill of the v1.1.1 file plus the skills that
  only the v1.2.0 relations name; en labels for all, nl labels where the partial nl file has them.
- ``esco_relations.json.gz``    essential/optional skills per occupation, as integer indices into
  the skill rows (the label columns of the source are dropped).
- ``isco_groups.json.gz``       ISCO-08 group labels (nl + en) from ESCO's ISCO groups.
- ``cbs_isco_skill_levels.json.gz``  ISCO-08 skill level (beroepsniveau, 1-4) per unit group from
  the CBS BRC 2014 table; 0 (unknown) and 7 (the "Onbekend" row 9999) become null.
- ``pc4_centroids.json.gz``     one centroid per 4-digit postcode (duplicates merged).
- ``manifest.json``             format version, sha256, row counts, source and version per file;
  the loaders refuse files whose checksum does not match.

The output is deterministic: rows are sorted, JSON keys are sorted and gzip headers carry no
file name and mtime 0, so rebuilding from the same sources gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMAT_VERSION", "build", "main"]

FORMAT_VERSION = 1
OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"
SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_VERSION = "ESCO v1.2.0"
_ESCO_LICENCE = "ESCO, © European Union, reuse under Commission Decision 2011/833/EU"
_DATA_DIR = Path(__file__).resolve().parent / "data"

# Some ESCO fields are long; the stdlib default (128 KiB) is enough, but be explicit.
csv.field_size_limit(10_000_000)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV file (plain or ``.gz``) as dicts of stripped strings."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {key: (value or "").strip() for key, value in row.items()}


def _split(value: str, separator: str) -> list[str]:
    """Split a multi-valued label field, dropping blanks and repeats, keeping the source order."""
    seen: dict[str, None] = {}
    for part in value.split(separator):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _strip_prefix(uri: str, prefix: str) -> str:
    if not uri.startswith(prefix):
        raise ValueError(f"unexpected URI {uri!r}: does not start with {prefix!r}")
    return uri[len(prefix) :]


def _write_json_gz(path: Path, payload: Any) -> bytes:
    """Write ``payload`` as gzip-compressed JSON, byte-for-byte reproducible; return the bytes."""
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything that varies between builds.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


def _occupations(esco: Path) -> list[list[Any]]:
    """Rows ``[id, isco_group, label_nl, label_en, alt_nl, alt_en, desc_nl, desc_en]``."""
    english = {row["conceptUri"]: row for row in _rows(esco / "occupations_en.csv")}
    rows: list[list[Any]] = []
    for nl in _rows(esco / "occupations_nl.csv"):
        en = english.pop(nl["conceptUri"])
        if nl["iscoGroup"] != en["iscoGroup"]:
            raise ValueError(f"{nl['conceptUri']}: ISCO group differs between nl and en")
        rows.append(
            [
                _strip_prefix(nl["conceptUri"], OCCUPATION_PREFIX),
                nl["iscoGroup"].zfill(4),
                nl["preferredLabel"],
                en["preferredLabel"],
                _split(nl["altLabels"], "\n"),
                _split(en["altLabels"], "\n"),
                nl["description"],
                en["description"],
            ]
        )
    if english:
        raise ValueError(f"{len(english)} occupations only in occupations_en.csv")
    rows.sort(key=lambda row: row[0])
    return rows


def _relations(esco: Path) -> list[dict[str, str]]:
    """The v1.2.0 relation rows that name a skill URI (the source has 2 unresolved rows)."""
    return [
        row for row in _rows(esco / "occupation_skill_relations_v1.2.0.csv.gz") if row["skillUri"]
    ]


def _skills(
    esco: Path, relations: list[dict[str, str]]
) -> tuple[list[list[Any]], list[str], list[str]]:
    """Rows ``[id, label_en, label_nl|None, alt_en, alt_nl, type_index, reuse_index]`` plus the
    skill-type and reuse-level vocabularies the indices point into.

    The v1.1.1 file is authoritative for English labels, type and reuse level; the partial Dutch
    file adds Dutch labels and fills type/reuse where v1.1.1 leaves them blank or lacks the skill.
    Skills that only the v1.2.0 relations name get their English label from the relations file.
    """
    dutch = {row["conceptUri"]: row for row in _rows(esco / "skills_nl_partial.csv.gz")}
    skills: dict[str, dict[str, Any]] = {}
    for row in _rows(esco / "skills_en_v1.1.1.csv.gz"):
        skills[row["conceptUri"]] = {
            "label_en": row["preferredLabel"],
            "alt_en": _split(row["altLabels"], "\n"),
            "type": row["skillType"],
            "reuse": row["reuseLevel"],
        }
    for row in relations:
        if row["skillUri"] not in skills:
            skills[row["skillUri"]] = {
                "label_en": row["skillLabel_en"],
                "alt_en": [],
                "type": row["skillType_v1_1_1"],
                "reuse": "",
            }
    rows = []
    for uri, skill in skills.items():
        nl = dutch.get(uri)
        if nl is not None:
            skill["type"] = skill["type"] or nl["skillType"]
            skill["reuse"] = skill["reuse"] or nl["reuseLevel"]
        rows.append(
            [
                _strip_prefix(uri, SKILL_PREFIX),
                skill["label_en"],
                nl["preferredLabel_nl"] if nl is not None else None,
                skill["alt_en"],
                _split(nl["altLabels_nl"], "|") if nl is not None else [],
                skill["type"],
                skill["reuse"],
            ]
        )
    rows.sort(key=lambda row: row[0])
    types = sorted({row[5] for row in rows})
    reuses = sorted({row[6] for row in rows})
    for skill_row in rows:
        skill_row[5] = types.index(skill_row[5])
        skill_row[6] = reuses.index(skill_row[6])
    return rows, types, reuses


def _relation_lists(
    relations: list[dict[str, str]], occupations: list[list[Any]], skills: list[list[Any]]
) -> tuple[list[list[int]], list[list[int]], int]:
    """Per occupation row: sorted skill indices that are essential, and that are optional.

    A pair the source lists as both essential and optional (17 pairs) is kept as essential only.
    Returns the two lists and the number of dropped duplicate optional pairs.
    """
    occupation_index = {row[0]: i for i, row in enumerate(occupations)}
    skill_index = {row[0]: i for i, row in enumerate(skills)}
    essential: list[set[int]] = [set() for _ in occupations]
    optional: list[set[int]] = [set() for _ in occupations]
    for row in relations:
        occ = occupation_index[_strip_prefix(row["occupationUri"], OCCUPATION_PREFIX)]
        skill = skill_index[_strip_prefix(row["skillUri"], SKILL_PREFIX)]
        if row["relationType"] == "essential":
            essential[occ].add(skill)
        elif row["relationType"] == "optional":
            optional[occ].add(skill)
        else:
            raise ValueError(f"unknown relationType {row['relationType']!r}")
    dropped = 0
    for ess, opt in zip(essential, optional, strict=True):
        dropped += len(ess & opt)
        opt -= ess
    return [sorted(s) for s in essential], [sorted(s) for s in optional], dropped


def _isco_groups(esco: Path) -> dict[str, list[str]]:
    """ISCO-08 code (1-4 digits) -> ``[label_nl, label_en]`` from ESCO's ISCO groups."""
    english = {row["code"]: row["preferredLabel"] for row in _rows(esco / "ISCOGroups_en.csv")}
    labels = {}
    for row in _rows(esco / "ISCOGroups_nl.csv"):
        labels[row["code"]] = [row["preferredLabel"], english.pop(row["code"])]
    if english:
        raise ValueError(f"{len(english)} ISCO groups only in ISCOGroups_en.csv")
    return labels


def _skill_levels(isco: Path) -> dict[str, list[Any]]:
    """ISCO-08 unit group -> ``[skill level 1..4 or None, CBS Dutch label]`` (BRC 2014)."""
    levels = {}
    for row in _rows(isco / "brc2014_isco2008_unitgroups_with_isco_skill_level.csv"):
        level = int(row["ISCO2008niveau"])
        levels[row["ISCO2008unitgroup"].zfill(4)] = [
            level if 1 <= level <= 4 else None,
            row["ISCO2008unitgrouplabel"],
        ]
    return levels


def _pick(counter: Counter[str], order: list[str], prefer: str | None = None) -> str:
    """The most frequent value; ties go to ``prefer`` when it is among them, else to the first
    value in file order."""
    best = max(counter.values())
    tied = [value for value in order if counter[value] == best]
    return prefer if prefer in tied else tied[0]


def _pc4_centroids(geo: Path) -> tuple[list[list[Any]], int]:
    """Rows ``[pc4, lat, lon, place, municipality, province]``, one per distinct PC4.

    GeoNames lists some PC4 areas once per place in them. We average the coordinates, take the
    most frequent municipality (ties: first in file order), the most frequent province among that
    municipality's rows, and the most frequent place among them (ties: the place named like the
    municipality, else the first), so place, municipality and province always belong together.
    """
    groups: dict[str, list[dict[str, str]]] = {}
    total = 0
    for row in _rows(geo / "pc4_centroids_geonames.csv"):
        if row["country_code"] != "NL":
            raise ValueError(f"unexpected country {row['country_code']!r}")
        groups.setdefault(row["postal_code"], []).append(row)
        total += 1
    rows = []
    for pc4 in sorted(groups):
        members = groups[pc4]
        municipalities = [row["admin_name2"] for row in members]
        municipality = _pick(Counter(municipalities), municipalities)
        own = [row for row in members if row["admin_name2"] == municipality]
        provinces = [row["admin_name1"] for row in own]
        places = [row["place_name"] for row in own]
        lat = sum(float(row["latitude"]) for row in members) / len(members)
        lon = sum(float(row["longitude"]) for row in members) / len(members)
        rows.append(
            [
                pc4,
                round(lat, 5),
                round(lon, 5),
                _pick(Counter(places), places, prefer=municipality),
                municipality,
                _pick(Counter(provinces), provinces),
            ]
        )
    return rows, total


def build(source: Path, out: Path = _DATA_DIR) -> dict[str, Any]:
    """Convert ``source`` (the shared data folder) into ``out``; return the manifest written."""
    esco, isco, geo = source / "esco", source / "isco", source / "geo"
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}

    def write(
        name: str, payload: Any, rows: int, source_text: str, version: str, licence: str
    ) -> None:
        data = _write_json_gz(out / name, payload)
        files[name] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "rows": rows,
            "source": source_text,
            "version": version,
            "licence": licence,
        }

    occupations = _occupations(esco)
    relations = _relations(esco)
    skills, types, reuses = _skills(esco, relations)
    essential, optional, dropped = _relation_lists(relations, occupations, skills)

    write(
        "esco_occupations.json.gz",
        {
            "version": ESCO_VERSION,
            "uri_prefix": OCCUPATION_PREFIX,
            "columns": [
                "id",
                "isco_group",
                "label_nl",
                "label_en",
                "alt_labels_nl",
                "alt_labels_en",
                "description_nl",
                "description_en",
            ],
            "rows": occupations,
        },
        len(occupations),
        "esco/occupations_nl.csv + esco/occupations_en.csv",
        ESCO_VERSION,
        _ESCO_LICENCE,
    )
    write(
        "esco_skills.json.gz",
        {
            "version": ESCO_VERSION,
            "uri_prefix": SKILL_PREFIX,
            "columns": [
                "id",
                "label_en",
                "label_nl",
                "alt_labels_en",
                "alt_labels_nl",
                "skill_type",
                "reuse_level",
            ],
            "skill_types": types,
            "reuse_levels": reuses,
            "rows": skills,
        },
        len(skills),
        "esco/skills_en_v1.1.1.csv.gz + esco/skills_nl_partial.csv.gz "
        "+ skills named only in esco/occupation_skill_relations_v1.2.0.csv.gz",
        "ESCO v1.1.1 labels (en), mixed v1.0.3-v1.2.x (nl), v1.2.0 skill set",
        _ESCO_LICENCE,
    )
    n_essential = sum(map(len, essential))
    n_optional = sum(map(len, optional))
    write(
        "esco_relations.json.gz",
        {
            "version": ESCO_VERSION,
            "note": "essential[i]/optional[i]: skill row indices for occupation row i",
            "essential": essential,
            "optional": optional,
        },
        n_essential + n_optional,
        "esco/occupation_skill_relations_v1.2.0.csv.gz",
        ESCO_VERSION,
        _ESCO_LICENCE,
    )
    groups = _isco_groups(esco)
    write(
        "isco_groups.json.gz",
        {"version": ESCO_VERSION, "columns": ["label_nl", "label_en"], "groups": groups},
        len(groups),
        "esco/ISCOGroups_nl.csv + esco/ISCOGroups_en.csv",
        ESCO_VERSION,
        _ESCO_LICENCE,
    )
    levels = _skill_levels(isco)
    write(
        "cbs_isco_skill_levels.json.gz",
        {"version": "CBS BRC 2014", "columns": ["skill_level", "label_nl"], "unit_groups": levels},
        len(levels),
        "isco/brc2014_isco2008_unitgroups_with_isco_skill_level.csv",
        "CBS Beroepenindeling ROA-CBS 2014 (BRC 2014)",
        "CC BY 4.0, Bron: CBS",
    )
    centroids, raw_rows = _pc4_centroids(geo)
    write(
        "pc4_centroids.json.gz",
        {
            "version": "GeoNames NL postal codes (2017 municipal boundaries)",
            "columns": ["pc4", "lat", "lon", "place", "municipality", "province"],
            "rows": centroids,
        },
        len(centroids),
        "geo/pc4_centroids_geonames.csv",
        "GeoNames NL postal codes (2017 municipal boundaries)",
        "CC BY 4.0, Postcode locations © GeoNames (geonames.org)",
    )
    stats = {
        "occupations": len(occupations),
        "skills": len(skills),
        "skills_with_nl_label": sum(row[2] is not None for row in skills),
        "relations_essential": n_essential,
        "relations_optional": n_optional,
        "relations_dropped_optional_also_essential": dropped,
        "isco_groups": len(groups),
        "isco_unit_levels": len(levels),
        "pc4_source_rows": raw_rows,
        "pc4": len(centroids),
    }
    manifest = {"format_version": FORMAT_VERSION, "files": files, "stats": stats}
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints what it wrote."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=_DATA_DIR, help="default: features/data")
    args = parser.parse_args(argv)
    manifest = build(args.source, args.out)
    for name, info in sorted(manifest["files"].items()):
        print(
            f"{name:34} {info['bytes']:>9,} bytes  {info['rows']:>7,} rows  {info['sha256'][:12]}"
        )
    for key, value in manifest["stats"].items():
        print(f"{key:44} {value:>7,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
