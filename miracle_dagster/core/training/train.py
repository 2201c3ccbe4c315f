"""Fine-tune a sentence-transformers model on training pairs with SentenceTransformerTrainer.

Defaults follow the study: in-batch negatives plus mined hard negatives through
CachedMultipleNegativesRankingLoss (GradCache: a large effective batch in little memory), e5's
`query: ` / `passage: ` prompts through the trainer's `prompts`, a no-duplicates batch sampler (a
duplicate passage in a batch would be a false in-batch negative), dev-split MAP@100 / NDCG@10 during
training, checkpoints that a re-run resumes from, and the best checkpoint kept at the end.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from miracle_dagster.core import models, settings

LOSSES = ("cmnrl", "gist", "matryoshka")
MAP_KEY, NDCG_KEY = "dev_cosine_map@100", "dev_cosine_ndcg@10"


@dataclass(frozen=True)
class TrainConfig:
    epochs: float = 1.0
    batch_size: int = 64
    mini_batch_size: int = 16
    learning_rate: float = 2e-5
    warmup_ratio: float = 0.1
    loss: str = "cmnrl"
    matryoshka_dims: tuple[int, ...] = ()  # empty: full, 1/2, 1/4, 1/8 of the model's dimension
    max_steps: int = -1
    eval_steps: int = 0  # 0: evaluate and checkpoint once per epoch
    logging_steps: int = 10
    save_total_limit: int = 2
    seed: int = 42
    use_lora: bool = False
    lora_rank: int = 16
    freeze_embeddings: bool = False  # the token embeddings are most of a multilingual model's weights (96 M of e5-small's 118 M)

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")


@dataclass
class TrainResult:
    model_dir: Path
    base_metrics: dict[str, float]
    evals: list[dict] = field(default_factory=list)  # per evaluation: step, epoch, map@100, ndcg@10
    losses: list[dict] = field(default_factory=list)  # per logging step: step, epoch, loss
    best_checkpoint: str | None = None
    resumed_from: str | None = None
    pairs_per_second: float = 0.0
    train_seconds: float = 0.0
    steps: int = 0

    def to_json(self) -> dict:
        """Plain JSON, for a result that crosses a process boundary (the torchrun workers' Pipes message)."""
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "model_dir": str(self.model_dir)}

    @classmethod
    def from_json(cls, data: dict) -> TrainResult:
        return cls(**{**data, "model_dir": Path(data["model_dir"])})


def train_datasets(pairs: pd.DataFrame):
    """Rows with all their hard negatives as (anchor, positive, negative_1..n); the rest as (anchor, positive)."""
    from datasets import Dataset

    rows = pairs[pairs["split"] == "train"]
    n = int(rows["negatives"].map(len).max()) if len(rows) else 0
    full = rows["negatives"].map(len) == n if n else pd.Series(False, index=rows.index)
    sets = {}
    if n and full.any():
        hard = {"anchor": list(rows.loc[full, "query"]), "positive": list(rows.loc[full, "positive"])}
        hard.update({f"negative_{i + 1}": [neg[i] for neg in rows.loc[full, "negatives"]] for i in range(n)})
        sets["hard_negatives"] = Dataset.from_dict(hard)
    if (~full).any():
        sets["pairs"] = Dataset.from_dict({"anchor": list(rows.loc[~full, "query"]), "positive": list(rows.loc[~full, "positive"])})
    return sets


def dev_evaluator(pairs: pd.DataFrame, query_prompt: str | None, passage_prompt: str | None, batch_size: int = 32):
    """InformationRetrievalEvaluator over the dev split: each question against every dev passage."""
    from sentence_transformers.evaluation import InformationRetrievalEvaluator

    dev = pairs[pairs["split"] == "dev"]
    if dev.empty:
        return None
    return InformationRetrievalEvaluator(
        queries=dict(zip(dev["pair_id"], dev["query"])),
        corpus=dict(zip(dev["passage_id"], dev["positive"])),
        relevant_docs={pair: {passage} for pair, passage in zip(dev["pair_id"], dev["passage_id"])},
        name="dev",
        map_at_k=[100],
        ndcg_at_k=[10],
        mrr_at_k=[10],
        accuracy_at_k=[1, 10],
        precision_recall_at_k=[10],
        query_prompt=query_prompt,
        corpus_prompt=passage_prompt,
        batch_size=batch_size,
        write_csv=False,
    )


def world_size() -> int:
    """Processes training together: torchrun and accelerate set WORLD_SIZE; 1 in a plain process."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def _loss(model, config: TrainConfig, guide):
    from sentence_transformers import losses

    if config.loss == "gist":
        return losses.CachedGISTEmbedLoss(model, guide=guide, mini_batch_size=config.mini_batch_size)
    # Under torchrun / accelerate (DDP), in-batch negatives come from every GPU's batch, not just this one's.
    distributed = world_size() > 1
    base = losses.CachedMultipleNegativesRankingLoss(model, mini_batch_size=config.mini_batch_size, gather_across_devices=distributed)
    if config.loss == "matryoshka":
        dim = model.get_sentence_embedding_dimension()
        dims = list(config.matryoshka_dims) or [d for d in (dim, dim // 2, dim // 4, dim // 8) if d >= 32]
        return losses.MatryoshkaLoss(model, base, matryoshka_dims=dims)
    return base


def _drop_examples(card) -> None:
    """The trainer copies dataset rows into the card (and every checkpoint's card): example tables, the widget and
    the usage snippet. `generate_widget_examples=False` does not stop the latter two in sentence-transformers 6.2."""
    card.widget, card.usage_examples = [], None
    for info in (*card.train_datasets, *card.eval_datasets):
        for key in ("examples", "examples_table", "_example_columns"):
            info.pop(key, None)


def _add_lora(model, rank: int) -> None:
    """LoRA adapters through PEFT (optional extra `lora`): only the adapters train, for large base models."""
    try:
        from peft import LoraConfig, TaskType
    except ImportError as error:
        raise RuntimeError("use_lora needs PEFT: pip install 'miracle-dagster[lora]'") from error
    model.add_adapter(LoraConfig(task_type=TaskType.FEATURE_EXTRACTION, r=rank, lora_alpha=2 * rank, lora_dropout=0.1))


def _trainer_class():
    from sentence_transformers import SentenceTransformerTrainer

    class Trainer(SentenceTransformerTrainer):
        def _load_best_model(self) -> None:
            """When the best evaluation was the last step's, the weights in memory are the best checkpoint's:
            reloading it would rebuild the whole model (e5's tokenizer alone takes seconds) for the same tensors."""
            if self.state.best_global_step == self.state.global_step:
                self.model.model_card_data.set_best_model_step(self.state.global_step)  # as the reload marks it
                return
            super()._load_best_model()

    return Trainer


def _finished_state(checkpoint: str | None):
    """The trainer state of a run that reached its last step, read from its last checkpoint; None otherwise."""
    from transformers import TrainerState

    state_file = Path(checkpoint or "") / "trainer_state.json"
    if not checkpoint or not state_file.is_file():
        return None
    state = TrainerState.load_from_json(str(state_file))
    return state if state.max_steps and state.global_step >= state.max_steps else None


def train(
    model,
    pairs: pd.DataFrame,
    out_dir: Path,
    config: TrainConfig,
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    guide=None,
    callbacks=(),
    model_name: str = "",
    private: bool = False,
    model_dir: Path | None = None,
) -> TrainResult:
    """Train `model` in place on the train split; checkpoints under out_dir/checkpoints, the model in `model_dir`
    (default out_dir/model).

    At the model's own token limit (`max_seq_length`, from its registry entry): the limit its passages were cut at,
    its negatives were mined at and it is evaluated at; the saved model and its card keep it.

    `private` (raw PHI): the model card keeps sizes and statistics but no example rows or widget examples."""
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.training_args import BatchSamplers
    from transformers.trainer_utils import get_last_checkpoint

    datasets = train_datasets(pairs)
    if not datasets:
        raise ValueError("no training pairs in the train split")
    model.model_card_data.local_files_only = True  # air-gapped: never ask the Hub about the base model
    model.model_card_data.train_datasets = [{"name": model_name or "miracle training_pairs"}]
    if config.use_lora:
        _add_lora(model, config.lora_rank)
    if config.freeze_embeddings:
        model[0].auto_model.get_input_embeddings().weight.requires_grad_(False)
    evaluator = dev_evaluator(pairs, query_prompt, passage_prompt)
    base_metrics = evaluator(model) if evaluator else {}

    n_train = sum(len(d) for d in datasets.values())
    per_step = config.batch_size * world_size()  # every process takes a batch per step
    total_steps = config.max_steps if config.max_steps > 0 else math.ceil(n_train / per_step) * math.ceil(config.epochs)
    strategy = "steps" if config.eval_steps else "epoch"
    checkpoints = Path(out_dir) / "checkpoints"
    columns = {column for dataset in datasets.values() for column in dataset.column_names}
    prompts = {c: query_prompt if c == "anchor" else passage_prompt for c in columns}
    args = SentenceTransformerTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=int(config.warmup_ratio * total_steps),
        seed=config.seed,
        data_seed=config.seed,
        prompts=prompts if query_prompt or passage_prompt else None,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        eval_strategy=strategy if evaluator else "no",
        save_strategy=strategy,
        eval_steps=config.eval_steps or None,
        save_steps=config.eval_steps or 500,
        save_total_limit=config.save_total_limit,
        load_best_model_at_end=evaluator is not None,
        metric_for_best_model=f"eval_{MAP_KEY}" if evaluator else None,
        greater_is_better=True,
        logging_steps=config.logging_steps,
        report_to="none",
        disable_tqdm=True,
        use_cpu=settings.device() == "cpu",
    )
    trainer = _trainer_class()(
        model=model,
        args=args,
        train_dataset=datasets if len(datasets) > 1 else next(iter(datasets.values())),
        loss=_loss(model, config, guide),
        evaluator=evaluator,
        callbacks=list(callbacks),
    )
    if private:
        _drop_examples(model.model_card_data)
    resume = get_last_checkpoint(str(checkpoints)) if checkpoints.is_dir() else None
    finished = _finished_state(resume)
    model_dir = Path(model_dir or Path(out_dir) / "model")
    started = time.perf_counter()
    if finished:  # transformers would train one step past max_steps when resumed from the final checkpoint
        trainer.state = finished
        best = finished.best_model_checkpoint
        trainer._load_from_checkpoint(best if best and Path(best).is_dir() else resume)  # what train() ends with
        metrics = {}
    else:
        metrics = trainer.train(resume_from_checkpoint=resume).metrics
    seconds = time.perf_counter() - started
    if trainer.is_world_process_zero() and not (finished and models.read_provenance(model_dir)):
        model.save(str(model_dir))  # writes the model card (README.md) with the dev metrics and the data summary
        models.record_trained_model(model_dir, {"kind": "trained", "best_checkpoint": trainer.state.best_model_checkpoint or ""})
    history = trainer.state.log_history
    return TrainResult(
        model_dir=model_dir,
        base_metrics={k: float(v) for k, v in base_metrics.items()},
        evals=[
            {"step": h["step"], "epoch": h.get("epoch"), "map@100": h[f"eval_{MAP_KEY}"], "ndcg@10": h[f"eval_{NDCG_KEY}"]}
            for h in history
            if f"eval_{MAP_KEY}" in h
        ],
        losses=[{"step": h["step"], "epoch": h.get("epoch"), "loss": h["loss"]} for h in history if "loss" in h],
        best_checkpoint=trainer.state.best_model_checkpoint,
        resumed_from=resume,
        pairs_per_second=float(metrics.get("train_samples_per_second", 0.0)),
        train_seconds=seconds,
        steps=trainer.state.global_step,
    )
