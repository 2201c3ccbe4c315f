"""Training data and training for code search: a bi-encoder (the project's trainer: MNRL with hard negatives
from sibling codes) and a cross-encoder reranker (CrossEncoderTrainer, multiple negatives ranking loss over the
bi-encoder's top wrong candidates and in-batch titles), whose weight in the fused score is chosen on dev phrasings.

The split is a keyed hash (as the patient split of core/training) of each phrasing or of its code: by phrasing,
held-out phrasings are new text for codes that have training phrasings (the deployed case: phrasings are generated for
every code); by code, no model saw a phrasing of a held-out code (how the search does on codes without any).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from miracle_dagster.core import settings
from miracle_dagster.core.icd import RERANK_TOP_N
from miracle_dagster.core.icd.defaults import RerankConfig
from miracle_dagster.core.training import split_of

PAIR_COLUMNS = ("pair_id", "query", "positive", "negatives", "passage_id", "code", "language", "split")


SPLIT_BY = ("phrasing", "code")


def sibling_titles(catalogue: pd.DataFrame, n: int) -> dict[str, list[str]]:
    """Up to n titles of codes with the same parent (the closest confusions a coder makes); for a code without
    siblings, its neighbours in catalogue order."""
    titles = dict(zip(catalogue["code"], catalogue["title"]))
    groups = catalogue.groupby("parent")["code"].apply(list).to_dict()
    order = catalogue["code"].tolist()
    result = {}
    for i, (code, parent) in enumerate(zip(catalogue["code"], catalogue["parent"])):
        siblings = [c for c in groups.get(parent, []) if c != code] if parent else []
        if not siblings:
            siblings = [c for c in order[max(0, i - n) : i + n + 1] if c != code]
        result[code] = [titles[c] for c in siblings if titles[c] != titles[code]][:n]
    return result


def biencoder_pairs(
    queries: pd.DataFrame,
    catalogue: pd.DataFrame,
    split_by: str = "phrasing",
    seed: int = 0,
    dev_fraction: float = 0.1,
    test_fraction: float = 0.2,
    num_negatives: int = 1,
) -> pd.DataFrame:
    """One row per phrasing: (phrasing, own title, sibling titles as hard negatives on train rows), split by
    phrasing or by code (SPLIT_BY)."""
    if split_by not in SPLIT_BY:
        raise ValueError(f"split_by must be one of {SPLIT_BY}, got {split_by!r}")
    titles = dict(zip(catalogue["code"], catalogue["title"]))
    negatives = sibling_titles(catalogue, num_negatives)
    frame = queries[queries["code"].isin(titles)]
    pair_ids = [
        hashlib.sha256(f"{c}\n{lang}\n{t}".encode()).hexdigest()[:16]
        for c, lang, t in zip(frame["code"], frame["language"], frame["phrasing"])
    ]
    splits = [split_of(key, seed, dev_fraction, test_fraction) for key in (pair_ids if split_by == "phrasing" else frame["code"])]
    pairs = pd.DataFrame(
        {
            "pair_id": pair_ids,
            "query": frame["phrasing"].tolist(),
            "positive": frame["code"].map(titles).tolist(),
            "negatives": [negatives[c] if split == "train" else [] for c, split in zip(frame["code"], splits)],
            "passage_id": frame["code"].tolist(),
            "code": frame["code"].tolist(),
            "language": frame["language"].tolist(),
            "split": splits,
        }
    )
    return pairs[list(PAIR_COLUMNS)]


def reranker_examples(pairs: pd.DataFrame, index, top_n: int = 10, negatives_per_query: int = 4) -> pd.DataFrame:
    """(query, positive, negative_1..n): each phrasing with its own code's text (`positive`: the title, or the index
    text the bi-encoder embeds) and the texts of the bi-encoder's best wrong codes, the candidates the reranker will
    have to reorder; a phrasing with fewer than n such codes is left out."""
    columns = ["query", "positive", *[f"negative_{i + 1}" for i in range(negatives_per_query)]]
    hits = index.search(pairs["query"].tolist(), top_k=top_n) if len(pairs) else []
    rows = []
    for query, code, positive, ranked in zip(pairs["query"], pairs["code"], pairs["positive"], hits):
        wrong = [index.text_of[hit.code] for hit in ranked if hit.code != code]
        negatives = [text for text in wrong if text != positive][:negatives_per_query]
        if len(negatives) == negatives_per_query:
            rows.append((query, positive, *negatives))
    return pd.DataFrame(rows, columns=columns)


@dataclass
class RerankResult:
    model_dir: Path
    steps: int
    train_seconds: float
    losses: list[dict]


def load_cross_encoder(model_dir: Path, max_length: int = 96):
    """A CrossEncoder from a local encoder folder (a fresh one-logit head on a base encoder, or a trained reranker)."""
    from sentence_transformers.cross_encoder import CrossEncoder

    return CrossEncoder(str(model_dir), num_labels=1, max_length=max_length, device=settings.device(), local_files_only=True)


def train_reranker(base_dir: Path, examples: pd.DataFrame, out_dir: Path, config: RerankConfig) -> RerankResult:
    """Fine-tune a cross-encoder from base_dir on (query, positive, negatives...) with a softmax over each query's
    positive, its hard negatives and in_batch_negatives other queries' titles (MultipleNegativesRankingLoss: per-pair
    binary cross-entropy on these examples learned nothing in a few hundred CPU steps); the model lands in out_dir/model."""
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
    from sentence_transformers.cross_encoder.losses import MultipleNegativesRankingLoss

    if examples.empty:
        raise ValueError("no reranker training examples")
    model = load_cross_encoder(base_dir, config.max_length)
    model.model_card_data.local_files_only = True
    args = CrossEncoderTrainingArguments(
        output_dir=str(Path(out_dir) / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_ratio,
        seed=config.seed,
        data_seed=config.seed,
        save_strategy="no",
        logging_steps=10,
        report_to="none",
        disable_tqdm=True,
        use_cpu=settings.device() == "cpu",
    )
    loss = MultipleNegativesRankingLoss(model, num_negatives=config.in_batch_negatives)
    dataset = Dataset.from_pandas(examples, preserve_index=False)
    trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=dataset, loss=loss)
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    model_dir = Path(out_dir) / "model"
    model.save(str(model_dir))
    history = trainer.state.log_history
    return RerankResult(
        model_dir, trainer.state.global_step, seconds, [{"step": h["step"], "loss": h["loss"]} for h in history if "loss" in h]
    )


RERANK_WEIGHTS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


def choose_rerank_weight(
    index, reranker, pairs: pd.DataFrame, top_n: int = RERANK_TOP_N, weights=RERANK_WEIGHTS
) -> tuple[float, pd.DataFrame]:
    """The fusion weight (cosine + w × reranker logit) with the best R@5 (then MRR) on pairs (the dev split): a reranker
    trained on a few hundred phrasings is a weak signal on its own but can break the bi-encoder's near ties. 0 keeps
    the bi-encoder's order. Returns it with the table of every weight tried (metrics.best_weight)."""
    from miracle_dagster.core.icd.metrics import best_weight, rank_of

    hits = index.search(pairs["query"].tolist(), top_n, reranker, top_n, rerank_weight=0.0)

    def ranks_at(weight: float) -> list[int]:
        fused = [sorted(hs, key=lambda h: -(h.bi_score + weight * h.rerank_score)) for hs in hits]
        return [rank_of([h.code for h in hs], code) for code, hs in zip(pairs["code"], fused)]

    return best_weight(weights, ranks_at, pairs["language"])
