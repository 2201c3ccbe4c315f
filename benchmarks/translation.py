#!/usr/bin/env python
"""The translation engine's DeepL path against the bare `deepl` client translating the same texts.

    .venv/bin/python benchmarks/translation.py --texts 1000

Both talk to the local DeepL stand-in (tests/deepl_stub.py), so what differs is this project's work around the
client. Texts are paragraphs of the sample corpus. For ``--repeats`` rounds in rotating order:

- **bare**: ``deepl.Translator.translate_text`` in requests of 50 texts, with the glossary;
- **engine, cold**: ``translate_texts`` with an empty cache: protected spans, batching by count and size, a cache
  write per request, and the faithfulness checks (numbers, units, ICD codes, py3langid) on every output;
- **engine, warm**: the same again on the filled cache: what a re-materialization or a nightly run costs.

Printed: texts/s per variant (median over rounds) and the ratio to bare. Nothing asserts; compare ratios from
one run, not rates across machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=1000, help="paragraphs to translate (default: %(default)s)")
    parser.add_argument("--patients", type=int, default=60, help="patients in the sample corpus (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per variant, median reported (default: %(default)s)")
    return parser.parse_args(argv)


def main(args: argparse.Namespace) -> dict:
    import deepl

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from deepl_stub import DeepLStub

    from miracle_dagster.core import translate
    from miracle_dagster.core.sample_corpus import generate_corpus
    from miracle_dagster.core.translate.deepl_backend import DeepLBackend

    corpus = generate_corpus(n_patients=args.patients, seed=42)
    texts = [p.strip() for d in corpus.documents for p in d["text"].split("\n\n") if p.strip()][: args.texts]
    stub = DeepLStub(auth_key="bench:fx")
    glossary = translate.Glossary()
    workdir = Path(tempfile.mkdtemp(prefix="miracle-translation-bench-"))

    def bare() -> None:
        client = deepl.Translator("bench:fx", server_url=stub.url)
        gid = DeepLBackend("bench:fx", glossary, server_url=stub.url).glossary_id()
        for start in range(0, len(texts), 50):
            client.translate_text(texts[start : start + 50], source_lang="DE", target_lang="EN-GB", glossary=gid)

    def engine(cache_file: Path) -> translate.Translated:
        backend = DeepLBackend("bench:fx", glossary, server_url=stub.url)
        return translate.translate_texts(texts, backend, translate.TranslationCache(cache_file), "DE", "EN-GB", glossary.version)

    times: dict[str, list[float]] = {"bare": [], "engine, cold": [], "engine, warm": []}
    kept = 0
    for round_ in range(args.repeats):
        cache_file = workdir / f"cache{round_}.sqlite"
        variants = [("bare", bare), ("engine, cold", lambda: engine(cache_file)), ("engine, warm", lambda: engine(cache_file))]
        order = variants if round_ % 2 == 0 else variants[1:] + variants[:1]  # bare first or last; warm after cold
        for name, fn in order:
            started = time.perf_counter()
            result = fn()
            times[name].append(time.perf_counter() - started)
            if name == "engine, cold":
                kept = sum(not r for r in result.reasons)
    stub.close()
    rates = {name: len(texts) / statistics.median(t) for name, t in times.items()}
    print(f"{len(texts)} texts, {sum(map(len, texts))} characters; {kept} kept by the faithfulness checks (the stub's crude English)")
    for name, rate in rates.items():
        print(f"  {name:<14} {rate:8.0f} texts/s   ratio to bare {rate / rates['bare']:.2f}")
    return rates


if __name__ == "__main__":
    main(parse_args())
