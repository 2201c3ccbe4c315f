"""`miracle ir-eval`: the retrieval metrics of ir_eval_report on a user's JSONL files or on LiveQA-Med, outside Dagster."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", help='JSONL lines {"id", "text"}')
    p.add_argument("--queries", help='JSONL lines {"id", "text"}')
    p.add_argument("--qrels", help='JSONL lines {"query_id", "doc_id", "grade"}')
    p.add_argument("--liveqa", metavar="DATA_DIR", help="evaluate on TREC LiveQA-Med + MedQuAD from this folder (e.g. ../shared/data)")
    p.add_argument("--distractors", type=int, default=0, help="with --liveqa: MedQuAD answers added to the corpus (-1: all)")
    p.add_argument(
        "--question-text", choices=("summary", "message"), default="summary", help="with --liveqa: NLM summary or the consumer's message"
    )
    p.add_argument(
        "--model",
        action="append",
        required=True,
        help="registry name, sentence-transformers folder, `bm25` (lexical baseline) or `<model>+bm25` (both "
        "fused by reciprocal rank fusion, as hybrid search does); repeat to compare with the first",
    )
    p.add_argument("--language", choices=("de", "en"), help="stemming and stopwords of bm25 (default de; en with --liveqa)")
    p.add_argument("--min-grade", type=int, help="grade from which a document counts as relevant (default 1; 2 with --liveqa)")
    p.add_argument("--max-seq-length", type=int, default=0, help="cap the models' token limit (0: their own)")
    p.add_argument("--json", action="store_true", help="metric rows as JSON")


def _data(args: argparse.Namespace):
    from miracle_dagster.core.evaluation import ir_files, public_data

    if args.liveqa:
        min_grade = args.min_grade or public_data.MIN_GRADE
        loaded = public_data.load_liveqa(Path(args.liveqa), args.distractors, args.question_text, min_grade)
        return loaded.data, min_grade, loaded.stats
    if not (args.corpus and args.queries and args.qrels):
        raise ValueError("give --corpus, --queries and --qrels, or --liveqa DATA_DIR")
    return ir_files.read_files(Path(args.corpus), Path(args.queries), Path(args.qrels)), args.min_grade or 1, {}


def _load(name: str):
    """A registry name (prompts from its entry) or a local folder (prompts from its config_sentence_transformers.json)."""
    from miracle_dagster.core import models, settings
    from miracle_dagster.core.evaluation import ir
    from miracle_dagster.resources import build_embedder

    embedder = build_embedder()
    if Path(name).expanduser().is_dir():
        spec = models.resolve_model(str(Path(name).expanduser()))
        model = models.load_sentence_transformer(spec, settings.models_dir())
        return model, ir.model_prompts(model)
    spec = embedder.spec(name)
    model = models.load_sentence_transformer(spec, settings.models_dir())
    return model, ir.model_prompts(model, spec)


def _ranker(args: argparse.Namespace, data, queries: dict[str, str]):
    """name -> ranking of `queries`, DEPTH deep: BM25 in the run's language, a dense model with its prompts, or both
    fused (`<model>+bm25`); a dense model compared alone and fused is ranked once."""
    from miracle_dagster.core.evaluation import ir

    language = args.language or ("en" if args.liveqa else "de")

    def rank_dense(name: str) -> dict[str, list[str]]:
        model, prompts = _load(name)
        with ir.max_length(model, args.max_seq_length):
            return ir.rank(model, queries, data.corpus, ir.DEPTH, prompts)

    return ir.ranker(queries, data.corpus, language, ir.DEPTH, rank_dense)


def run(args: argparse.Namespace) -> int:
    """Parsed in cli.py (arguments from add_arguments, so the other commands start without these imports)."""
    import pandas as pd

    from miracle_dagster.core import models
    from miracle_dagster.core.evaluation import ir, significance

    try:
        data, min_grade, stats = _data(args)
        relevant = ir.relevant_or_fail(data, min_grade)
        rank = _ranker(args, data, {q: data.queries[q] for q in relevant})
        values = {name: ir.per_query(rank(name), relevant) for name in dict.fromkeys(args.model)}
    except (ValueError, OSError, models.ModelProvisioningError) as error:
        print(f"miracle ir-eval: {error}", file=sys.stderr)
        return 2
    frame = pd.concat([ir.metric_rows(v, data, name) for name, v in values.items()], ignore_index=True)
    compared = significance.compare(values, args.model[0], ir.REPORTED) if len(values) > 1 else None
    if args.json:
        comparison = [] if compared is None else compared.to_dict("records")
        print(json.dumps({"stats": stats, "min_grade": min_grade, "rows": frame.to_dict("records"), "comparison": comparison}, indent=2))
        return 0
    sizes = [len(d) for d in relevant.values()]
    print(
        f"queries {len(relevant)} (with a relevant document, grade >= {min_grade}), corpus {len(data.corpus)}, "
        f"relevant per query {sum(sizes) / len(sizes):.2f} (>= 2: {sum(n >= 2 for n in sizes)})"
    )
    table = ir.overall(frame, (*ir.HEADLINE, "recall@1", "recall@5", "recall@100"))
    print(table.round(4).to_string())
    if compared is not None:
        print(f"\nvs {args.model[0]} (95% bootstrap interval over queries; p: paired randomization test)")
        print(compared.drop(columns="n_queries").set_index(["model", "metric"]).round(4).to_string())
    return 0
