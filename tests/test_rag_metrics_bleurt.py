"""BLEURT through bleurt-pytorch on transformers 5 (a tiny random checkpoint built here: nothing is downloaded),
ragas' LLM-judged context precision against a stub judge, and the report breakdown per group."""

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd
import pytest
import sentencepiece as spm
import torch

from miracle_dagster.core.evaluation import bleurt, rag_metrics

SENTENCES = [
    "Der Patient erhielt 5 mg Bisoprolol täglich.",
    "Blutdruck 140/90 mmHg, Puls 72/min.",
    "Keine Hinweise auf eine Lungenembolie.",
    "The patient was discharged on day three.",
]
REFERENCES = ["Puls 72/min.", "Keine Hinweise auf eine Lungenembolie.", "5 mg Bisoprolol"]
CANDIDATES = ["Puls 72", "Lungenembolie ausgeschlossen, Blutdruck 140/90 mmHg.", "Bisoprolol 5 mg täglich"]


def _tiny_model(vocab_size: int, **sizes):
    bleurt._install_transformers5_shim()
    from bleurt_pytorch import BleurtConfig, BleurtForSequenceClassification

    torch.manual_seed(0)
    config = BleurtConfig(
        vocab_size=vocab_size,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        initializer_range=0.2,
        **sizes,
    )
    return BleurtForSequenceClassification(config)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A BLEURT-20-style folder: config.json, weights and a SentencePiece model whose pieces include [CLS] / [SEP]."""
    folder = tmp_path_factory.mktemp("bleurt-tiny")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES * 20),
        model_prefix=str(folder / "spm"),
        vocab_size=120,
        model_type="unigram",
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        pad_piece="[PAD]",
        unk_piece="[UNK]",
        user_defined_symbols=["[CLS]", "[SEP]", "[MASK]"],
        hard_vocab_limit=False,
        minloglevel=2,
    )
    size = spm.SentencePieceProcessor(model_file=str(folder / "spm.model")).get_piece_size()
    _tiny_model(size).save_pretrained(folder)
    return folder


def test_bleurt_scores_a_tiny_checkpoint_deterministically_and_per_pair(checkpoint):
    scorer, why = rag_metrics.bleurt_scorer(str(checkpoint))
    assert why == "" and scorer is not None and not scorer.model.training
    scores = scorer.score(references=REFERENCES, candidates=CANDIDATES)
    assert len(scores) == 3 and all(isinstance(s, float) and math.isfinite(s) for s in scores)
    assert len(set(scores)) == 3  # a random model, but still one score per pair
    again, _ = rag_metrics.bleurt_scorer(str(checkpoint), batch_size=2)
    assert again.score(references=REFERENCES, candidates=CANDIDATES) == pytest.approx(scores, abs=1e-6)
    # a pair's score does not depend on its batch: alone, or reordered beside longer pairs (padding masked)
    alone = [scorer.score(references=[r], candidates=[c])[0] for r, c in zip(REFERENCES, CANDIDATES)]
    reordered = scorer.score(references=REFERENCES[::-1] * 2, candidates=CANDIDATES[::-1] * 2)
    assert alone == pytest.approx(scores, abs=1e-6) and reordered == pytest.approx(scores[::-1] * 2, abs=1e-6)
    assert scorer.score(references=[], candidates=[]) == []


def test_bleurt_encodes_pairs_as_google_bleurt_does(checkpoint):
    scorer, _ = bleurt.bleurt_scorer(str(checkpoint))
    sp = spm.SentencePieceProcessor(model_file=str(checkpoint / "spm.model"))
    cls, sep = sp.piece_to_id("[CLS]"), sp.piece_to_id("[SEP]")
    ref, cand = sp.encode(REFERENCES[0]), sp.encode(CANDIDATES[0])
    segments = [0] * (len(ref) + 2) + [1] * (len(cand) + 1)
    assert scorer.encode(REFERENCES[0], CANDIDATES[0]) == ([cls, *ref, sep, *cand, sep], segments)
    assert scorer.max_length == 64  # the model's position embeddings
    ref, cand = sp.encode(REFERENCES[1]), sp.encode(CANDIDATES[1])
    assert len(ref) + len(cand) > 61 and len(scorer.encode(REFERENCES[1], CANDIDATES[1])[0]) == 64
    scorer.max_length = 13  # ten tokens of text: the longer side loses its last tokens until the two are even
    ids, segments = scorer.encode(REFERENCES[1], CANDIDATES[1])
    assert ids == [cls, *ref[:5], sep, *cand[:5], sep] and len(segments) == 13


def test_bleurt_under_transformers_5_equals_transformers_own_bert_with_the_same_weights(checkpoint):
    """BLEURT is BERT with a regression head: the shimmed attention mask must give what transformers 5's BERT gives."""
    from transformers import BertConfig, BertForSequenceClassification

    scorer, _ = bleurt.bleurt_scorer(str(checkpoint))
    c = scorer.model.config
    bert = BertForSequenceClassification(
        BertConfig(
            vocab_size=c.vocab_size,
            hidden_size=16,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=32,
            max_position_embeddings=64,
            num_labels=1,
        )
    )
    weights = {k.replace("bleurt.", "bert.", 1): v for k, v in scorer.model.state_dict().items() if "position_ids" not in k}
    result = bert.load_state_dict(weights, strict=False)
    assert not result.missing_keys and not result.unexpected_keys
    pairs = [scorer.encode(r, c) for r, c in zip(REFERENCES, CANDIDATES)]
    width = max(len(ids) for ids, _ in pairs)
    pad = lambda rows: torch.tensor([r + [0] * (width - len(r)) for r in rows])  # noqa: E731
    with torch.no_grad():
        logits = bert.eval()(
            input_ids=pad([i for i, _ in pairs]),
            token_type_ids=pad([s for _, s in pairs]),
            attention_mask=pad([[1] * len(i) for i, _ in pairs]),
        ).logits[:, 0]
    assert scorer.score(references=REFERENCES, candidates=CANDIDATES) == pytest.approx(logits.tolist(), abs=1e-5)


def test_bleurt_reads_a_wordpiece_checkpoint_too(tmp_path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "puls", "72", "/", "min", ".", "keine", "hinweise", "##n"]
    (tmp_path / "vocab.txt").write_text("\n".join(words) + "\n")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "model_max_length": 32}))
    _tiny_model(len(words)).save_pretrained(tmp_path)
    scorer, why = bleurt.bleurt_scorer(str(tmp_path))
    assert why == "" and scorer.max_length == 32 and scorer.tokenize("Puls 72/min.") == ["puls", "72", "/", "min", "."]
    assert all(math.isfinite(s) for s in scorer.score(references=["Puls 72/min."], candidates=["Keine Hinweise"]))


def test_bleurt_says_why_it_cannot_score(checkpoint, tmp_path):
    assert bleurt.bleurt_scorer("") == (None, "MIRACLE_BLEURT_CHECKPOINT is not set")
    assert bleurt.bleurt_scorer(str(tmp_path / "missing"))[1].startswith("no checkpoint folder at")
    assert "no config.json" in bleurt.bleurt_scorer(str(tmp_path))[1]  # e.g. an unconverted TensorFlow checkpoint
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    assert "not a BLEURT model" in bleurt.bleurt_scorer(str(tmp_path))[1]
    (tmp_path / "config.json").write_text((checkpoint / "config.json").read_text())
    assert bleurt.bleurt_scorer(str(tmp_path))[1].startswith("no spm.model or vocab.txt")
    (tmp_path / "spm.model").write_bytes((checkpoint / "spm.model").read_bytes())
    assert bleurt.bleurt_scorer(str(tmp_path))[1].startswith("cannot load the BLEURT model")  # no weights file
    from safetensors.torch import load_file, save_file

    weights = load_file(checkpoint / "model.safetensors")
    save_file({k: v for k, v in weights.items() if not k.startswith("classifier.")}, tmp_path / "model.safetensors")
    scorer, why = bleurt.bleurt_scorer(str(tmp_path))  # a random regression head would score without complaint
    assert scorer is None and "lacks weights: classifier.bias, classifier.weight" in why


class _Judge(BaseHTTPRequestHandler):
    """An OpenAI-compatible judge that finds every context useful and every statement supported."""

    prompts: list[str] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = request["messages"][-1]["content"]
        type(self).prompts.append(prompt)
        if "faithfulness of a series of statements" in prompt:
            answer = {"statements": [{"statement": "Pneumonie.", "reason": "stated", "verdict": 1}]}
        elif '"verdict"' in prompt:
            answer = {"reason": "useful", "verdict": 1}
        elif '"noncommittal"' in prompt:
            answer = {"question": "Was zeigt das Röntgen?", "noncommittal": 0}
        else:
            answer = {"statements": ["Pneumonie."]}
        choices = [
            {"index": i, "message": {"role": "assistant", "content": json.dumps(answer)}, "finish_reason": "stop"}
            for i in range(request.get("n") or 1)
        ]
        body = json.dumps(
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": request["model"],
                "choices": choices,
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def judge():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Judge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Judge.prompts = []
    yield rag_metrics.Judge("judge-stub", f"http://127.0.0.1:{server.server_port}/v1")
    server.shutdown()


def test_with_a_judge_context_precision_is_the_llm_judged_one(judge):
    source, other = "Infiltrat im rechten Unterlappen, V.a. Pneumonie.", "Distale Radiusfraktur links, Gipsschiene."
    frame = pd.DataFrame(
        {
            "question": "Was zeigt das Röntgen?",
            "response": "Pneumonie",
            "reference": "Pneumonie",
            "reference_context": source,
            "failure": ["", "", "empty_answer", "no_contexts"],
            "contexts": [[source, other], [other, source], [other], []],
        }
    )
    ones = lambda texts: np.ones((len(texts), 2))  # noqa: E731
    scores = rag_metrics.ragas_scores(frame, judge, ones, ones)
    assert list(scores.columns) == ["context_precision", "context_recall", "faithfulness", "answer_relevancy"]
    # the judge finds every context useful: 1.0 where string similarity gives 0.5 and 0.0 (see test_evaluate_rag)
    assert scores["context_precision"].tolist()[:3] == pytest.approx([1.0, 1.0, 1.0]) and scores.iloc[3].isna().all()
    assert scores["context_recall"].tolist()[:3] == [1.0, 1.0, 0.0]  # recall stays string similarity
    assert scores["faithfulness"].tolist()[:2] == pytest.approx([1.0, 1.0])
    assert scores.loc[2, ["faithfulness", "answer_relevancy"]].isna().all()  # not answered: nothing to judge
    assert sum("verify if the context was useful" in p for p in _Judge.prompts) == 5  # one per retrieved context
    assert set(rag_metrics.LLM_METRICS.values()) <= set(scores.columns)
    assert rag_metrics.context_precision_kind(judge) == "llm (ragas LLMContextPrecisionWithReference)"
    assert rag_metrics.context_precision_kind(None) == "string similarity (ragas NonLLMContextPrecisionWithReference)"


def test_breakdown_gives_means_and_question_counts_per_scenario_and_group():
    report = pd.DataFrame(
        {
            "scenario": ["cross_patient"] * 4 + ["patient_centred"] * 4,
            "question_id": ["q1", "q2", "q3", "q4"] * 2,
            "specialty": ["radiology", "radiology", "cardiology", None] * 2,
            "failure": ["", "", "", "", "", "llm_error", "", "no_contexts"],
            "bleurt": [0.2, 0.4, 0.9, 0.5, 0.1, math.nan, 0.3, math.nan],
            "context_precision": [1.0, 0.0, 0.5, 1.0, 1.0, 1.0, 0.0, math.nan],
        }
    )
    out = rag_metrics.breakdown(report, ["bleurt", "context_precision"], by="specialty")
    assert list(out.columns) == ["scenario", "specialty", "questions", "answered", "bleurt", "context_precision"]
    rows = {(s, g if isinstance(g, str) else None): r for s, g, *r in out.itertuples(index=False)}
    assert rows[("cross_patient", "radiology")] == [2, 2, pytest.approx(0.3), 0.5]
    assert rows[("cross_patient", "cardiology")] == [1, 1, 0.9, 0.5]
    assert rows[("cross_patient", None)][:2] == [1, 1]  # no specialty: its own group, not dropped
    assert rows[("patient_centred", "radiology")] == [2, 1, 0.1, 1.0]  # the failed row counts as asked, not scored
    assert math.isnan(rows[("patient_centred", None)][3]) and len(out) == 6
    with pytest.raises(KeyError, match="year"):
        rag_metrics.breakdown(report, ["bleurt"], by="year")
    two = pd.concat([report.assign(model="base"), report.assign(model="tuned", bleurt=report["bleurt"] + 0.5)])
    per_model = rag_metrics.breakdown(two, ["bleurt"], by="specialty").set_index(["model", "scenario", "specialty"])
    assert list(per_model.columns) == ["questions", "answered", "bleurt"] and len(per_model) == 12  # models kept apart
    assert per_model.loc[("tuned", "cross_patient", "radiology")].tolist() == pytest.approx([2, 2, 0.8])
