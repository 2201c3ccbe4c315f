"""`miracle generate-qa IN.jsonl OUT.jsonl`: the asset's generation code on any texts, for trying prompts and backends."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import click

from miracle_dagster.cli.common import UserError, jsonl_in_out, quiet_model_loading

OUTPUT_FIELDS = (
    "id",
    "pair_id",
    "question",
    "answer",
    "language",
    "question_language",
    "answer_support",
    "round_trip_rank",
    "generator_model",
    "prompt_version",
)


def read_inputs(path: str, default_language: str) -> tuple[list[dict], list[dict]]:
    """(texts as the generator's passages, unreadable lines with the reason); pairs point back at the ids."""
    from miracle_dagster.jsonl_io import read_text_lines

    rows, bad = read_text_lines(path)
    texts = [
        {
            "passage_id": row["id"],
            "text": row["text"],
            "language": str(row.get("language") or default_language),
            "document_type": str(row.get("document_type") or ""),
            "section_name": str(row.get("section_name") or ""),
        }
        for row in rows
    ]
    return texts, bad


@click.command("generate-qa")
@jsonl_in_out
@click.option("--rejected", type=click.Path(dir_okay=False), help="JSONL of rejected pairs, failed texts and unreadable input lines")
@click.option("--language", default="de", show_default=True, help="language of texts that do not say")
@click.option("--questions", type=click.IntRange(min=1), default=3, show_default=True, help="questions per text")
@click.option("--temperature", type=click.FloatRange(min=0), default=0.3, show_default=True)
@click.option("--prompts-file", default="", type=click.Path(dir_okay=False), help="JSON overriding the built-in prompts")
@click.option("--round-trip-top-k", type=click.IntRange(min=0), default=3, show_default=True, help="0 disables the round-trip filter")
@click.option("--backend", help="local | openai | vllm (default MIRACLE_LLM_BACKEND or local)")
@click.option("--model", help="GGUF name/path, served model name or HF id (default MIRACLE_LLM_MODEL)")
@click.option("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1")
@click.option("--no-cache", is_flag=True, help="do not read or write the completion cache")
def generate_qa(
    input_file, output, rejected, language, questions, temperature, prompts_file, round_trip_top_k, backend, model, base_url, no_cache
) -> int:
    """Question-answer pairs for the texts of a JSONL file (lines {"id", "text", "language"?, "document_type"?,
    "section_name"?}), outside Dagster; OUTPUT gets the kept pairs."""
    from miracle_dagster.core import llm, qa
    from miracle_dagster.jsonl_io import plain, write_jsonl
    from miracle_dagster.resources import build_embedder, build_llm

    quiet_model_loading()
    texts, bad_lines = read_inputs(input_file, language)
    overrides = {k: v for k, v in (("backend", backend), ("model", model), ("base_url", base_url)) if v}
    resource = build_llm(resolve_secrets=True, **overrides, **({"cache_dir": ""} if no_cache else {}))
    embedder = build_embedder()
    client = resource.client()
    config = qa.QAConfig(
        questions_per_section=questions,
        temperature=temperature,
        prompts_file=prompts_file,
        round_trip_top_k=round_trip_top_k,
        min_section_tokens=0,
    )
    kept_rows, rejected_rows, reasons = [], [], Counter()
    try:
        for lang in sorted({t["language"] for t in texts}):
            group = [t for t in texts if t["language"] == lang]
            result = qa.generate_qa(
                group,
                client,
                replace(config, language=lang),
                encode_queries=embedder.encoder(kind="query"),
                encode_passages=embedder.encoder(kind="passage"),
            )
            kept_rows += result.kept.rename(columns={"passage_id": "id"}).to_dict("records")
            rejected_rows += result.rejected.rename(columns={"passage_id": "id"}).to_dict("records")
            reasons.update(result.rejected_by_reason)
    except llm.LLMUnavailableError as error:
        raise UserError(str(error)) from error
    write_jsonl(output, [{k: plain(row.get(k)) for k in OUTPUT_FIELDS} for row in kept_rows])
    if rejected:
        write_jsonl(rejected, [*bad_lines, *({k: plain(v) for k, v in r.items()} for r in rejected_rows)])
    usage = client.usage
    click.echo(
        f"texts {len(texts)} (+{len(bad_lines)} unreadable lines), pairs kept {len(kept_rows)}, "
        f"rejected {len(rejected_rows)}; {usage.generated} generated, {usage.cached} cached, "
        f"{usage.tokens_out} tokens out at {usage.tokens_per_s:.1f} tokens/s ({client.model_id})"
    )
    for reason, n in reasons.most_common():
        click.echo(f"  rejected: {reason}: {n}")
    return 0


COMMANDS = (generate_qa,)
