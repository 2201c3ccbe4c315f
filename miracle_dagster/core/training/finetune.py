"""Fine-tune a base model on a user's pairs file, outside Dagster: read, split, mine, train, report.

The output folder is a complete sentence-transformers model (weights, prompts, model card with the dev metrics), so
`miracle ir-eval --model DIR` and the registry's `path:` source load it as they load any other; `finetune_report.json`
beside it says what went in, what was rejected and why, how many negatives were mined or guarded away, and the dev
split before and after. Checkpoints live in DIR/checkpoints while training (an interrupted run resumes from them) and
are removed once the model is saved.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from miracle_dagster.core import models
from miracle_dagster.core.training.train import MAP_KEY, NDCG_KEY, TrainConfig, train
from miracle_dagster.core.training.user_pairs import MiningConfig, mine_missing, read_pairs

REPORT = "finetune_report.json"


@dataclass(frozen=True)
class FinetuneConfig:
    """What `miracle finetune` and benchmarks/liveqa.py train with: the trainer's settings, the split and the mining."""

    train: TrainConfig = TrainConfig(epochs=1.0, batch_size=32, mini_batch_size=16, learning_rate=5e-5, logging_steps=5)
    mining: MiningConfig = MiningConfig()
    dev_fraction: float = 0.1
    max_seq_length: int = 256  # passages are cut here in training, mining and the dev evaluation
    guide: str = ""  # loss "gist": the model that vetoes false in-batch negatives (empty: a frozen copy of the base)


@dataclass
class FinetuneReport:
    model_dir: Path
    base: str
    lines: int
    rejected_by_reason: dict[str, int]
    pairs_by_split: dict[str, int]
    negatives_mined: int
    negatives_removed_by_guard: dict[str, int]
    dev_before: dict[str, float] = field(default_factory=dict)
    dev_after: dict[str, float] = field(default_factory=dict)
    steps: int = 0
    train_seconds: float = 0.0
    config: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {**asdict(self), "model_dir": str(self.model_dir)}


def _dev(metrics: dict[str, float]) -> dict[str, float]:
    return {name: round(float(metrics[key]), 4) for name, key in (("map@100", MAP_KEY), ("ndcg@10", NDCG_KEY)) if key in metrics}


def _best(evals: list[dict]) -> dict[str, float]:
    """The dev numbers of the evaluation the trainer kept (load_best_model_at_end: the best MAP@100)."""
    best = max(evals, key=lambda e: e["map@100"], default=None)
    return {} if best is None else {"map@100": round(best["map@100"], 4), "ndcg@10": round(best["ndcg@10"], 4)}


def finetune(base: str, pairs_file: Path, out: Path, config: FinetuneConfig, models_dir: Path) -> FinetuneReport:
    """Train `base` (registry name, folder or hub id) on `pairs_file` into `out`; refuses a folder that holds a model."""
    out = Path(out)
    if (out / "config_sentence_transformers.json").is_file():
        raise FileExistsError(f"{out} already holds a model: choose a new folder or remove it")
    user = read_pairs(Path(pairs_file), config.dev_fraction, config.train.seed)
    spec = models.resolve_model(base)
    model = models.load_sentence_transformer(spec, models_dir)
    model.max_seq_length = config.max_seq_length
    query_prompt, passage_prompt = spec.query_prompt or None, spec.passage_prompt or None
    user = mine_missing(user, model, config.mining, query_prompt, passage_prompt)
    settings = config.train
    if settings.max_steps > 0 and not settings.eval_steps:  # a run cut short of an epoch is still evaluated at its end
        settings = replace(settings, eval_steps=settings.max_steps)
    guide = None
    if settings.loss == "gist":
        guide = models.load_sentence_transformer(models.resolve_model(config.guide or base), models_dir)
        guide.max_seq_length = config.max_seq_length
    result = train(
        model, user.pairs, out, settings, query_prompt, passage_prompt, guide=guide, model_name=Path(pairs_file).name, model_dir=out
    )
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    splits = user.pairs["split"].value_counts()
    report = FinetuneReport(
        model_dir=out,
        base=spec.name,
        lines=user.lines,
        rejected_by_reason=dict(user.rejected_by_reason),
        pairs_by_split={s: int(splits.get(s, 0)) for s in ("train", "dev")},
        negatives_mined=sum(map(len, user.mined.negatives)) if user.mined else 0,
        negatives_removed_by_guard=dict(user.mined.removed) if user.mined else {},
        dev_before=_dev(result.base_metrics),
        dev_after=_best(result.evals),
        steps=result.steps,
        train_seconds=round(result.train_seconds, 1),
        config={"base": spec.name, **asdict(config)},
    )
    (out / REPORT).write_text(json.dumps({**report.to_json(), "rejected": user.rejected}, indent=2, ensure_ascii=False))
    return report
