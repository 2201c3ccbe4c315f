"""`miracle pseudonymize IN.jsonl OUT.jsonl`: the privacy boundary's code on any texts, outside Dagster."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from miracle_dagster.core.pseudonymize import find_leaks, known_phi_values, pseudonymize
from miracle_dagster.jsonl_io import read_jsonl, read_text_lines, write_jsonl
from miracle_dagster.resources import build_llm, build_pseudonymizer


def run(args: argparse.Namespace) -> int:
    rows, bad = read_text_lines(args.input, required=("patient_id",))
    patients = read_jsonl(args.patients) if args.patients else []
    # The secret is resolved here, in the user's own process: MIRACLE_PSEUDONYM_SECRET or the data root's file.
    overrides = {"ner_model": args.ner_model} if args.ner_model else {}
    if args.rules_only:
        overrides["models_dir"] = ""
    if args.llm:
        overrides["llm"] = build_llm(resolve_secrets=True)
    resource = build_pseudonymizer(resolve_secrets=True, **overrides)
    try:
        surrogator = resource.surrogator(patients)
        detector = resource.detector(patients)
    except (ValueError, OSError) as error:  # short secret, NER model not installed, trained model folder gone
        print(f"miracle pseudonymize: {error}", file=sys.stderr)
        return 2
    known = known_phi_values(patients)
    out, key, counts, leaking = [], [], Counter(), 0
    for row, spans in zip(rows, detector.pipe([r["text"] for r in rows], [str(r["patient_id"]) for r in rows])):
        patient = str(row["patient_id"])
        text, replacements = pseudonymize(row["text"], spans, patient, surrogator)
        leaking += bool(find_leaks(text, known.get(patient, set())))
        counts.update(s.type for s in spans)
        out.append({**row, "text": text, "phi": [{"type": s.type, "start": s.start, "end": s.end} for s in spans]})
        key += [{"id": row["id"], "patient_id": patient, **r._asdict()} for r in replacements]
    write_jsonl(args.output, out)
    if args.key:
        write_jsonl(args.key, key)
    print(
        f"detector: {resource.detector_name()}\n"
        f"texts {len(rows)} (+{len(bad)} unreadable lines), PHI replaced {sum(counts.values())}, "
        f"texts still holding a master-list value {leaking}"
    )
    for line in bad:
        print(f"  unreadable line {line['line']}: {line['reason']} ({line['detail']})")
    for typ, n in counts.most_common():
        print(f"  {typ}: {n}")
    return 1 if leaking else 0
