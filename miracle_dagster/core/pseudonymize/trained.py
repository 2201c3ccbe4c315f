"""The trained PHI detector: spaCy's trainable NER on ``blank("de")``, learning the project's PHI types from
annotated letters, merged with the rules as a :class:`~.detect.SpanSource`.

Why spaCy's CNN NER and not a token classifier fine-tuned from the bundled e5-small encoder, measured on the same
two GraSCCo folds with 60 generated letters, one CPU thread (``benchmarks/phi_detector_choice.py``): spaCy trained in 47 s to recall
0.87 / precision 0.83 and tags 26 letters/s; the transformer, given 3-6 minutes per fold (1-2 epochs), had not yet
learned to tag any PHI (recall 0) and tags 2.5 letters/s. It would need far more CPU time per training, and the
asset trains six times (five folds and the final model); on a GPU the comparison may come out otherwise.

Training examples are ``(text, [(start, end, type), ...])``; long letters are cut into blocks of lines so one
update sees a handful of entities, spans are aligned to tokens (``expand``) and every span that cannot be
aligned or overlaps another is counted, never dropped silently.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import spacy
from spacy.training import Example
from spacy.util import minibatch

from miracle_dagster.core.schema import PHI_TYPES

Annotated = tuple[str, Sequence[tuple[int, int, str]]]
META_FILE = "phi_detector.json"


@dataclass(frozen=True)
class PhiTrainConfig:
    """What decides the trained detector; the asset's run config takes its fields from here."""

    epochs: int = 12
    batch_size: int = 16
    dropout: float = 0.2
    seed: int = 0
    block_chars: int = 600  # letters are cut into blocks of whole lines of about this size
    synthetic_documents: int = 400  # generated letters in real-world formats (phi_letters)
    sample_patients: int = 30  # documents of the sample corpus
    use_grascco: bool = True  # the annotated GraSCCo development half, where the folder exists


def blocks(text: str, spans: Sequence[tuple[int, int, str]], size: int) -> list[Annotated]:
    """Cut a letter at line breaks into pieces of about ``size`` characters, never inside a span."""
    out, start = [], 0
    inside = sorted(spans)
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            nl = text.find("\n", end)
            end = len(text) if nl < 0 else nl + 1
            for s, e, _ in inside:  # a multi-line letterhead stays whole
                if s < end < e:
                    end = e
        piece = [(s - start, e - start, t) for s, e, t in inside if start <= s and e <= end]
        out.append((text[start:end], piece))
        start = end
    return out


def _examples(nlp, data: Iterable[Annotated], size: int, stats: Counter) -> list[Example]:
    out = []
    for text, spans in data:
        for piece, piece_spans in blocks(text, spans, size):
            doc = nlp.make_doc(piece)
            ents, last = [], -1
            for s, e, typ in sorted(piece_spans):
                span = doc.char_span(s, e, label=typ, alignment_mode="expand")
                if typ not in PHI_TYPES:
                    stats["unknown_type"] += 1
                elif span is None:
                    stats["not_alignable"] += 1
                elif span.start < last:
                    stats["overlapping"] += 1
                else:
                    ents.append(span)
                    last = span.end
                    stats["spans"] += 1
            doc.ents = ents
            out.append(Example(nlp.make_doc(piece), doc))
    return out


def train(
    data: Sequence[Annotated], out_dir: str | Path | None, config: PhiTrainConfig = PhiTrainConfig(), sources: dict[str, int] | None = None
) -> tuple[spacy.Language, dict]:
    """Train a German NER over PHI types; save to ``out_dir`` (with ``phi_detector.json``) when given.
    Returns the pipeline and its record: documents per source, span counts, rejected spans by reason, losses, seconds."""
    spacy.util.fix_random_seed(config.seed)
    nlp = spacy.blank("de")
    ner = nlp.add_pipe("ner")
    for typ in PHI_TYPES:
        ner.add_label(typ)
    stats: Counter = Counter()
    examples = _examples(nlp, data, config.block_chars, stats)
    if not any(ex.reference.ents for ex in examples):
        raise ValueError("no trainable PHI span in the training data")
    started = time.perf_counter()
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(config.seed)
    losses_per_epoch = []
    for _ in range(config.epochs):
        rng.shuffle(examples)
        losses: dict = {}
        for batch in minibatch(examples, size=config.batch_size):
            nlp.update(batch, drop=config.dropout, sgd=optimizer, losses=losses)
        losses_per_epoch.append(round(float(losses.get("ner", 0.0)), 2))
    record = {
        "config": asdict(config),
        "documents": len(data),
        "blocks": len(examples),
        "spans": stats["spans"],
        "rejected_spans": {k: v for k, v in stats.items() if k != "spans"},
        "spans_by_type": dict(Counter(e.label_ for ex in examples for e in ex.reference.ents).most_common()),
        "losses": losses_per_epoch,
        "train_seconds": round(time.perf_counter() - started, 1),
        "spacy_version": spacy.__version__,
        "sources": dict(sources or {"training data": len(data)}),
    }
    if out_dir is not None:
        out = Path(out_dir)
        nlp.to_disk(out)
        (out / META_FILE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return nlp, record


class TrainedPHISource:
    """A trained detector as a :class:`~.detect.SpanSource`: a saved folder or a pipeline in memory."""

    name = "phi_detector"

    def __init__(self, model: str | Path | spacy.Language, batch_size: int = 32) -> None:
        self.nlp = spacy.load(model) if isinstance(model, (str, Path)) else model
        self.batch_size = batch_size

    def spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in PHI_TYPES]
            for doc in self.nlp.pipe(texts, batch_size=self.batch_size)
        ]


def generated_data(config: PhiTrainConfig) -> dict[str, list[Annotated]]:
    """The generated training letters by source: real-world formats (``phi_letters``) and the sample corpus."""
    from miracle_dagster.core.sample_corpus import generate_corpus
    from miracle_dagster.core.sample_corpus.phi_letters import phi_training_documents

    data: dict[str, list[Annotated]] = {}
    if config.synthetic_documents:
        letters = phi_training_documents(config.synthetic_documents, seed=config.seed)
        data["generated letters (real-world formats)"] = [(d["text"], d["spans"]) for d in letters]
    if config.sample_patients:
        # seed 1000+: never the seeds the sample corpus held-out evaluation (7) or the demo (42) use
        corpus = generate_corpus(n_patients=config.sample_patients, seed=1000 + config.seed)
        spans: dict[str, list] = {}
        for s in corpus.phi_spans:
            spans.setdefault(s["document_id"], []).append((s["start"], s["end"], s["type"]))
        data["sample corpus"] = [(d["text"], spans.get(d["document_id"], [])) for d in corpus.documents]
    return data
