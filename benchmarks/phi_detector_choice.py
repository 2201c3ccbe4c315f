#!/usr/bin/env python
"""spaCy NER vs. a transformer token classifier (fine-tuned from multilingual-e5-small) as the trained PHI detector.

    .venv/bin/python benchmarks/phi_detector_choice.py --folds 5 --max-folds 2 --epochs 12 --tf-epochs 1 --generated 60

Both detectors alone (no rules), on the same GraSCCo folds by template family (read in place from
``../shared/data/grascco``), trained on the fold's training letters plus the same subsample of the generated letters
(``generated_data``; ``--generated N`` documents drawn with a fixed seed, 0 = none, -1 = all). Scored with
``grascco.score`` pooled over the folds run (``--max-folds``). Everything runs on one CPU thread: training seconds per
fold and inference documents/s over all 33 letters (fold 0's models) are comparable between the two.

The transformer: ``AutoModelForTokenClassification`` on the e5-small weights the project provisions (``--model-dir``,
default ``$MIRACLE_HOME/models/multilingual-e5-small``; never downloaded), BIO tags over ``PHI_TYPES``, windows of
``--max-length`` tokens with ``--stride`` overlap, AdamW with linear decay, offsets mapped back to characters with
the fast tokenizer's ``offset_mapping``; a token seen in two windows takes the window where it lies farther from an edge.

Printed at the end, one line per detector:
``detector=<name> folds=<n> recall=<x> precision=<y> train_s_per_fold=<x> docs_per_s=<x>``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ.setdefault(_var, "1" if _var != "TOKENIZERS_PARALLELISM" else "false")

import argparse
import json
import random
import sys
import time
from pathlib import Path


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="../shared/data/grascco")
    p.add_argument("--folds", type=int, default=5, help="k of the k-fold split (default %(default)s)")
    p.add_argument("--max-folds", type=int, default=2, help="folds actually run (default %(default)s)")
    p.add_argument("--epochs", type=int, default=12, help="spaCy NER epochs (default %(default)s)")
    p.add_argument("--tf-epochs", type=int, default=1, help="transformer epochs (default %(default)s)")
    p.add_argument("--generated", type=int, default=60, help="generated documents in training, same for both; -1 all")
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--head-lr", type=float, default=3e-3, help="learning rate of the new classification head")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--stride", type=int, default=32)
    p.add_argument("--model-dir", default=None)
    p.add_argument("--freeze-embeddings", action="store_true", help="keep the 250k x 384 word embeddings fixed")
    p.add_argument("--detectors", default="spacy,transformer")
    p.add_argument("--json", default=None, help="write all results here")
    return p.parse_args(argv)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- transformer token classifier
class TokenClassifier:
    def __init__(self, model_dir, types, max_length=256, stride=32, freeze_embeddings=False):
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        self.torch = torch
        self.labels = ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]
        self.label_id = {label: i for i, label in enumerate(self.labels)}
        self.tok = AutoTokenizer.from_pretrained(model_dir, use_fast=True)
        self.model = AutoModelForTokenClassification.from_pretrained(
            model_dir, num_labels=len(self.labels), id2label=dict(enumerate(self.labels)), label2id=self.label_id
        )
        self.max_length, self.stride, self.freeze_embeddings = max_length, stride, freeze_embeddings

    def _encode(self, texts):
        return self.tok(
            texts,
            max_length=self.max_length,
            stride=self.stride,
            truncation=True,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
            padding=False,
        )

    def _windows(self, data):
        """(input_ids, labels) per window; a token overlapping a span gets B- (first) or I-."""
        enc = self._encode([t for t, _ in data])
        out = []
        for w, ids in enumerate(enc["input_ids"]):
            spans = sorted(data[enc["overflow_to_sample_mapping"][w]][1])
            labels, prev_span = [], None
            for (s, e), sid in zip(enc["offset_mapping"][w], enc.sequence_ids(w)):
                if sid is None or s == e:
                    labels.append(-100 if sid is None else self.label_id["O"])
                    continue
                hit = next((sp for sp in spans if sp[0] < e and s < sp[1]), None)
                if hit is None or hit[2] not in {label[2:] for label in self.labels[1:]}:
                    labels.append(self.label_id["O"])
                    prev_span = None
                    continue
                labels.append(self.label_id[("I-" if prev_span == hit else "B-") + hit[2]])
                prev_span = hit
            out.append((ids, labels))
        return out

    def train(self, data, epochs=1, lr=5e-5, batch_size=8, seed=0, head_lr=3e-3):
        torch = self.torch
        torch.manual_seed(seed)
        windows = self._windows(data)
        steps = epochs * ((len(windows) + batch_size - 1) // batch_size)
        if self.freeze_embeddings:  # the 250k x 384 word embeddings: 96M of the 118M weights, AdamW's bulk of the work
            self.model.roberta.embeddings.word_embeddings.weight.requires_grad_(False)
        params = [p for p in self.model.parameters() if p.requires_grad]
        head = {id(p) for p in self.model.classifier.parameters()}
        # the fresh head needs a larger step: e5's last hidden states are small (std ~0.27), and at 5e-5 the head
        # alone takes hundreds of steps to learn even the O prior (loss stuck ~2 after 76 steps, recall 0)
        opt = torch.optim.AdamW(
            [
                {"params": [p for p in params if id(p) not in head], "lr": lr},
                {"params": [p for p in params if id(p) in head], "lr": head_lr},
            ],
            weight_decay=0.01,
        )
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: min(1.0, (i + 1) / max(1, steps // 10)) * max(0.0, 1 - i / steps))
        rng = random.Random(seed)
        self.model.train()
        losses, step, t0 = [], 0, time.perf_counter()
        for ep in range(epochs):
            order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]))  # length-bucketed batches
            batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            rng.shuffle(batches)
            total = 0.0
            for b in batches:
                ids, attn, lab = self._pad([windows[i] for i in b])
                loss = self.model(input_ids=ids, attention_mask=attn, labels=lab).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                total += loss.item()
                step += 1
                if step % 20 == 0:
                    log(
                        f"  transformer step {step}/{steps} loss {total / (step - ep * len(batches)):.3f} "
                        f"({time.perf_counter() - t0:.0f} s)"
                    )
            losses.append(round(total / len(batches), 4))
        self.model.eval()
        return {"windows": len(windows), "steps": steps, "losses": losses}

    def _pad(self, items):
        torch = self.torch
        n = max(len(ids) for ids, _ in items)
        pad = self.tok.pad_token_id
        ids = torch.tensor([i + [pad] * (n - len(i)) for i, _ in items])
        attn = torch.tensor([[1] * len(i) + [0] * (n - len(i)) for i, _ in items])
        lab = torch.tensor([tags + [-100] * (n - len(tags)) for _, tags in items])
        return ids, attn, lab

    def spans(self, texts, batch_size=8):
        torch = self.torch
        enc = self._encode(list(texts))
        nwin = len(enc["input_ids"])
        # per document: token char start -> (centrality, label, start, end)
        best = [dict() for _ in texts]
        with torch.inference_mode():
            for b0 in range(0, nwin, batch_size):
                idx = list(range(b0, min(nwin, b0 + batch_size)))
                ids, attn, _ = self._pad([(enc["input_ids"][i], [0] * len(enc["input_ids"][i])) for i in idx])
                pred = self.model(input_ids=ids, attention_mask=attn).logits.argmax(-1).tolist()
                for row, w in enumerate(idx):
                    doc = enc["overflow_to_sample_mapping"][w]
                    offs, n = enc["offset_mapping"][w], len(enc["input_ids"][w])
                    for j, ((s, e), sid) in enumerate(zip(offs, enc.sequence_ids(w))):
                        if sid is None or s == e:
                            continue
                        central = min(j, n - 1 - j)
                        if s not in best[doc] or best[doc][s][0] < central:
                            best[doc][s] = (central, self.labels[pred[row][j]], s, e)
        out = []
        for text, toks in zip(texts, best):
            spans, cur = [], None
            for _, label, s, e in (toks[k] for k in sorted(toks)):
                if label == "O":
                    if cur:
                        spans.append(tuple(cur))
                        cur = None
                    continue
                tag, typ = label[0], label[2:]
                if cur and tag == "I" and cur[2] == typ:
                    cur[1] = e
                else:
                    if cur:
                        spans.append(tuple(cur))
                    cur = [s, e, typ]
            if cur:
                spans.append(tuple(cur))
            # sentencepiece offsets may include a leading blank: trim it
            trimmed = []
            for s, e, t in spans:
                while s < e and text[s].isspace():
                    s += 1
                if s < e:
                    trimmed.append((s, e, t))
            out.append(trimmed)
        return out


# ---------------------------------------------------------------- main
def main(argv=None):
    args = parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from miracle_dagster.core.pseudonymize import PHISpan, grascco
    from miracle_dagster.core.pseudonymize.trained import PhiTrainConfig, TrainedPHISource, generated_data, train
    from miracle_dagster.core.schema import PHI_TYPES

    started = time.perf_counter()
    model_dir = args.model_dir or str(Path(os.environ.get("MIRACLE_HOME", "/tmp/work/bench_home")) / "models" / "multilingual-e5-small")
    if not (Path(model_dir) / "config.json").exists():
        sys.exit(f"no provisioned e5-small at {model_dir}: run `MIRACLE_HOME=... miracle provision-models multilingual-e5-small`")
    docs = grascco.load(args.data)
    folds = grascco.folds(docs, args.folds)[: args.max_folds]
    gen_all = [x for items in generated_data(PhiTrainConfig()).values() for x in items]
    gen = gen_all if args.generated < 0 else random.Random(0).sample(gen_all, min(args.generated, len(gen_all)))
    log(
        f"{len(docs)} letters, {args.folds} folds (running {len(folds)}), generated {len(gen)}/{len(gen_all)} "
        f"({sum(len(t) for t, _ in gen)} chars)"
    )
    detectors = args.detectors.split(",")
    predicted = {d: {} for d in detectors}
    train_s = {d: [] for d in detectors}
    speed = {}
    records = {d: [] for d in detectors}
    tested = []
    texts_all = [d["text"] for d in docs]
    for i, test_ids in enumerate(folds):
        held = set(test_ids)
        train_data = grascco.examples(d for d in docs if d["document_id"] not in held) + gen
        test_docs = [d for d in docs if d["document_id"] in held]
        tested += test_docs
        for det in detectors:
            log(f"fold {i + 1}/{len(folds)} {det}: training on {len(train_data) - len(gen)} letters + {len(gen)} generated")
            t0 = time.perf_counter()
            if det == "spacy":
                nlp, rec = train(train_data, None, PhiTrainConfig(epochs=args.epochs))
                source = TrainedPHISource(nlp)
            else:
                source = TokenClassifier(model_dir, PHI_TYPES, args.max_length, args.stride, args.freeze_embeddings)
                rec = source.train(train_data, args.tf_epochs, args.lr, args.batch_size, head_lr=args.head_lr)
            secs = time.perf_counter() - t0
            train_s[det].append(secs)
            records[det].append({k: v for k, v in rec.items() if k in ("blocks", "spans", "losses", "windows", "steps", "rejected_spans")})
            log(f"fold {i + 1} {det}: trained in {secs:.0f} s {records[det][-1]}")
            texts = [d["text"] for d in test_docs]
            for d, spans in zip(test_docs, source.spans(texts)):
                predicted[det][d["document_id"]] = [PHISpan(s, e, t, d["text"][s:e], "model") for s, e, t in spans]
            if i == 0:
                t0 = time.perf_counter()
                source.spans(texts_all)
                speed[det] = len(texts_all) / (time.perf_counter() - t0)
                log(f"{det}: {speed[det]:.2f} docs/s over all {len(texts_all)} letters")
            part = grascco.score(tested, predicted[det])
            log(f"{det} after {i + 1} folds: recall {part['recall']} precision {part['precision']}")
    results = {}
    for det in detectors:
        r = grascco.score(tested, predicted[det])
        results[det] = {
            "folds": len(folds),
            "recall": r["recall"],
            "token_recall": r["token_recall"],
            "precision": r["precision"],
            "gold": r["gold"],
            "predicted": r["predicted"],
            "recall_by_gemtex_type": r["recall_by_gemtex_type"],
            "train_s": [round(s, 1) for s in train_s[det]],
            "docs_per_s": round(speed.get(det, 0), 2),
            "records": records[det],
        }
    print(json.dumps({"args": vars(args), "generated": len(gen), "test_documents": len(tested), "results": results}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    log(f"total {time.perf_counter() - started:.0f} s")
    for det, r in results.items():
        print(
            f"detector={det} folds={r['folds']} recall={r['recall']} precision={r['precision']} "
            f"train_s_per_fold={sum(r['train_s']) / len(r['train_s']):.1f} docs_per_s={r['docs_per_s']}"
        )


if __name__ == "__main__":
    main()
