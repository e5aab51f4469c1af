"""Learning from outcomes on the command line: ``werkmatch train``, ``evaluate`` and ``models``.

::

    werkmatch train --data var/synth --until 2025-07-01 [--out DIR] [--seed 0]
    werkmatch train --from-db --until 2025-07-01
    werkmatch evaluate MODEL --data var/synth [--report DIR]
    werkmatch models list | show ID | history
    werkmatch models activate ID [--force --reason TEXT] [--by NAME]
    werkmatch models rollback [--by NAME] [--reason TEXT]

``train`` shows its progress on stderr, prints the validation comparison and writes the model
artifact to ``--out/<model id>`` (default: the registry, ``DATA_DIR/models/rankers``); the
same data, cut-off and seed give the same model. ``evaluate`` prints NDCG@10, MRR,
recall@10/@50 and precision@5 for both directions on the held-out window after the model's
cut-off, next to the cold-start scorer and the active model, with 95% bootstrap intervals,
and writes a report (markdown + PNG plots) to ``--report`` (default
``DATA_DIR/reports/<model id>``). ``MODEL`` is a registry id or an artifact folder.
``models activate`` runs the quality gate; ``--force`` needs ``--reason`` and is recorded in
the registry's history with who (``--by``, default: the login name) and when. A running
service picks up the new active model at its next request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from service.settings import Settings

if TYPE_CHECKING:
    from models.dataset import Records, TruthPairs
    from models.ranking_model import RankingModel
    from models.registry import ModelRegistry

__all__ = ["ProgressBar", "register"]


class ProgressBar:
    """A one-line progress bar per stage on stderr: ``fit lambdamart shortlist [###---] 40%``."""

    def __init__(self, stream: TextIO | None = None, width: int = 28) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.stage: str | None = None
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != self.stage:
            if self.stage is not None:
                self.stream.write("\n")
            self.stage, self.started, self._last = stage, now, 0.0
        elif done < total and now - self._last < 0.1:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{stage[:34]:<34} [{bar}] {share:4.0%} {now - self.started:6.1f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.stage is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.stage = None


def _date(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-07-01") from None
    return dt.datetime.combine(day, dt.time())


def _who(args: argparse.Namespace) -> str:
    if getattr(args, "by", None):
        return str(args.by)
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``train``, ``evaluate`` and ``models`` commands."""
    train = subparsers.add_parser(
        "train",
        help="train a ranking model on the outcomes before a cut-off date",
        description="Learn a ranker from the outcome history before --until (time-based: "
        "nothing after it is read), compare LambdaMART and a pointwise model with the "
        "cold-start scorer on the last part of that period, keep the best and write the "
        "artifact (card.json + checksummed files).",
    )
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="folder of import files (e.g. synth output)")
    source.add_argument("--from-db", action="store_true", help="read the records from the database")
    train.add_argument("--until", type=_date, required=True, help="cut-off date, e.g. 2025-07-01")
    train.add_argument(
        "--out",
        type=Path,
        default=None,
        help="models folder (default: the registry, DATA_DIR/models/rankers)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    train.add_argument("--jobs", type=int, default=1, help="threads for LightGBM (default: 1)")
    train.add_argument(
        "--negatives", type=int, default=20, help="sampled negatives per group (default: 20)"
    )
    train.add_argument(
        "--no-propensity",
        action="store_true",
        help="do not correct for position bias (for comparison only)",
    )
    train.add_argument("--json", action="store_true", help="print the model card as JSON")
    train.set_defaults(func=run_train)

    evaluate = subparsers.add_parser(
        "evaluate",
        help="evaluate a model on the held-out window after its cut-off",
        description="NDCG@10, MRR, recall@10/@50 and precision@5 in both directions on the "
        "outcomes after the model's cut-off (and the hidden truth of synthetic data), next to "
        "the cold-start scorer and the active model, with bootstrap intervals; writes a report.",
    )
    evaluate.add_argument("model", help="registry id or artifact folder")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="folder of import files")
    source.add_argument("--from-db", action="store_true", help="read the records from the database")
    evaluate.add_argument(
        "--since",
        type=_date,
        default=None,
        help="start of the held-out window (default: the model's cut-off)",
    )
    evaluate.add_argument(
        "--until",
        type=_date,
        default=None,
        help="end of the held-out window (default: the last outcome)",
    )
    evaluate.add_argument(
        "--report",
        type=Path,
        default=None,
        help="report folder (default: DATA_DIR/reports/<model id>)",
    )
    evaluate.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate.set_defaults(func=run_evaluate)

    models = subparsers.add_parser(
        "models",
        help="list, show, activate or roll back ranking models",
        description="The model registry in DATA_DIR/models/rankers.",
    )
    models.add_argument("--registry", type=Path, default=None, help=argparse.SUPPRESS)
    verbs = models.add_subparsers(dest="verb", required=True, metavar="VERB")
    listing = verbs.add_parser("list", help="stored models, the active one marked")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)
    show = verbs.add_parser("show", help="a model's card")
    show.add_argument("id")
    show.set_defaults(func=run_show)
    history = verbs.add_parser("history", help="activations and rollbacks: who, when, why")
    history.set_defaults(func=run_history)
    activate = verbs.add_parser("activate", help="make a model the active one (quality gate)")
    activate.add_argument("id")
    activate.add_argument("--force", action="store_true", help="override the quality gate")
    activate.add_argument("--reason", default=None, help="why (required with --force)")
    activate.add_argument("--by", default=None, help="who (default: the login name)")
    activate.set_defaults(func=run_activate)
    rollback = verbs.add_parser("rollback", help="restore the previously active model")
    rollback.add_argument("--by", default=None, help="who (default: the login name)")
    rollback.add_argument("--reason", default=None)
    rollback.set_defaults(func=run_rollback)


def _registry(args: argparse.Namespace, settings: Settings) -> ModelRegistry:
    from models.registry import ModelRegistry
    from service.ranking import open_registry

    folder = getattr(args, "registry", None)
    return ModelRegistry(folder) if folder else open_registry(settings)


def _records(args: argparse.Namespace, settings: Settings) -> tuple[Records, TruthPairs | None]:
    from service.ranking import records_from_dir, records_from_store
    from service.storage import open_store

    if args.data is not None:
        return records_from_dir(args.data, settings)
    with open_store(settings) as store:
        return records_from_store(store), None


def run_train(args: argparse.Namespace, settings: Settings) -> int:
    from models.training import TrainingConfig
    from service.ranking import open_registry, service_encoder, train

    bar = ProgressBar()
    records, _truth = _records(args, settings)
    encoder, description = service_encoder(settings)
    print(f"encoder: {description}", file=sys.stderr)
    config = TrainingConfig(
        until=args.until,
        seed=args.seed,
        n_jobs=args.jobs,
        negatives_per_group=args.negatives,
        propensity=not args.no_propensity,
    )
    started = time.perf_counter()
    try:
        result = train(records, config, encoder=encoder, progress=bar)
    except ValueError as error:
        bar.close()
        print(f"werkmatch train: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    registry = open_registry(settings)
    out_root = args.out if args.out is not None else registry.root
    target = out_root / result.model.id
    if target.exists():
        print(
            f"werkmatch train: {target} already exists: the same data, cut-off and seed "
            "give the same model",
            file=sys.stderr,
        )
        return 2
    path = result.model.save(target)
    card = result.model.card
    if args.json:
        print(json.dumps(card, indent=2, sort_keys=True))
        return 0
    kinds = ", ".join(f"{d}: {k}" for d, k in result.chosen.items())
    print(f"model {card['id']} ({kinds}) written to {path}")
    print(
        f"trained on {card['training_data']['rows']['labelled_pairs']} labelled pairs before "
        f"{args.until:%Y-%m-%d} in {time.perf_counter() - started:.1f} s"
    )
    for direction, comparison in result.validation.items():
        print(f"\nvalidation · {direction} · {comparison.n_groups} groups")
        print(comparison.table())
    beats = card.get("beats_cold_start", {})
    if beats and not all(beats.values()):
        print(
            "\nnote: not better than the cold-start scorer in every direction on the "
            "validation window; the quality gate may refuse it"
        )
    if args.out is not None and out_root.resolve() != registry.root.resolve():
        print(f"not in the registry; to use it: copy {path} into {registry.root}")
    else:
        print(f"activate it with: werkmatch models activate {card['id']}")
    return 0


def _resolve_model(name: str, registry: ModelRegistry) -> RankingModel:
    from models.ranking_model import RankingModel

    folder = Path(name)
    if folder.is_dir():
        return RankingModel.load(folder)
    return registry.load(name)


def run_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from models.evaluation import write_report
    from service.ranking import evaluate, service_encoder

    registry = _registry(args, settings)
    model = _resolve_model(args.model, registry)
    active_id = registry.active_id()
    active = registry.load(active_id) if active_id and active_id != model.id else None
    records, truth = _records(args, settings)
    encoder, _description = service_encoder(settings)
    bar = ProgressBar()
    try:
        report = evaluate(
            model,
            records,
            encoder=encoder,
            truth=truth,
            active=active,
            since=args.since,
            until=args.until,
            n_bootstrap=args.bootstrap,
            seed=args.seed,
            progress=bar,
        )
    finally:
        bar.close()
    folder = args.report or settings.data_dir / "reports" / model.id
    paths = write_report(report, folder)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        print(report.text())
        print(f"\nreport: {paths['report.md']}")
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    registry = _registry(args, settings)
    entries = registry.entries()
    if args.json:
        print(json.dumps(entries, indent=2, sort_keys=True))
        return 0
    if not entries:
        print(f"no models in {registry.root}; train one with: werkmatch train ...")
        return 0
    print(f"{'':2}{'id':<44} {'ranker':<11} {'until':<11} {'ndcg@10':<8} created")
    for entry in entries:
        mark = "* " if entry.get("active") else "  "
        if "error" in entry:
            print(f"{mark}{entry['id']:<44} damaged: {entry['error']}")
            continue
        ndcg = entry.get("ndcg@10") or {}
        value = f"{ndcg['value']:.3f}" if ndcg else "-"
        print(
            f"{mark}{entry['id']:<44} {entry.get('ranker') or '-':<11} "
            f"{(entry.get('until') or '-')[:10]:<11} {value:<8} {entry.get('created_at') or '-'}"
        )
    if registry.active_id() is None:
        print("no active model: matching uses the cold-start scorer")
    return 0


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    card = _registry(args, settings).card(args.id)
    print(json.dumps(card, indent=2, sort_keys=True))
    return 0


def run_history(args: argparse.Namespace, settings: Settings) -> int:
    for item in _registry(args, settings).history():
        forced = " FORCED" if item.get("forced") else ""
        reason = f" · {item['reason']}" if item.get("reason") else ""
        print(
            f"{item['at']} {item['action']}{forced} {item.get('model') or 'cold start'} "
            f"(was {item.get('previous') or 'cold start'}) by {item['by']}{reason}"
        )
    return 0


def run_activate(args: argparse.Namespace, settings: Settings) -> int:
    registry = _registry(args, settings)
    activation = registry.activate(args.id, by=_who(args), force=args.force, reason=args.reason)
    gate = activation.gate or {}
    note = " (forced past the quality gate)" if activation.forced and not gate.get("passed") else ""
    print(f"active model: {activation.model}{note}")
    print(f"quality gate: {gate.get('reason')}")
    return 0


def run_rollback(args: argparse.Namespace, settings: Settings) -> int:
    activation = _registry(args, settings).rollback(by=_who(args), reason=args.reason)
    print(
        f"active model: {activation.model or 'none (cold-start scorer)'} "
        f"(was {activation.previous or 'cold start'})"
    )
    return 0
