"""`miracle generate-qa IN.jsonl OUT.jsonl`: the asset's generation code on any texts, for trying prompts and backends."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace

from miracle_dagster.core import llm, qa
from miracle_dagster.jsonl_io import plain, read_text_lines, write_jsonl
from miracle_dagster.resources import build_embedder, build_llm

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


def run(args: argparse.Namespace) -> int:
    texts, bad_lines = read_inputs(args.input, args.language)
    overrides = {k: v for k, v in (("backend", args.backend), ("model", args.model), ("base_url", args.base_url)) if v}
    resource = build_llm(resolve_secrets=True, **overrides, **({"cache_dir": ""} if args.no_cache else {}))
    embedder = build_embedder()
    client = resource.client()
    config = qa.QAConfig(
        questions_per_section=args.questions,
        temperature=args.temperature,
        prompts_file=args.prompts_file,
        round_trip_top_k=args.round_trip_top_k,
        min_section_tokens=0,
    )
    kept_rows, rejected_rows, reasons = [], [], Counter()
    try:
        for language in sorted({t["language"] for t in texts}):
            group = [t for t in texts if t["language"] == language]
            result = qa.generate_qa(
                group,
                client,
                replace(config, language=language),
                encode_queries=embedder.encoder(kind="query"),
                encode_passages=embedder.encoder(kind="passage"),
            )
            kept_rows += result.kept.rename(columns={"passage_id": "id"}).to_dict("records")
            rejected_rows += result.rejected.rename(columns={"passage_id": "id"}).to_dict("records")
            reasons.update(result.rejected_by_reason)
    except (llm.LLMUnavailableError, ValueError) as error:
        print(f"miracle generate-qa: {error}", file=sys.stderr)
        return 2
    write_jsonl(args.output, [{k: plain(row.get(k)) for k in OUTPUT_FIELDS} for row in kept_rows])
    if args.rejected:
        write_jsonl(args.rejected, [*bad_lines, *({k: plain(v) for k, v in r.items()} for r in rejected_rows)])
    usage = client.usage
    print(
        f"texts {len(texts)} (+{len(bad_lines)} unreadable lines), pairs kept {len(kept_rows)}, "
        f"rejected {len(rejected_rows)}; {usage.generated} generated, {usage.cached} cached, "
        f"{usage.tokens_out} tokens out at {usage.tokens_per_s:.1f} tokens/s ({client.model_id})"
    )
    for reason, n in reasons.most_common():
        print(f"  rejected: {reason}: {n}")
    return 0
