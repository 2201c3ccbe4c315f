"""`miracle translate IN.jsonl OUT.jsonl`: the translation assets' code on any texts, outside Dagster.

Give it pseudonymized text (`miracle pseudonymize` output): with `--backend deepl` it leaves the hospital.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from miracle_dagster.core import translate
from miracle_dagster.jsonl_io import plain, read_text_lines, write_jsonl
from miracle_dagster.resources import build_llm, build_translator


def run(args: argparse.Namespace) -> int:
    rows, bad = read_text_lines(args.input)
    options = (("backend", args.backend), ("target_lang", args.target_lang), ("server_url", args.server_url))
    translator = build_translator(resolve_secrets=True, **{k: v for k, v in options if v})
    try:
        backend = translator.connect(build_llm(resolve_secrets=True))
    except ValueError as error:  # no DeepL key, unknown backend or target
        print(f"miracle translate: {error}", file=sys.stderr)
        return 2
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", "text"])
    done = translate.translate_rows(
        frame, ("text",), backend, translator.cache(), translator.source_lang, translator.target_lang, translator.glossary().version
    )
    write_jsonl(args.output, ({k: plain(v) for k, v in r.items()} for r in done.english.to_dict("records")))
    if args.untranslated:
        write_jsonl(args.untranslated, [*({k: plain(v) for k, v in r.items()} for r in done.untranslated.to_dict("records")), *bad])
    run = done.run
    print(
        f"texts {len(rows)} (+{len(bad)} unreadable lines), translated {len(done.english)} with {backend.name}, "
        f"untranslated {len(done.untranslated)}; sent {run.texts_sent}, from cache {run.texts_cached}, "
        f"characters billed {run.billed_characters}"
    )
    for reason, n in done.by_reason.most_common():
        print(f"  {reason}: {n}")
    if run.stopped:
        print(f"  stopped: {run.stopped}; what was translated is cached, run again to resume", file=sys.stderr)
    return 1 if run.stopped else 0
