"""The Matcher: the one object the service talks to.

It holds the prepared population (profiles in columnar tables), the fitted pair features, the
scorer and the retrieval indexes, and answers:

- :meth:`Matcher.shortlist`: the best candidates for a vacancy;
- :meth:`Matcher.recommend`: the best open vacancies for a candidate;
- :meth:`Matcher.employers`: employers worth approaching for a candidate, with or without an
  open vacancy (the hidden job market);
- :meth:`Matcher.career_paths`: occupations within reach and the skills still missing.

Every answer runs the same steps: knock-outs over the whole pool (counted per reason), retrieval
of the part worth scoring (all of it below ``exact_below`` eligible rows), pair features, the
scorer, and explanations for the top ``top_k``. Records change through
:meth:`Matcher.upsert_candidate` and :meth:`Matcher.upsert_vacancy` without a rebuild. Methods
are thread-safe (one lock), so one Matcher can serve a web application.

>>> matcher = Matcher.build(candidates=cs, vacancies=vs, employers=es, taxonomy=load_taxonomy(),
...                         postcodes=load_postcodes(), encoder=HashingEncoder())  # doctest: +SKIP
>>> matcher.shortlist("V-1", top_k=10).matches[0].explanation.text_nl  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from features.embedding import Encoder
from features.errors import UnknownEntityError
from features.pair_features import (
    FEATURE_NAMES,
    TRANSPORT_MODES,
    CandidateTable,
    PairBatch,
    PairFeatures,
    VacancyTable,
    new_vocabularies,
)
from features.postcodes import Postcodes
from features.profiles import ProfileBuilder
from features.records import Candidate, Employer, Outcome, Vacancy
from features.taxonomy import Taxonomy
from features.travel import CentroidTravelModel, TravelTimeModel
from features.vocabulary import OutcomeStatus, TransportMode
from matching.explanations import describe_travel, explain_pair
from matching.knockouts import NONE, REASONS, count_exclusions, knockout_reasons
from matching.results import (
    CandidateMatch,
    CareerPath,
    EmployerSuggestion,
    Explanation,
    PairAssessment,
    Recommendations,
    Shortlist,
    VacancyMatch,
)
from matching.retrieval import VectorIndex, retrieval_vectors
from matching.scoring import ColdStartScorer, Scorer

__all__ = ["EMPLOYER_WEIGHTS", "Matcher", "RetrievalSettings"]

logger = logging.getLogger(__name__)

EMPLOYER_WEIGHTS: dict[str, float] = {"vacancies": 0.55, "hires": 0.25, "sector": 0.20}
"""How an employer suggestion is scored: the best fitting vacancy it ever had (open or closed,
scored like a recommendation), how alike the people it hired before are (same ISCO unit group 1,
minor group 0.5), and how much of its sector's work is work the candidate did or wants."""


@dataclass(frozen=True, slots=True)
class RetrievalSettings:
    """When to stop scoring everyone: above ``exact_below`` eligible rows only the ``retrieve``
    rows nearest to the query (by retrieval vector) are scored; ``index_exact_below`` is where
    the vector index itself switches from brute force to IVF lists."""

    exact_below: int = 20_000
    retrieve: int = 2_000
    index_exact_below: int = 50_000
    n_probe: int = 24


class Matcher:
    """Shortlists, recommendations, employer suggestions and career paths (module docstring).

    Build with :meth:`build`; the constructor takes already prepared parts.
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        builder: ProfileBuilder,
        candidates: CandidateTable,
        vacancies: VacancyTable,
        employers: Iterable[Employer],
        outcomes: Iterable[Outcome],
        features: PairFeatures,
        scorer: Scorer,
        today: dt.date,
        retrieval: RetrievalSettings,
    ) -> None:
        self.taxonomy = taxonomy
        self.builder = builder
        self.candidates = candidates
        self.vacancies = vacancies
        self.employer_records = {e.id: e for e in employers}
        self.outcomes = list(outcomes)
        self.features = features
        self.scorer = scorer
        self.today = today
        self.retrieval = retrieval
        unknown = [n for n in scorer.feature_names if n not in FEATURE_NAMES]
        if unknown:
            raise ValueError(f"scorer {scorer.name} uses unknown features: {unknown}")
        self._columns = np.array([FEATURE_NAMES.index(n) for n in scorer.feature_names])
        self._lock = threading.RLock()
        self._candidate_index = self._index(candidates)
        self._vacancy_index = self._index(vacancies)
        self._skill_matrix: tuple[sparse.csr_matrix, list[str], dict[str, int]] | None = None
        self._hired: dict[str, set[str]] | None = None
        self._employer_places: dict[str, int] = {}

    def _index(self, table: CandidateTable | VacancyTable) -> VectorIndex:
        index = VectorIndex(
            exact_below=self.retrieval.index_exact_below, n_probe=self.retrieval.n_probe
        )
        return index.build(retrieval_vectors(table, np.arange(len(table), dtype=np.intp)))

    @classmethod
    def build(
        cls,
        *,
        candidates: Iterable[Candidate],
        vacancies: Iterable[Vacancy],
        employers: Iterable[Employer],
        outcomes: Iterable[Outcome] = (),
        taxonomy: Taxonomy,
        postcodes: Postcodes,
        encoder: Encoder,
        scorer: Scorer | None = None,
        travel: TravelTimeModel | None = None,
        today: dt.date | None = None,
        retrieval: RetrievalSettings | None = None,
        features: PairFeatures | None = None,
        builder: ProfileBuilder | None = None,
    ) -> Matcher:
        """Prepare every record: profiles, tables, fitted features and retrieval indexes.

        ``encoder`` is wrapped in a :class:`~features.embedding.CachedEncoder` (unless it is
        one); ``travel`` defaults to the centroid model over ``postcodes``; ``today`` (default:
        the date today) decides which vacancies are open and how recent experience is.
        """
        started = time.perf_counter()
        today = today or dt.date.today()
        travel_model = travel if travel is not None else CentroidTravelModel(postcodes)
        builder = builder or ProfileBuilder(taxonomy, encoder)
        vocab = new_vocabularies(builder.encoder)
        candidate_table = CandidateTable(vocab, travel_model, today=today)
        vacancy_table = VacancyTable(vocab, travel_model)
        candidate_table.add(builder.candidates(candidates))
        vacancy_table.add(builder.vacancies(vacancies))
        fitted = (features or PairFeatures()).fit(
            PairBatch.of(candidate_table, vacancy_table, [], [])
        )
        matcher = cls(
            taxonomy=taxonomy,
            builder=builder,
            candidates=candidate_table,
            vacancies=vacancy_table,
            employers=employers,
            outcomes=outcomes,
            features=fitted,
            scorer=scorer or ColdStartScorer(),
            today=today,
            retrieval=retrieval or RetrievalSettings(),
        )
        logger.info(
            "matcher ready: %d candidates, %d vacancies in %.1f s",
            len(candidate_table),
            len(vacancy_table),
            time.perf_counter() - started,
        )
        return matcher

    # -- lookups ---------------------------------------------------------------------------------

    def _candidate_row(self, candidate_id: str) -> int:
        row = self.candidates.row_of.get(candidate_id)
        if row is None:
            raise UnknownEntityError(f"unknown candidate {candidate_id!r}")
        return row

    def _vacancy_row(self, vacancy_id: str) -> int:
        row = self.vacancies.row_of.get(vacancy_id)
        if row is None:
            raise UnknownEntityError(f"unknown vacancy {vacancy_id!r}")
        return row

    def _open_rows(self) -> NDArray[np.intp]:
        closes = self.vacancies.open_until
        still_open = np.isnan(closes) | (closes >= self.today.toordinal())
        return np.flatnonzero(self.vacancies.active & still_open)

    def open_vacancy_ids(self) -> list[str]:
        """Ids of the vacancies open today (``open_until`` today or later, or not set), sorted."""
        with self._lock:
            return sorted(self.vacancies.ids[r] for r in self._open_rows())

    # -- scoring pipeline ----------------------------------------------------------------------

    def _features(self, batch: PairBatch) -> NDArray[np.float64]:
        return self.features.transform(batch)[:, self._columns]

    def use_scorer(self, scorer: Scorer) -> None:
        """Score with ``scorer`` from the next query on (the service swaps in a newly activated
        ranking model this way). A scorer with ``for_direction(direction)`` (a trained ranking
        model) ranks recommendations with its ``"recommend"`` ranker."""
        unknown = [n for n in scorer.feature_names if n not in FEATURE_NAMES]
        if unknown:
            raise ValueError(f"scorer {scorer.name} uses unknown features: {unknown}")
        columns = np.array([FEATURE_NAMES.index(n) for n in scorer.feature_names])
        with self._lock:
            self.scorer, self._columns = scorer, columns

    def _scorer_for(self, by_vacancy: bool) -> Scorer:
        directed = getattr(self.scorer, "for_direction", None)
        if directed is None:
            return self.scorer
        scorer: Scorer = directed("shortlist" if by_vacancy else "recommend")
        return scorer

    def _ranked(
        self, batch: PairBatch, ids: Sequence[str], top_k: int, scorer: Scorer | None = None
    ) -> list[tuple[int, float, NDArray[np.float64]]]:
        """(position in batch, score, feature row) of the best ``top_k`` pairs, best first;
        equal scores are ordered by id so results are reproducible."""
        if not len(batch) or top_k <= 0:
            return []
        X = self._features(batch)
        scores = (self.scorer if scorer is None else scorer).score(X)
        if len(scores) > top_k:
            cutoff = np.partition(scores, len(scores) - top_k)[len(scores) - top_k]
            candidates = np.flatnonzero(scores >= cutoff).tolist()  # ties at the cut included
        else:
            candidates = list(range(len(scores)))
        chosen = sorted(candidates, key=lambda i: (-scores[i], ids[i]))[:top_k]
        return [(i, float(scores[i]), X[i]) for i in chosen]

    def _explained(
        self,
        batch: PairBatch,
        ranked: list[tuple[int, float, NDArray[np.float64]]],
        scorer: Scorer | None = None,
    ) -> list[tuple[int, float, Explanation]]:
        if not ranked:
            return []
        scorer = self.scorer if scorer is None else scorer
        rows = np.stack([x for _, _, x in ranked])
        contributions = scorer.contributions(rows)
        return [
            (
                i,
                score,
                explain_pair(
                    features=self.features,
                    scorer=scorer,
                    batch=batch,
                    i=i,
                    values=rows[k],
                    contributions=contributions[k],
                    score=score,
                ),
            )
            for k, (i, score, _) in enumerate(ranked)
        ]

    def _best(
        self, batch: PairBatch, top_k: int, *, by_vacancy: bool
    ) -> tuple[PairBatch, list[tuple[int, float, Explanation]], NDArray[np.int8]]:
        """Knock-outs over the whole batch, retrieval when the rest is large, full scoring and
        explanations of the best ``top_k``: (eligible pairs, ranked, knock-out reasons).
        ``by_vacancy``: the batch is one vacancy against candidates (else the reverse)."""
        reasons = knockout_reasons(batch)
        eligible = batch.take(reasons == NONE)
        if len(eligible) > self.retrieval.exact_below:
            eligible = self._retrieve(eligible, by_vacancy=by_vacancy)
        if by_vacancy:
            ids = [self.candidates.ids[r] for r in eligible.candidate_rows]
        else:
            ids = [self.vacancies.ids[r] for r in eligible.vacancy_rows]
        scorer = self._scorer_for(by_vacancy)
        ranked = self._ranked(eligible, ids, top_k, scorer)
        return eligible, self._explained(eligible, ranked, scorer), reasons

    def _retrieve(self, eligible: PairBatch, *, by_vacancy: bool) -> PairBatch:
        """The ``retrieve`` eligible pairs whose other side is nearest to the query side."""
        table: CandidateTable | VacancyTable
        query_table: CandidateTable | VacancyTable
        if by_vacancy:
            table, rows, index = self.candidates, eligible.candidate_rows, self._candidate_index
            query_table, query_row = self.vacancies, eligible.vacancy_rows[0]
        else:
            table, rows, index = self.vacancies, eligible.vacancy_rows, self._vacancy_index
            query_table, query_row = self.candidates, eligible.candidate_rows[0]
        allowed = np.zeros(len(table), dtype=bool)
        allowed[rows] = True
        query = retrieval_vectors(query_table, np.array([query_row], dtype=np.intp))[0]
        found = index.search(query, self.retrieval.retrieve, allowed)
        position = np.full(len(table), -1, dtype=np.intp)
        position[rows] = np.arange(len(eligible))
        return eligible.take(np.sort(position[found]))

    # -- shortlist and recommendations ---------------------------------------------------------

    def shortlist(self, vacancy_id: str, *, top_k: int = 10) -> Shortlist:
        """The best ``top_k`` candidates for a vacancy, each explained, with the knock-outs."""
        with self._lock:
            v = self._vacancy_row(vacancy_id)
            pool = self.candidates.active_rows()
            batch = PairBatch.of(self.candidates, self.vacancies, pool, [v])
            eligible, ranked, reasons = self._best(batch, top_k, by_vacancy=True)
            matches = tuple(
                CandidateMatch(
                    self.candidates.ids[eligible.candidate_rows[i]], rank, score, explanation
                )
                for rank, (i, score, explanation) in enumerate(ranked, start=1)
            )
            return Shortlist(
                vacancy_id=vacancy_id,
                matches=matches,
                excluded=count_exclusions(reasons),
                pool_size=len(pool),
                scorer=self.scorer.name,
                taxonomy_version=self.taxonomy.version,
            )

    def recommend(self, candidate_id: str, *, top_k: int = 10) -> Recommendations:
        """The best ``top_k`` open vacancies for a candidate, each explained."""
        with self._lock:
            c = self._candidate_row(candidate_id)
            pool = self._open_rows()
            batch = PairBatch.of(self.candidates, self.vacancies, [c], pool)
            eligible, ranked, reasons = self._best(batch, top_k, by_vacancy=False)
            matches = []
            for rank, (i, score, explanation) in enumerate(ranked, start=1):
                record = self.vacancies.profiles[int(eligible.vacancy_rows[i])].record
                matches.append(
                    VacancyMatch(
                        record.id, record.employer_id, record.title, rank, score, explanation
                    )
                )
            return Recommendations(
                candidate_id=candidate_id,
                matches=tuple(matches),
                excluded=count_exclusions(reasons),
                pool_size=len(pool),
                scorer=self.scorer.name,
                taxonomy_version=self.taxonomy.version,
            )

    def assess(self, candidate_id: str, vacancy_id: str) -> PairAssessment:
        """One pair, on a list or not: its knock-out, or its score and explanation (answers
        'why is this person not on the shortlist?')."""
        with self._lock:
            c, v = self._candidate_row(candidate_id), self._vacancy_row(vacancy_id)
            batch = PairBatch.of(self.candidates, self.vacancies, [c], [v])
            reason = int(knockout_reasons(batch)[0])
            if reason != NONE:
                return PairAssessment(candidate_id, vacancy_id, REASONS[reason], None, None)
            ((_i, score, explanation),) = self._explained(batch, self._ranked(batch, [""], 1))
            return PairAssessment(candidate_id, vacancy_id, None, score, explanation)

    # -- incremental updates -------------------------------------------------------------------

    def upsert_candidate(self, candidate: Candidate) -> None:
        """Add a candidate or replace the one with the same id; visible to the next query."""
        self.upsert_candidates([candidate])

    def upsert_candidates(self, candidates: Iterable[Candidate]) -> None:
        """:meth:`upsert_candidate` for many at once (texts are normalised and embedded in
        batches)."""
        with self._lock:
            rows = self.candidates.add(self.builder.candidates(candidates))
            self._candidate_index.add(retrieval_vectors(self.candidates, rows))

    def upsert_vacancy(self, vacancy: Vacancy) -> None:
        """Add a vacancy or replace the one with the same id; visible to the next query."""
        self.upsert_vacancies([vacancy])

    def upsert_vacancies(self, vacancies: Iterable[Vacancy]) -> None:
        """:meth:`upsert_vacancy` for many at once."""
        with self._lock:
            rows = self.vacancies.add(self.builder.vacancies(vacancies))
            self._hired = None  # a vacancy may have moved to another employer
            self._vacancy_index.add(retrieval_vectors(self.vacancies, rows))

    # -- the hidden job market -----------------------------------------------------------------

    def employers(self, candidate_id: str, *, top_k: int = 10) -> list[EmployerSuggestion]:
        """Employers worth approaching for a candidate, open vacancy or not, with the reasons.

        Scored by :data:`EMPLOYER_WEIGHTS`. An employer whose site the candidate cannot reach
        is left out; for someone exempt from the work obligation only employers with a fitting
        volunteering or participation place count.
        """
        with self._lock:
            c = self._candidate_row(candidate_id)
            candidate = self.candidates.profiles[c]
            rows = self.vacancies.active_rows()
            open_rows = set(self._open_rows().tolist())
            batch = PairBatch.of(self.candidates, self.vacancies, [c], rows)
            reasons = knockout_reasons(batch)
            # A closed vacancy still shows what work an employer has; its dates do not matter.
            usable = (reasons == NONE) | (reasons == REASONS.index("availability"))
            scores = np.where(usable, self.scorer.score(self._features(batch)), 0.0)
            best: dict[str, tuple[float, int]] = {}
            n_open: Counter[str] = Counter()
            for k, row in enumerate(rows.tolist()):
                employer_id = self.vacancies.employer_ids[row]
                if row in open_rows:
                    n_open[employer_id] += 1
                if scores[k] > best.get(employer_id, (0.0, -1))[0]:
                    best[employer_id] = (float(scores[k]), row)
            hires = self._hire_fit(c)
            sectors = self._sector_fit(candidate.isco_groups)
            travel = self._employer_travel(c)
            suggestions = []
            for employer in self.employer_records.values():
                vacancy_fit, vacancy_row = best.get(employer.id, (0.0, -1))
                if candidate.record.exempt_from_work_obligation and vacancy_fit <= 0:
                    continue
                minutes_mode = travel.get(employer.id)
                if minutes_mode is not None and not minutes_mode[2]:
                    continue  # known to be out of reach
                hire_fit, n_hires = hires.get(employer.id, (0.0, 0))
                sector_fit = sectors.get(employer.sector.value if employer.sector else "", 0.0)
                score = (
                    EMPLOYER_WEIGHTS["vacancies"] * vacancy_fit
                    + EMPLOYER_WEIGHTS["hires"] * hire_fit
                    + EMPLOYER_WEIGHTS["sector"] * sector_fit
                )
                if score <= 0:
                    continue
                reasons_nl, reasons_en = self._employer_reasons(
                    employer,
                    candidate.record.target_group_register,
                    vacancy_fit,
                    vacancy_row,
                    vacancy_row in open_rows,
                    n_hires,
                    hire_fit,
                    sector_fit,
                    n_open[employer.id],
                    minutes_mode,
                )
                suggestions.append(
                    EmployerSuggestion(
                        employer_id=employer.id,
                        name=employer.name,
                        sector=employer.sector.value if employer.sector else None,
                        score=round(score, 6),
                        open_vacancies=n_open[employer.id],
                        reasons_nl=reasons_nl,
                        reasons_en=reasons_en,
                    )
                )
            suggestions.sort(key=lambda s: (-s.score, s.employer_id))
            return suggestions[:top_k]

    def _hires(self) -> dict[str, set[str]]:
        """Employer id -> ids of candidates it hired (from the outcomes), built once per
        state of the vacancies."""
        if self._hired is None:
            hired: dict[str, set[str]] = defaultdict(set)
            for outcome in self.outcomes:
                if outcome.status is OutcomeStatus.HIRED:
                    row = self.vacancies.row_of.get(outcome.vacancy_id)
                    if row is not None:
                        hired[self.vacancies.employer_ids[row]].add(outcome.candidate_id)
            self._hired = dict(hired)
        return self._hired

    def _hire_fit(self, c: int) -> dict[str, tuple[float, int]]:
        """Per employer: how alike its earlier hires are to the candidate, and how many."""
        mine = self.candidates.profiles[c].isco_groups
        my_minors = {g[:3] for g in mine}
        me = self.candidates.ids[c]
        result = {}
        for employer_id, everyone in self._hires().items():
            people = everyone - {me}
            if not people:
                continue
            fit = 0.0
            for person in people:
                row = self.candidates.row_of.get(person)
                if row is None:
                    continue
                theirs = self.candidates.profiles[row].isco_groups
                if mine & theirs:
                    fit = 1.0
                    break
                if my_minors & {g[:3] for g in theirs}:
                    fit = max(fit, 0.5)
            result[employer_id] = (fit, len(people))
        return result

    def _sector_fit(self, groups: frozenset[str]) -> dict[str, float]:
        """Per sector: share of its vacancies in the candidate's ISCO minor groups, scaled so
        the best sector has 1."""
        minors = {g[:3] for g in groups}
        if not minors:
            return {}
        total: Counter[str] = Counter()
        alike: Counter[str] = Counter()
        for row in self.vacancies.active_rows().tolist():
            profile = self.vacancies.profiles[row]
            sector = profile.record.sector
            if sector is None:
                employer = self.employer_records.get(profile.record.employer_id)
                sector = employer.sector if employer else None
            if sector is None:
                continue
            total[sector.value] += 1
            best = profile.title.best
            if best is not None and best.minor_group in minors:
                alike[sector.value] += 1
        shares = {s: alike[s] / total[s] for s in total if alike[s]}
        top = max(shares.values(), default=0.0)
        return {s: share / top for s, share in shares.items()} if top else {}

    def _employer_travel(self, c: int) -> dict[str, tuple[float, str | None, bool]]:
        """Per employer with a known postcode: (minutes, mode, reachable) by the fastest mode
        (no shift times: the employer has no vacancy to take them from)."""
        model = self.candidates.travel
        employers = list(self.employer_records.values())
        if not employers:
            return {}
        if not hasattr(model, "best_minutes_pairs"):
            return self._employer_travel_one_by_one(c, employers)
        from features.travel import MODES, Sites, Travellers

        places = np.array([self._employer_place(e) for e in employers], dtype=np.intp)
        known = places >= 0
        nan = np.full(len(employers), np.nan)
        best = model.best_minutes_pairs(
            Travellers(
                self.candidates.place[[c]].clip(min=0),
                self.candidates.modes[[c]],
                self.candidates.max_minutes[[c]],
            ),
            Sites(places.clip(min=0), nan, nan),
        )
        if self.candidates.place[c] < 0:
            return {}
        return {
            e.id: (
                float(best.minutes[i]),
                MODES[best.mode[i]].value if best.mode[i] >= 0 else None,
                bool(best.reachable[i]),
            )
            for i, e in enumerate(employers)
            if known[i]
        }

    def _employer_place(self, employer: Employer) -> int:
        """Row of the employer's postcode in the travel model (-1 unknown), looked up once."""
        place = self._employer_places.get(employer.id)
        if place is None:
            try:
                place = int(self.candidates.travel.index_of([employer.postcode])[0])
            except LookupError:
                place = -1
            self._employer_places[employer.id] = place
        return place

    def _employer_travel_one_by_one(
        self, c: int, employers: list[Employer]
    ) -> dict[str, tuple[float, str | None, bool]]:
        candidate = self.candidates.profiles[c].record
        modes = [m for m, ok in zip(TRANSPORT_MODES, self.candidates.modes[c], strict=True) if ok]
        result: dict[str, tuple[float, str | None, bool]] = {}
        for employer in employers:
            try:
                option = self.candidates.travel.best(
                    candidate.postcode,
                    employer.postcode,
                    modes,
                    licences=candidate.driving_licences,
                    max_minutes=candidate.max_travel_minutes,
                )
            except LookupError:
                continue
            if option is None:
                result[employer.id] = (math.inf, None, False)
            else:
                result[employer.id] = (option.minutes, option.mode.value, option.reachable)
        return result

    def _employer_reasons(
        self,
        employer: Employer,
        register: bool,
        vacancy_fit: float,
        vacancy_row: int,
        vacancy_open: bool,
        n_hires: int,
        hire_fit: float,
        sector_fit: float,
        n_open: int,
        travel: tuple[float, str | None, bool] | None,
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        nl: list[str] = []
        en: list[str] = []
        if vacancy_row >= 0 and vacancy_fit > 0:
            title = self.vacancies.profiles[vacancy_row].record.title
            if vacancy_open:
                nl.append(f"Heeft nu een vacature die past: {title}.")
                en.append(f"Has an open vacancy that fits: {title}.")
            else:
                nl.append(f"Had eerder een vacature die past: {title}.")
                en.append(f"Had a vacancy before that fits: {title}.")
        if hire_fit > 0:
            nl.append(f"Nam eerder {n_hires} kandidaat/kandidaten aan voor vergelijkbaar werk.")
            en.append(f"Hired {n_hires} candidate(s) for similar work before.")
        if sector_fit > 0 and employer.sector is not None:
            nl.append(f"Sector {employer.sector.value} heeft veel werk zoals dit.")
            en.append(f"The {employer.sector.value} sector has much work like this.")
        if register and employer.inclusive_employer:
            nl.append("Inclusieve werkgever: biedt afspraakbanen.")
            en.append("Inclusive employer: offers jobs for the target-group register.")
        if n_open:
            nl.append(f"Open vacatures nu: {n_open}.")
            en.append(f"Open vacancies now: {n_open}.")
        else:
            nl.append("Nu geen open vacature: zelf benaderen.")
            en.append("No open vacancy now: approach them directly.")
        if travel is not None and travel[1] is not None and math.isfinite(travel[0]):
            mode = TransportMode(travel[1])
            nl.append(describe_travel(travel[0], mode, language="nl"))
            en.append(describe_travel(travel[0], mode, language="en"))
        return tuple(nl), tuple(en)

    # -- career paths --------------------------------------------------------------------------

    def _essential_matrix(self) -> tuple[sparse.csr_matrix, list[str], dict[str, int]]:
        """(occupations × skills) essential-skill incidence of the taxonomy, built once."""
        if self._skill_matrix is None:
            occupations = [o.uri for o in self.taxonomy.occupations()]
            skill_ids: dict[str, int] = {}
            rows, cols = [], []
            for i, uri in enumerate(occupations):
                for skill in self.taxonomy.essential_skills(uri):
                    rows.append(i)
                    cols.append(skill_ids.setdefault(skill, len(skill_ids)))
            matrix = sparse.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)),
                shape=(len(occupations), max(len(skill_ids), 1)),
            )
            self._skill_matrix = (matrix, occupations, skill_ids)
        return self._skill_matrix

    def career_paths(self, candidate_id: str, *, top_k: int = 10) -> list[CareerPath]:
        """Occupations within reach: the share of their essential skills the candidate has.

        The candidate has the ESCO skills their phrases were normalised to, plus the essential
        skills of occupations in their work history (someone who worked as a cleaner has a
        cleaner's skills). Ranked by ``skill overlap × level factor + 0.1 × (open vacancies in
        the same ISCO unit group, up to 3) / 3``; the level factor is 1 up to one ISCO level
        above the level the work history shows (level 1 without work history) and halves per
        level beyond. Occupations already held are left out; at least one skill must match.
        """
        with self._lock:
            profile = self.candidates.profiles[self._candidate_row(candidate_id)]
            matrix, occupations, skill_ids = self._essential_matrix()
            held = {o.uri for t in profile.work for o in t.occupations[:1] if o.uri}
            have = {s.uri for s in profile.skills if s.uri}
            for uri in held:
                have.update(self.taxonomy.essential_skills(uri))
            indicator = np.zeros(matrix.shape[1], dtype=np.float32)
            for uri in have:
                if uri in skill_ids:
                    indicator[skill_ids[uri]] = 1.0
            matched = np.asarray(matrix @ indicator).ravel()
            totals = np.asarray(matrix.sum(axis=1)).ravel()
            overlap = np.divide(matched, totals, out=np.zeros_like(matched), where=totals > 0)
            limit = (profile.isco_level or 1) + 1
            open_by_unit: Counter[str] = Counter()
            for row in self._open_rows().tolist():
                group = self.vacancies.profiles[row].isco_group
                if group:
                    open_by_unit[group] += 1
            ranked = []
            for i in np.flatnonzero(matched > 0).tolist():
                uri = occupations[i]
                if uri in held:
                    continue
                occupation = self.taxonomy.occupation(uri)
                level = self.taxonomy.isco_unit_level(occupation.isco_group)
                factor = 1.0 if level is None or level <= limit else 0.5 ** (level - limit)
                n_open = open_by_unit[occupation.isco_group]
                value = overlap[i] * factor + 0.1 * min(n_open, 3) / 3
                ranked.append((value, uri, level, n_open))
            ranked.sort(key=lambda r: (-r[0], r[1]))
            paths = []
            for _value, uri, level, n_open in ranked[:top_k]:
                essential = self.taxonomy.essential_skills(uri)
                mine = [s for s in essential if s in have]
                missing = [s for s in essential if s not in have]
                occupation = self.taxonomy.occupation(uri)
                paths.append(
                    CareerPath(
                        occupation_uri=uri,
                        label=occupation.label_nl or occupation.label_en,
                        isco_level=level,
                        skill_overlap=round(len(mine) / len(essential), 6),
                        matched_skills=tuple(self.taxonomy.skill(s).label("nl") for s in mine),
                        missing_skills=tuple(self.taxonomy.skill(s).label("nl") for s in missing),
                        open_vacancies=n_open,
                    )
                )
            return paths
