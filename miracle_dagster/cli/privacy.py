"""`miracle pseudonymize IN.jsonl OUT.jsonl`: the privacy boundary's code on any texts, outside Dagster."""

from __future__ import annotations

from collections import Counter

import click

from miracle_dagster.cli.common import INPUT, jsonl_in_out


@click.command("pseudonymize")
@jsonl_in_out
@click.option("--patients", type=INPUT, help="JSONL patient master list (patient_id, first_name, last_name, birth_date, ...)")
@click.option(
    "--key", type=click.Path(dir_okay=False), help="also write the surrogate key (original -> surrogate) here: keep it restricted"
)
@click.option("--ner-model", help="an installed spaCy pipeline merged with the rules, e.g. de_core_news_lg")
@click.option("--rules-only", is_flag=True, help="leave out the trained phi_detector (default: its latest version, if trained)")
@click.option("--llm", is_flag=True, help="the LLM (MIRACLE_LLM_*) joins as a third detector (as MIRACLE_PHI_LLM=1)")
def pseudonymize_command(input_file, output, patients, key, ner_model, rules_only: bool, llm: bool) -> int:
    """Replace PHI in the texts of a JSONL file (lines {"id", "patient_id", "text"}) with consistent surrogates; OUTPUT
    gets the same lines with `text` pseudonymized and `phi` (type, start, end in the input). Exit code 1 when a text
    still holds a value of the master list."""
    from miracle_dagster.core.pseudonymize import find_leaks, known_phi_values, pseudonymize
    from miracle_dagster.jsonl_io import read_jsonl, read_text_lines, write_jsonl
    from miracle_dagster.resources import build_llm, build_pseudonymizer

    rows, bad = read_text_lines(input_file, required=("patient_id",))
    master = read_jsonl(patients) if patients else []
    # The secret is resolved here, in the user's own process: MIRACLE_PSEUDONYM_SECRET or the data root's file.
    overrides = {"ner_model": ner_model} if ner_model else {}
    if rules_only:
        overrides["models_dir"] = ""
    if llm:
        overrides["llm"] = build_llm(resolve_secrets=True)
    resource = build_pseudonymizer(resolve_secrets=True, **overrides)
    surrogator = resource.surrogator(master)  # a short secret, a NER model not installed: one line, exit code 2
    detector = resource.detector(master)
    known = known_phi_values(master)
    out, keys, counts, leaking = [], [], Counter(), 0
    for row, spans in zip(rows, detector.pipe([r["text"] for r in rows], [str(r["patient_id"]) for r in rows])):
        patient = str(row["patient_id"])
        text, replacements = pseudonymize(row["text"], spans, patient, surrogator)
        leaking += bool(find_leaks(text, known.get(patient, set())))
        counts.update(s.type for s in spans)
        out.append({**row, "text": text, "phi": [{"type": s.type, "start": s.start, "end": s.end} for s in spans]})
        keys += [{"id": row["id"], "patient_id": patient, **r._asdict()} for r in replacements]
    write_jsonl(output, out)
    if key:
        write_jsonl(key, keys)
    click.echo(
        f"detector: {resource.detector_name()}\n"
        f"texts {len(rows)} (+{len(bad)} unreadable lines), PHI replaced {sum(counts.values())}, "
        f"texts still holding a master-list value {leaking}"
    )
    for line in bad:
        click.echo(f"  unreadable line {line['line']}: {line['reason']} ({line['detail']})")
    for typ, n in counts.most_common():
        click.echo(f"  {typ}: {n}")
    return 1 if leaking else 0


COMMANDS = (pseudonymize_command,)
