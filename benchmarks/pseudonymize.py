#!/usr/bin/env python
"""Throughput of PHI detection + pseudonymization against plain spaCy tokenization of the same texts.

    .venv/bin/python benchmarks/pseudonymize.py --patients 100

The sample corpus is generated once; then, for ``--repeats`` rounds in rotating order (so background load hits
every variant alike), each variant processes all documents:

- **blank**: ``list(spacy.blank("de").pipe(texts))``, the tokenizer alone, the floor any spaCy-based detector pays;
- **detect**: ``PHIDetector(patients).pipe(texts, patient_ids)``, rules + master list (no NER model);
- **detect+pseudonymize**: the same plus ``pseudonymize`` of every document with a fresh ``Surrogator`` per round
  (its surrogate cache starts empty, as in a new run);
- **detect+model** (with ``--model DIR``, a trained ``phi_detector`` version folder): the rules merged with the
  trained spaCy NER, what the pseudonymizer runs once ``phi_detector`` is materialized.

Printed: documents/s and characters/s per variant (median over rounds), the ratio to blank, and one-off setup
costs (detector and surrogator construction). Nothing asserts; compare ratios from one run, not rates across machines.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=100, help="patients in the sample corpus (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="corpus seed (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per variant, median reported (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size (default: %(default)s)")
    parser.add_argument("--no-master-list", action="store_true", help="detect with the rules alone")
    parser.add_argument("--model", default="", help="a trained phi_detector folder (models/phi_detector/<version>): adds detect+model")
    parser.add_argument("--json", default="", help="also write all numbers to this JSON file")
    return parser.parse_args(argv)


def main(args: argparse.Namespace) -> dict:
    import spacy

    from miracle_dagster.core.pseudonymize import PHIDetector, Surrogator, pseudonymize
    from miracle_dagster.core.sample_corpus import generate_corpus

    corpus = generate_corpus(n_patients=args.patients, seed=args.seed)
    texts = [d["text"] for d in corpus.documents]
    pids = [d["patient_id"] for d in corpus.documents]
    n_chars = sum(map(len, texts))
    patients = () if args.no_master_list else corpus.patients
    secret = b"benchmark-secret-0123456789abcdef"

    t0 = time.perf_counter()
    detector = PHIDetector(patients=patients)
    setup_detector = time.perf_counter() - t0
    t0 = time.perf_counter()
    Surrogator(secret, patients=corpus.patients)
    setup_surrogator = time.perf_counter() - t0
    blank = spacy.blank("de")

    def run_blank() -> None:
        list(blank.pipe(texts, batch_size=args.batch_size))

    def run_detect() -> None:
        list(detector.pipe(texts, pids, batch_size=args.batch_size))

    def run_full() -> None:
        surrogator = Surrogator(secret, patients=corpus.patients)
        for text, pid, spans in zip(texts, pids, detector.pipe(texts, pids, batch_size=args.batch_size)):
            pseudonymize(text, spans, pid, surrogator)

    variants = {"blank": run_blank, "detect": run_detect, "detect+pseudonymize": run_full}
    if args.model:
        from miracle_dagster.core.pseudonymize.trained import TrainedPHISource

        merged = PHIDetector(patients=patients, sources=[TrainedPHISource(args.model)])
        variants["detect+model"] = lambda: list(merged.pipe(texts, pids, batch_size=args.batch_size))
    run_blank()  # warm-up: vocab and lexeme caches
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for r in range(args.repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t0 = time.perf_counter()
            variants[name]()
            seconds[name].append(time.perf_counter() - t0)

    result = {
        "documents": len(texts),
        "characters": n_chars,
        "patients": args.patients,
        "master_list": not args.no_master_list,
        "setup_seconds": {"detector": round(setup_detector, 3), "surrogator": round(setup_surrogator, 3)},
        "variants": {},
    }
    base = statistics.median(seconds["blank"])
    print(
        f"{len(texts)} documents, {n_chars / 1e6:.2f} M characters, {args.patients} patients, "
        f"master list: {'no' if args.no_master_list else 'yes'}, {args.repeats} rounds (median)"
    )
    print(f"setup: PHIDetector {setup_detector:.2f} s, Surrogator {setup_surrogator:.2f} s")
    print(f"{'variant':<22}{'docs/s':>10}{'chars/s':>12}{'seconds':>10}{'x blank':>10}")
    for name in variants:
        sec = statistics.median(seconds[name])
        row = {
            "seconds": round(sec, 3),
            "docs_per_s": round(len(texts) / sec, 1),
            "chars_per_s": round(n_chars / sec),
            "slowdown_vs_blank": round(sec / base, 2),
        }
        result["variants"][name] = row
        print(f"{name:<22}{row['docs_per_s']:>10.1f}{row['chars_per_s']:>12,}{sec:>10.2f}{row['slowdown_vs_blank']:>10.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return result


if __name__ == "__main__":
    main(parse_args())
