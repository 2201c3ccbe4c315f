"""`miracle ir-eval`: the retrieval metrics of ir_eval_report on a user's JSONL files or on LiveQA-Med, outside Dagster."""

from __future__ import annotations

import json
from pathlib import Path

import click

from miracle_dagster.cli.common import INPUT, UserError, json_option, quiet_model_loading


def _data(corpus, queries, qrels, liveqa, distractors: int, question_text: str, min_grade: int | None):
    from miracle_dagster.core.evaluation import ir_files, public_data

    if liveqa:
        min_grade = public_data.MIN_GRADE if min_grade is None else min_grade
        loaded = public_data.load_liveqa(Path(liveqa), distractors, question_text, min_grade)
        return loaded.data, min_grade, loaded.stats
    if not (corpus and queries and qrels):
        raise UserError("give --corpus, --queries and --qrels, or --liveqa DATA_DIR")
    return ir_files.read_files(Path(corpus), Path(queries), Path(qrels)), 1 if min_grade is None else min_grade, {}


def load_model(name: str):
    """A registry name (prompts from its entry) or a local folder (prompts from its config_sentence_transformers.json)."""
    from miracle_dagster.core import models, settings
    from miracle_dagster.core.evaluation import ir
    from miracle_dagster.resources import build_embedder

    if Path(name).expanduser().is_dir():
        spec = models.resolve_model(str(Path(name).expanduser()))
        model = models.load_sentence_transformer(spec, settings.models_dir())
        return model, ir.model_prompts(model)
    spec = build_embedder().spec(name)
    model = models.load_sentence_transformer(spec, settings.models_dir())
    return model, ir.model_prompts(model, spec)


@click.command("ir-eval")
@click.option("--corpus", type=INPUT, help='JSONL lines {"id", "text"}')
@click.option("--queries", type=INPUT, help='JSONL lines {"id", "text"}')
@click.option("--qrels", type=INPUT, help='JSONL lines {"query_id", "doc_id", "grade"}')
@click.option(
    "--liveqa", metavar="DATA_DIR", type=click.Path(exists=True, file_okay=False), help="TREC LiveQA-Med + MedQuAD from this folder"
)
@click.option("--distractors", type=click.IntRange(min=-1), default=0, help="with --liveqa: MedQuAD answers added to the corpus (-1: all)")
@click.option(
    "--question-text",
    type=click.Choice(["summary", "message"]),
    default="summary",
    help="with --liveqa: NLM summary or the consumer's message",
)
@click.option(
    "--model",
    "model_names",
    multiple=True,
    required=True,
    help="registry name, sentence-transformers folder, `bm25` (lexical baseline) or `<model>+bm25` (both fused by reciprocal "
    "rank fusion, as hybrid search does); repeat to compare with the first",
)
@click.option("--language", type=click.Choice(["de", "en"]), help="stemming and stopwords of bm25 (default de; en with --liveqa)")
@click.option("--min-grade", type=click.IntRange(min=0), help="grade from which a document counts as relevant (default 1; 2 with --liveqa)")
@click.option("--max-seq-length", type=click.IntRange(min=0), default=0, help="cap the models' token limit (0: their own)")
@click.option(
    "--write-files",
    type=click.Path(file_okay=False, path_type=Path),
    help="also write the evaluated set (e.g. LiveQA-Med with its distractors) as corpus/queries/qrels JSONL, the format "
    "--corpus/--queries/--qrels read: to inspect it, edit it or run other tools on it",
)
@json_option("metric rows as JSON")
def ir_eval(
    corpus, queries, qrels, liveqa, distractors, question_text, model_names, language, min_grade, max_seq_length, write_files, as_json
) -> int:
    """Retrieval metrics (MAP@100, NDCG@10, MRR@10, recall@k) of models on JSONL files or LiveQA-Med, with 95%
    bootstrap intervals and a paired randomization test against the first model."""
    import pandas as pd

    from miracle_dagster.core.evaluation import ir, significance

    quiet_model_loading()
    data, min_grade, stats = _data(corpus, queries, qrels, liveqa, distractors, question_text, min_grade)
    if write_files:
        from miracle_dagster.core.evaluation import ir_files

        written = ir_files.write_files(data, write_files)
        click.echo(f"miracle ir-eval: the evaluated set is in {', '.join(str(p) for p in written.values())}", err=True)
    relevant = ir.relevant_or_fail(data, min_grade)
    language = language or ("en" if liveqa else "de")
    ranked_queries = {q: data.queries[q] for q in relevant}

    def rank_dense(name: str) -> dict[str, list[str]]:
        model, prompts = load_model(name)
        with ir.max_length(model, max_seq_length):
            return ir.rank(model, ranked_queries, data.corpus, ir.DEPTH, prompts)

    # name -> ranking, DEPTH deep: BM25, a dense model with its prompts, or both fused; a model compared alone and
    # fused is ranked once
    rank = ir.ranker(ranked_queries, data.corpus, language, ir.DEPTH, rank_dense)
    values = {name: ir.per_query(rank(name), relevant) for name in dict.fromkeys(model_names)}
    frame = pd.concat([ir.metric_rows(v, data, name) for name, v in values.items()], ignore_index=True)
    compared = significance.compare(values, model_names[0], ir.REPORTED) if len(values) > 1 else None
    if as_json:
        comparison = [] if compared is None else compared.to_dict("records")
        click.echo(
            json.dumps({"stats": stats, "min_grade": min_grade, "rows": frame.to_dict("records"), "comparison": comparison}, indent=2)
        )
        return 0
    sizes = [len(d) for d in relevant.values()]
    click.echo(
        f"queries {len(relevant)} (with a relevant document, grade >= {min_grade}), corpus {len(data.corpus)}, "
        f"relevant per query {sum(sizes) / len(sizes):.2f} (>= 2: {sum(n >= 2 for n in sizes)})"
    )
    click.echo(ir.overall(frame, (*ir.HEADLINE, "recall@1", "recall@5", "recall@100")).round(4).to_string())
    if compared is not None:
        click.echo(f"\nvs {model_names[0]} (95% bootstrap interval over queries; p: paired randomization test)")
        click.echo(compared.drop(columns="n_queries").set_index(["model", "metric"]).round(4).to_string())
    return 0


COMMANDS = (ir_eval,)
