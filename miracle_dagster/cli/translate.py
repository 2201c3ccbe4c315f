"""`miracle translate IN.jsonl OUT.jsonl`: the translation assets' code on any texts, outside Dagster.

Give it pseudonymized text (`miracle pseudonymize` output): with `--backend deepl` it leaves the hospital.
"""

from __future__ import annotations

import click

from miracle_dagster.cli.common import jsonl_in_out


@click.command("translate")
@jsonl_in_out
@click.option("--untranslated", type=click.Path(dir_okay=False), help="JSONL of lines without a kept translation (with the reason)")
@click.option("--backend", type=click.Choice(["llm", "deepl"]), help="default MIRACLE_TRANSLATOR_BACKEND or llm")
@click.option(
    "--target-lang", type=click.Choice(["EN-GB", "EN-US"], case_sensitive=False), help="default MIRACLE_TRANSLATOR_TARGET_LANG or EN-GB"
)
@click.option("--server-url", help="DeepL endpoint (default: by the key, Free or Pro)")
def translate_command(input_file, output, untranslated, backend, target_lang, server_url) -> int:
    """German texts of a JSONL file (lines {"id", "text", ...}; pseudonymized!) into English with DeepL or the LLM;
    OUTPUT gets the lines with `text` in English. Exit code 1 when the run stopped (quota): run again to resume."""
    import pandas as pd

    from miracle_dagster.core import translate
    from miracle_dagster.jsonl_io import plain, read_text_lines, write_jsonl
    from miracle_dagster.resources import build_llm, build_translator

    rows, bad = read_text_lines(input_file)
    options = (("backend", backend), ("target_lang", target_lang), ("server_url", server_url))
    translator = build_translator(resolve_secrets=True, **{k: v for k, v in options if v})
    backend_ = translator.connect(build_llm(resolve_secrets=True))  # no DeepL key: one line, exit code 2
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", "text"])
    done = translate.translate_rows(
        frame, ("text",), backend_, translator.cache(), translator.source_lang, translator.target_lang, translator.glossary().version
    )
    write_jsonl(output, ({k: plain(v) for k, v in r.items()} for r in done.english.to_dict("records")))
    if untranslated:
        write_jsonl(untranslated, [*({k: plain(v) for k, v in r.items()} for r in done.untranslated.to_dict("records")), *bad])
    run = done.run
    click.echo(
        f"texts {len(rows)} (+{len(bad)} unreadable lines), translated {len(done.english)} with {backend_.name}, "
        f"untranslated {len(done.untranslated)}; sent {run.texts_sent}, from cache {run.texts_cached}, "
        f"characters billed {run.billed_characters}"
    )
    for reason, n in done.by_reason.most_common():
        click.echo(f"  {reason}: {n}")
    if run.stopped:
        click.echo(f"  stopped: {run.stopped}; what was translated is cached, run again to resume", err=True)
    return 1 if run.stopped else 0


COMMANDS = (translate_command,)
