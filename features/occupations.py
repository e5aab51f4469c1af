"""Link a free-text job title to ESCO occupations, Dutch or English, typos included.

People write "heftruckchauffeur", "medewerker schoonmaak", "orderpikker" or "verzorgende IG";
the taxonomy knows occupations by a preferred label and many alternative labels in Dutch and
English. :class:`OccupationLinker` ranks occupations for a title by combining three signals,
each taken per occupation as the best of its labels:

* **lexical** — cosine of character 2–4-gram TF-IDF vectors (word-boundary aware), which
  tolerates typos, missing spaces and Dutch compounds;
* **fuzzy** — RapidFuzz edit-distance ratio to the closest label (typos in short titles);
* **semantic** — cosine of e5 sentence embeddings (synonyms: "cv monteur" ↔ "verwarmingsmonteur");
  only when an encoder is given;

plus an **exact** flag when the folded title equals a label. The signals are combined by a
logistic model whose weights were fitted on a development set built from the taxonomy
(held-out alternative labels and misspellings; see ``bench/bench_linking.py``), so ``score`` is
in 0..1 and reads as "how likely this is the intended occupation".

Label embeddings are computed once per (taxonomy, model) and kept in ``cache_dir`` (by default
the encoder's own cache folder next to the model), so a warm link takes milliseconds.

>>> linker = OccupationLinker(load_taxonomy())            # doctest: +SKIP
>>> linker.link("heftruck chauffeur", top=1)              # doctest: +SKIP
[OccupationMatch(uri='http://data.europa.eu/esco/occupation/eeac6251-...',
                 label='heftruckchauffeur', score=0.99)]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from features._text import fold, normalise_title, strip_gender
from features.embedding import Encoder, embed_with_cache, is_e5
from features.taxonomy import Occupation, Taxonomy

__all__ = [
    "FEATURE_NAMES",
    "HYBRID_WEIGHTS",
    "LEXICAL_WEIGHTS",
    "LinkCandidate",
    "LinkWeights",
    "OccupationLinker",
    "OccupationMatch",
]

logger = logging.getLogger(__name__)

FEATURE_NAMES = (
    "lexical",
    "fuzzy",
    "semantic",
    "lexical_pref",
    "semantic_pref",
    "exact_pref",
)


@dataclass(frozen=True, slots=True)
class OccupationMatch:
    """One ranked occupation for a title; ``label`` is its Dutch preferred label."""

    uri: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    """An occupation with the evidence behind its score (for explanations and tuning).

    Signals are the best over the occupation's labels unless named ``*_pref`` (its Dutch
    preferred label only, which separates occupations that share an alternative label).
    """

    uri: str
    label: str
    score: float
    lexical: float  # best TF-IDF cosine over the occupation's labels
    fuzzy: float  # best RapidFuzz ratio / 100
    semantic: float  # best embedding cosine (0 without an encoder)
    lexical_pref: float  # TF-IDF cosine to the preferred label
    semantic_pref: float  # embedding cosine to the preferred label (0 without an encoder)
    exact_pref: float  # 1.0 when the folded title is the preferred label
    exact: bool  # the folded title equals one of its labels
    best_label: str  # the label that matched best (lexically, or semantically without overlap)

    def features(self) -> tuple[float, ...]:
        """The signals in :data:`FEATURE_NAMES` order."""
        return (
            self.lexical,
            self.fuzzy,
            self.semantic,
            self.lexical_pref,
            self.semantic_pref,
            self.exact_pref,
        )


@dataclass(frozen=True, slots=True)
class LinkWeights:
    """Logistic combination: ``score = sigmoid(bias + Σ weight · signal)``."""

    lexical: float
    fuzzy: float
    semantic: float
    lexical_pref: float
    semantic_pref: float
    exact_pref: float
    bias: float

    def vector(self) -> np.ndarray:
        """The weights in :data:`FEATURE_NAMES` order."""
        return np.array([getattr(self, name) for name in FEATURE_NAMES], dtype=np.float64)

    def combine(self, signals: np.ndarray) -> np.ndarray:
        """Scores in 0..1 for an ``(n, 6)`` array of signals in :data:`FEATURE_NAMES` order."""
        return 1.0 / (1.0 + np.exp(-(signals @ self.vector() + self.bias)))


# Fitted on the development split by bench/bench_linking.py --fit (never on the test split):
# pairwise logistic regression for the ranking, then a logistic calibration of the score.
HYBRID_WEIGHTS = LinkWeights(
    lexical=4.98,
    fuzzy=1.25,
    semantic=26.48,
    lexical_pref=0.27,
    semantic_pref=19.6,
    exact_pref=-1.28,  # an exact preferred label already scores 1 on four other signals
    bias=-49.28,
)
LEXICAL_WEIGHTS = LinkWeights(
    lexical=8.02,
    fuzzy=4.08,
    semantic=0.0,
    lexical_pref=2.89,
    semantic_pref=0.0,
    exact_pref=-1.02,
    bias=-11.89,
)

_KIND_PRIORITY = {"pref_nl": 0, "alt_nl": 1, "pref_en": 2, "alt_en": 3}
# Labels the encoder sees. English alternative labels (over half of all labels) are left to the
# lexical side: they barely help Dutch titles and would double the semantic search time.
_SEMANTIC_KINDS = frozenset({"pref_nl", "alt_nl", "pref_en"})


def _label_variants(label: str) -> list[str]:
    """The label plus its halves when it joins two forms with a slash.

    ``"ober/serveerster"`` → ober, serveerster; ``"leraar/lerares lager onderwijs"`` → leraar
    lager onderwijs, lerares lager onderwijs; ``"hoofd QA/QC"`` → hoofd QA, hoofd QC.
    """
    variants = [label]
    if label.count("/") != 1:
        return variants
    left, right = (part.strip() for part in label.split("/"))
    if len(left) < 2 or len(right) < 2:
        return variants
    left_words, right_words = left.split(), right.split()
    if (len(left_words) > 1) == (len(right_words) > 1):
        variants += [left, right]
    elif len(left_words) == 1:  # "leraar/lerares lager onderwijs"
        variants += [" ".join([left, *right_words[1:]]), right]
    else:  # "hoofd QA/QC"
        variants += [left, " ".join([*left_words[:-1], right])]
    return variants


@dataclass
class _LabelIndex:
    """All labels, grouped by occupation (contiguous), with their lexical matrix."""

    occupations: list[Occupation]
    texts: list[str]  # label as written (semantic side)
    folded: list[str]  # folded form (lexical side)
    starts: np.ndarray  # first label of each occupation (for reduceat)
    semantic: np.ndarray  # indices of the labels the encoder sees (each group's first included)
    exact: dict[str, list[int]]  # folded label -> occupation indices
    vectorizer: TfidfVectorizer
    postings: sparse.csr_matrix  # (n_grams, n_labels): TF-IDF transposed, for fast queries


def _build_index(taxonomy: Taxonomy) -> _LabelIndex:
    occupations = [occ for occ in taxonomy.occupations()]
    texts: list[str] = []
    folded: list[str] = []
    starts: list[int] = []
    semantic: list[int] = []
    exact: dict[str, list[int]] = {}
    for i, occ in enumerate(occupations):
        starts.append(len(texts))
        seen: set[str] = set()
        sources = (
            [("pref_nl", occ.label_nl)]
            + [("alt_nl", a) for a in occ.alt_labels_nl]
            + [("pref_en", occ.label_en)]
            + [("alt_en", a) for a in occ.alt_labels_en]
        )
        for kind, label in sorted(sources, key=lambda kl: _KIND_PRIORITY[kl[0]]):
            for variant in _label_variants(label):
                key = normalise_title(variant)
                if not key or key in seen:
                    continue
                seen.add(key)
                if kind in _SEMANTIC_KINDS or len(texts) == starts[-1]:
                    semantic.append(len(texts))
                texts.append(variant.strip())
                folded.append(key)
                exact.setdefault(key, []).append(i)
        if len(texts) == starts[-1]:  # an occupation without any usable label keeps its URI
            semantic.append(len(texts))
            texts.append(occ.uri)
            folded.append(fold(occ.uri))
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
    )
    matrix = vectorizer.fit_transform(folded)
    return _LabelIndex(
        occupations=occupations,
        texts=texts,
        folded=folded,
        starts=np.asarray(starts, dtype=np.int64),
        semantic=np.asarray(semantic, dtype=np.int64),
        exact=exact,
        vectorizer=vectorizer,
        postings=sparse.csr_matrix(matrix.T),
    )


class OccupationLinker:
    """Ranks ESCO occupations for free-text job titles (see the module docstring).

    ``encoder=None`` gives lexical-only linking (no model needed). ``weights`` default to
    :data:`HYBRID_WEIGHTS` for the e5 model and :data:`LEXICAL_WEIGHTS` otherwise (an encoder
    the weights were not fitted on is not used). ``cache_dir`` keeps the label embeddings between
    runs; it defaults to the encoder's ``cache_dir`` when it has one.
    ``shortlist`` is how many occupations per signal are scored in full.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        encoder: Encoder | None = None,
        *,
        weights: LinkWeights | None = None,
        cache_dir: Path | None = None,
        shortlist: int = 60,
    ) -> None:
        started = time.perf_counter()
        self.taxonomy = taxonomy
        self.encoder = encoder
        if weights is None:
            # the hybrid weights were fitted on e5 cosines; another encoder (e.g. the hashing
            # one) would be mis-weighted, so it only links lexically unless weights are given
            weights = HYBRID_WEIGHTS if encoder is not None and is_e5(encoder) else LEXICAL_WEIGHTS
        self.weights = weights
        self.shortlist = shortlist
        self._index = _build_index(taxonomy)
        self._label_vectors: np.ndarray | None = None
        if encoder is not None and (weights.semantic or weights.semantic_pref):
            directory = cache_dir if cache_dir is not None else getattr(encoder, "cache_dir", None)
            self._label_vectors = self._embed_labels(encoder, directory)
        logger.info(
            "occupation linker ready: %d occupations, %d labels, %s, %.1f s",
            len(self._index.occupations),
            len(self._index.texts),
            "hybrid" if self._label_vectors is not None else "lexical only",
            time.perf_counter() - started,
        )

    # -- public API ----------------------------------------------------------------------------
    def link(self, title: str, *, top: int = 10) -> list[OccupationMatch]:
        """The ``top`` likeliest occupations for ``title``, best first (none for a blank title)."""
        return [
            OccupationMatch(uri=c.uri, label=c.label, score=c.score)
            for c in self.candidates(title, top=top)
        ]

    def link_many(self, titles: Sequence[str], *, top: int = 10) -> list[list[OccupationMatch]]:
        """:meth:`link` for each title; the titles are embedded in one batch."""
        vectors = self._encode_queries(titles)
        return [
            [
                OccupationMatch(uri=c.uri, label=c.label, score=c.score)
                for c in self._candidates(title, None if vectors is None else vectors[i], top=top)
            ]
            for i, title in enumerate(titles)
        ]

    def candidates(self, title: str, *, top: int | None = 10) -> list[LinkCandidate]:
        """Like :meth:`link`, with the signals behind each score; ``top=None`` returns every
        shortlisted occupation (for evaluation: the shortlist does not depend on the weights)."""
        vectors = self._encode_queries([title])
        return self._candidates(title, None if vectors is None else vectors[0], top=top)

    def candidates_many(
        self, titles: Sequence[str], *, top: int | None = 10
    ) -> list[list[LinkCandidate]]:
        """:meth:`candidates` for each title, embedded in one batch."""
        vectors = self._encode_queries(titles)
        return [
            self._candidates(title, None if vectors is None else vectors[i], top=top)
            for i, title in enumerate(titles)
        ]

    @property
    def label_count(self) -> int:
        """Number of distinct labels (with slash variants) the linker searches."""
        return len(self._index.texts)

    def __repr__(self) -> str:
        mode = "hybrid" if self._label_vectors is not None else "lexical"
        return (
            f"OccupationLinker({len(self._index.occupations)} occupations, "
            f"{self.label_count} labels, {mode})"
        )

    # -- scoring -------------------------------------------------------------------------------
    def _encode_queries(self, titles: Sequence[str]) -> np.ndarray | None:
        if self.encoder is None or self._label_vectors is None:
            return None
        return self.encoder.encode([_semantic_form(t) for t in titles])

    def _candidates(
        self, title: str, vector: np.ndarray | None, *, top: int | None
    ) -> list[LinkCandidate]:
        index = self._index
        query = normalise_title(title)
        if not query or (top is not None and top <= 0) or not index.occupations:
            return []
        n_occ = len(index.occupations)

        q = index.vectorizer.transform([query])
        label_lex = np.asarray((q @ index.postings).todense()).ravel()
        occ_lex = np.maximum.reduceat(label_lex, index.starts) if label_lex.size else label_lex
        exact = np.zeros(n_occ, dtype=np.float64)
        exact[index.exact.get(query, [])] = 1.0

        keep = self.shortlist if top is None else max(self.shortlist, top)
        pools = [_top_indices(occ_lex, keep), np.flatnonzero(exact)]
        label_sem = None
        occ_sem = np.zeros(n_occ, dtype=np.float32)
        if vector is not None and self._label_vectors is not None:
            label_sem = np.full(len(index.texts), -1.0, dtype=np.float32)
            label_sem[index.semantic] = self._label_vectors @ vector.astype(np.float32)
            occ_sem = np.maximum.reduceat(label_sem, index.starts)
            pools.append(_top_indices(occ_sem, keep))
        chosen = np.unique(np.concatenate(pools))
        if chosen.size == 0:
            return []

        # fuzzy ratio only for the shortlisted occupations' labels
        ends = np.append(index.starts[1:], len(index.texts))
        label_ids = np.concatenate([np.arange(index.starts[o], ends[o]) for o in chosen])
        ratios = (
            process.cdist(
                [query], [index.folded[i] for i in label_ids], scorer=fuzz.ratio, workers=1
            )[0].astype(np.float64)
            / 100.0
        )
        group_starts = np.concatenate(([0], np.cumsum(ends[chosen] - index.starts[chosen])[:-1]))
        occ_fuzzy = np.maximum.reduceat(ratios, group_starts)

        prefs = index.starts[chosen]  # the Dutch preferred label leads each group
        signals = np.column_stack(
            [
                occ_lex[chosen],
                occ_fuzzy,
                occ_sem[chosen],
                label_lex[prefs],
                label_sem[prefs] if label_sem is not None else np.zeros(chosen.size),
                [1.0 if index.folded[p] == query else 0.0 for p in prefs],
            ]
        ).astype(np.float64)
        scores = self.weights.combine(signals)
        order = np.lexsort((chosen, -scores))  # ties broken by taxonomy order
        if top is not None:
            order = order[:top]
        result = []
        for j in order:
            o = chosen[j]
            occ = index.occupations[o]
            span = np.arange(index.starts[o], ends[o])
            best = span[np.argmax(label_lex[span])]
            if label_lex[best] <= 0 and label_sem is not None:
                best = span[np.argmax(label_sem[span])]
            result.append(
                LinkCandidate(
                    uri=occ.uri,
                    label=occ.label_nl or occ.label_en,
                    score=round(float(scores[j]), 4),
                    lexical=float(signals[j, 0]),
                    fuzzy=float(signals[j, 1]),
                    semantic=float(signals[j, 2]),
                    lexical_pref=float(signals[j, 3]),
                    semantic_pref=float(signals[j, 4]),
                    exact_pref=float(signals[j, 5]),
                    exact=bool(exact[o]),
                    best_label=index.texts[best],
                )
            )
        return result

    # -- label embeddings ----------------------------------------------------------------------
    def _embed_labels(self, encoder: Encoder, directory: Path | None) -> np.ndarray:
        texts = [_semantic_form(self._index.texts[i]) for i in self._index.semantic]
        version = "".join(ch if ch.isalnum() else "-" for ch in self.taxonomy.version)
        return embed_with_cache(
            encoder, texts, cache_dir=directory, name=f"occupation-labels-{version}"
        )


def _semantic_form(text: str) -> str:
    """What the encoder sees: lower case without gender markers, accents kept."""
    return " ".join(strip_gender(text).lower().split())


def _top_indices(values: np.ndarray, k: int) -> np.ndarray:
    if values.size <= k:
        return np.flatnonzero(values > 0) if values.size else np.zeros(0, dtype=np.int64)
    part = np.argpartition(-values, k)[:k]
    return part[values[part] > 0]
