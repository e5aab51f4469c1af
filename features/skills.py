"""Map free-text skills to ESCO skill URIs, Dutch or English, keeping what cannot be mapped.

Candidates and vacancies list skills as people write them ("heftruckcertificaat",
"klantvriendelijk", "Excel", "communicatie vaardigheden"). :class:`SkillNormaliser` tries, in order:

1. ``"uri"`` — the text is an ESCO skill URI the taxonomy knows (confidence 1);
2. ``"exact"`` — the folded text equals a preferred or alternative label, Dutch or English
   (confidence 1 for a preferred label, 0.95 for an alternative label, 0.9 when several skills
   share the label; the preferred-label owner wins);
3. ``"fuzzy"`` — RapidFuzz ``token_sort_ratio`` ≥ ``fuzzy_cutoff`` against the labels (typos and
   word order; confidence = ratio / 100 × 0.9, so below any exact match);
4. ``"semantic"`` — with an encoder: the skill whose label embedding is closest, when the
   calibrated confidence reaches ``semantic_cutoff``; this is how Dutch text reaches the
   skills that only have English labels;
5. ``"none"`` — nothing matched well enough: the text is kept (``uri=None``) and still counts
   as a free-text skill further on. Nothing is ever dropped.

e5 cosines are compressed ("zie cv" is 0.88 from its nearest skill label, a right match 0.92 to
1.0), so the raw cosine is no confidence. The semantic confidence is a logistic calibration of
the cosine and its margin over the runner-up, fitted on the development set in
``bench/bench_linking.py``; ``semantic_cutoff`` applies to that confidence. At the default 0.80
about 92% of semantic matches were right on the development data, at 0.6 about 88% (with twice
as many matches).

>>> normaliser = SkillNormaliser(load_taxonomy())                 # doctest: +SKIP
>>> normaliser.normalise("heftruks bedienen")                     # doctest: +SKIP
SkillMatch(text='heftruks bedienen', uri='http://data.europa.eu/esco/skill/28cb374e-...',
           label='heftrucks bedienen', confidence=0.8743, method='fuzzy')
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from features._text import fold
from features.embedding import Encoder, embed_with_cache, is_e5
from features.taxonomy import Skill, Taxonomy

__all__ = ["METHODS", "SEMANTIC_CALIBRATION", "SkillMatch", "SkillNormaliser"]

logger = logging.getLogger(__name__)

METHODS = ("uri", "exact", "fuzzy", "semantic", "none")

_EXACT_CONFIDENCE = {"pref": 1.0, "alt": 0.95, "shared": 0.9}
_FUZZY_SCALE = 0.9
_MIN_FUZZY_LENGTH = 4  # shorter texts ("C", "SQL") only match exactly
# Semantic confidence = sigmoid(A * cosine + B * margin + C), fitted by bench/bench_linking.py
# --fit on the DEV split's texts that reach this step (held-out Dutch alternative labels, labels
# of skills removed from the index, misspellings, junk phrases).
SEMANTIC_CALIBRATION = (27.6, 49.2, -27.3)


@dataclass(frozen=True, slots=True)
class SkillMatch:
    """A free-text skill and the ESCO skill it was mapped to (if any)."""

    text: str  # the candidate's/vacancy's own phrase
    uri: str | None  # ESCO skill URI, None when nothing matched (the text is still used)
    label: str | None  # ESCO label (nl where available)
    confidence: float  # 0..1
    method: str  # "uri" | "exact" | "fuzzy" | "semantic" | "none"


class SkillNormaliser:
    """Free-text skills → :class:`SkillMatch` (see the module docstring for the steps).

    Results are memoised per distinct text, so normalising the same phrase for thousands of
    records costs one lookup. ``cache_dir`` keeps the label embeddings between runs (defaults to
    the encoder's own cache folder). ``calibration`` ``(a, b, c)`` turns a cosine and its margin
    over the runner-up into a confidence, ``sigmoid(a·cos + b·margin + c)``; it defaults to
    :data:`SEMANTIC_CALIBRATION` for the e5 model, and without one the semantic step is skipped.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        encoder: Encoder | None = None,
        *,
        fuzzy_cutoff: float = 88.0,
        semantic_cutoff: float = 0.80,
        cache_dir: Path | None = None,
        calibration: tuple[float, float, float] | None = None,
    ) -> None:
        if not 0.0 <= fuzzy_cutoff <= 100.0:
            raise ValueError(f"fuzzy_cutoff must be within 0..100, not {fuzzy_cutoff}")
        if not 0.0 <= semantic_cutoff <= 1.0:
            raise ValueError(f"semantic_cutoff must be within 0..1, not {semantic_cutoff}")
        started = time.perf_counter()
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.fuzzy_cutoff = fuzzy_cutoff
        self.semantic_cutoff = semantic_cutoff
        self._skills: list[Skill] = list(taxonomy.skills())
        self._uri_index = {skill.uri: i for i, skill in enumerate(self._skills)}
        self._memo: dict[str, SkillMatch] = {}

        # exact: folded label -> (rank, skill index); lower rank wins (pref before alt, nl first)
        exact: dict[str, list[tuple[int, int]]] = {}
        for i, skill in enumerate(self._skills):
            for rank, labels in enumerate(
                (
                    (skill.label_nl or "",),
                    (skill.label_en,),
                    skill.alt_labels_nl,
                    skill.alt_labels_en,
                )
            ):
                for label in labels:
                    key = fold(label)
                    if key:
                        exact.setdefault(key, []).append((0 if rank < 2 else 1, i))
        self._exact = exact
        # fuzzy: token_sort_ratio is the plain ratio of the word-sorted strings, so the labels are
        # word-sorted once; sorted by length, a query only meets labels whose length allows the
        # cutoff (ratio ≥ c needs min/max length ≥ c / (200 - c)).
        by_sorted: dict[str, str] = {}
        for key in sorted(exact):
            by_sorted.setdefault(_sort_words(key), key)
        self._fuzzy_keys = sorted(by_sorted, key=lambda k: (len(k), k))
        self._fuzzy_labels = [by_sorted[k] for k in self._fuzzy_keys]
        self._fuzzy_lengths = np.array([len(k) for k in self._fuzzy_keys])

        # semantic: Dutch and English preferred labels plus Dutch alternatives, grouped by skill
        # The calibration was fitted on e5 cosines; with another encoder (e.g. the hashing one)
        # the semantic step is left out unless the caller gives a calibration for it.
        if calibration is None and encoder is not None and is_e5(encoder):
            calibration = SEMANTIC_CALIBRATION
        self.calibration = calibration
        self._label_vectors: np.ndarray | None = None
        if encoder is not None and calibration is not None:
            texts, owners = [], []
            for i, skill in enumerate(self._skills):
                seen = set()
                for label in (skill.label_nl or "", skill.label_en, *skill.alt_labels_nl):
                    key = label.strip().lower()
                    if key and key not in seen:
                        seen.add(key)
                        texts.append(key)
                        owners.append(i)
            self._label_owner = np.asarray(owners, dtype=np.int64)
            directory = cache_dir if cache_dir is not None else getattr(encoder, "cache_dir", None)
            version = "".join(ch if ch.isalnum() else "-" for ch in taxonomy.version)
            self._label_vectors = embed_with_cache(
                encoder, texts, cache_dir=directory, name=f"skill-labels-{version}"
            )
        logger.info(
            "skill normaliser ready: %d skills, %d labels, %s, %.1f s",
            len(self._skills),
            len(exact),
            "with semantic matching" if self._label_vectors is not None else "no semantic matching",
            time.perf_counter() - started,
        )

    def __repr__(self) -> str:
        semantic = "semantic" if self._label_vectors is not None else "no semantic"
        return f"SkillNormaliser({len(self._skills)} skills, {len(self._exact)} labels, {semantic})"

    # -- public API ----------------------------------------------------------------------------
    def normalise(self, text: str) -> SkillMatch:
        """The ESCO skill for one phrase; ``method="none"`` (and the text kept) when unsure."""
        return self.normalise_many([text])[0]

    def normalise_many(self, texts: Sequence[str]) -> list[SkillMatch]:
        """:meth:`normalise` for each text; texts needing the model are embedded in one batch."""
        pending: dict[str, None] = {}
        for text in texts:
            if text not in self._memo:
                match = self._without_model(text)
                if match is not None:
                    self._memo[text] = match
                else:
                    pending[text] = None
        if pending:
            for text, match in zip(pending, self._semantic(list(pending)), strict=True):
                self._memo[text] = match
        return [self._memo[text] for text in texts]

    # -- steps ---------------------------------------------------------------------------------
    def _match(self, text: str, index: int, confidence: float, method: str) -> SkillMatch:
        skill = self._skills[index]
        return SkillMatch(text, skill.uri, skill.label("nl"), round(confidence, 4), method)

    def _without_model(self, text: str) -> SkillMatch | None:
        """uri, exact or fuzzy match; ``None`` when the semantic step should decide."""
        stripped = text.strip()
        if not stripped:
            return SkillMatch(text, None, None, 0.0, "none")
        if stripped in self._uri_index:
            return self._match(text, self._uri_index[stripped], 1.0, "uri")
        key = fold(stripped)
        if not key:
            return SkillMatch(text, None, None, 0.0, "none")
        owners = self._exact.get(key)
        if owners:
            rank, index = min(owners)
            tied = {i for r, i in owners if r == rank}
            kind = "shared" if len(tied) > 1 else ("pref" if rank == 0 else "alt")
            return self._match(text, index, _EXACT_CONFIDENCE[kind], "exact")
        if len(key) >= _MIN_FUZZY_LENGTH:
            found = self._fuzzy(text, key)
            if found is not None:
                return found
        if self._label_vectors is None:
            return SkillMatch(text, None, None, 0.0, "none")
        return None

    def _fuzzy(self, text: str, key: str) -> SkillMatch | None:
        cutoff = self.fuzzy_cutoff
        query = _sort_words(key)
        n = len(query)
        lo = math.floor(n * cutoff / (200.0 - cutoff))
        hi = math.ceil(n * (200.0 - cutoff) / cutoff)
        start = int(np.searchsorted(self._fuzzy_lengths, lo, side="left"))
        stop = int(np.searchsorted(self._fuzzy_lengths, hi, side="right"))
        if start >= stop:
            return None
        found = process.extractOne(
            query, self._fuzzy_keys[start:stop], scorer=fuzz.ratio, score_cutoff=cutoff
        )
        if found is None:
            return None
        _sorted, ratio, position = found
        _rank, index = min(self._exact[self._fuzzy_labels[start + position]])
        return self._match(text, index, ratio / 100.0 * _FUZZY_SCALE, "fuzzy")

    def nearest(self, texts: Sequence[str]) -> list[tuple[str, float, float]]:
        """For each text, the semantically closest skill: ``(uri, cosine, margin)``, where
        ``margin`` is how much closer it is than the closest other skill. Needs the encoder."""
        if self.encoder is None or self._label_vectors is None:
            raise ValueError("semantic matching is off (no encoder or no calibration)")
        queries = self.encoder.encode([" ".join(t.lower().split()) for t in texts])
        similarities = queries @ self._label_vectors.T
        result = []
        for row in similarities:
            best = int(np.argmax(row))
            owner = int(self._label_owner[best])
            others = row[self._label_owner != owner]
            margin = float(row[best] - others.max()) if others.size else float(row[best])
            result.append((self._skills[owner].uri, float(row[best]), margin))
        return result

    def _semantic(self, texts: list[str]) -> list[SkillMatch]:
        assert self.calibration is not None
        a, b, c = self.calibration
        results = []
        for text, (uri, cosine, margin) in zip(texts, self.nearest(texts), strict=True):
            confidence = 1.0 / (1.0 + math.exp(-(a * cosine + b * margin + c)))
            if confidence >= self.semantic_cutoff:
                results.append(self._match(text, self._uri_index[uri], confidence, "semantic"))
            else:
                results.append(SkillMatch(text, None, None, 0.0, "none"))
        return results


def _sort_words(text: str) -> str:
    return " ".join(sorted(text.split()))
