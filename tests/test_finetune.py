"""`miracle finetune` on a user's pairs file: bad lines quarantined with reasons, the dev split by passage, guarded
hard negatives, and a model folder that `miracle ir-eval --model` loads."""

import json

import pandas as pd

from miracle_dagster import cli
from miracle_dagster.core.training.negatives import mine
from miracle_dagster.core.training.user_pairs import read_pairs

TOPICS = [
    ("asthma", "Asthma is a chronic disease of the airways that makes breathing hard; inhalers relieve the wheezing."),
    ("gout", "Gout is arthritis caused by uric acid crystals in a joint, often the big toe, with sudden severe pain."),
    ("anemia", "Anemia means too few red blood cells to carry oxygen; iron deficiency is the most common cause."),
    ("glaucoma", "Glaucoma damages the optic nerve, usually through high eye pressure, and can lead to blindness."),
    ("psoriasis", "Psoriasis is a skin disease with red, itchy, scaly patches, most often on knees, elbows and scalp."),
    ("shingles", "Shingles is a painful rash caused by the varicella zoster virus, the virus of chickenpox, waking up."),
    ("migraine", "Migraine is a headache disorder with throbbing pain on one side, nausea and sensitivity to light."),
    ("scurvy", "Scurvy results from a lack of vitamin C and causes bleeding gums, bruising and poor wound healing."),
]


def _pairs_file(path):
    lines = []
    for topic, passage in TOPICS:
        for ask in (f"What is {topic}?", f"symptoms of {topic}", f"how is {topic} treated"):
            lines.append(json.dumps({"query": ask, "positive": passage}))
    lines += [
        "not json at all",
        json.dumps({"query": "", "positive": "text"}),
        json.dumps({"query": "q", "positive": "p", "negatives": "not a list"}),
        json.dumps({"query": "q", "positive": "p", "negatives": ["p"]}),
        lines[0],  # the same pair twice
        "",  # blank lines are not lines
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_lines_are_rejected_with_their_reason_and_the_split_is_by_passage(tmp_path):
    user = read_pairs(_pairs_file(tmp_path / "pairs.jsonl"), dev_fraction=0.3, seed=1)
    assert user.lines == 29 and len(user.pairs) == 24
    assert user.rejected_by_reason == {
        "not_json": 1,
        "missing_query": 1,
        "negatives_not_a_list_of_texts": 1,
        "positive_among_negatives": 1,
        "duplicate_pair": 1,
    }
    assert [r["line"] for r in user.rejected] == [25, 26, 27, 28, 29]
    assert (user.pairs.groupby("passage_id")["split"].nunique() == 1).all()  # no passage in both splits
    assert set(user.pairs["split"]) == {"train", "dev"}
    again = read_pairs(tmp_path / "pairs.jsonl", dev_fraction=0.3, seed=1)
    assert again.pairs["split"].tolist() == user.pairs["split"].tolist()  # reproducible


def test_near_duplicates_of_the_positive_are_never_negatives(models_dir):
    from miracle_dagster.core import models

    positive = TOPICS[0][1]
    republished = positive.replace("hard;", "hard,")  # the same answer copied to another page
    rows = [("What is asthma?", positive), ("asthma inhaler", republished), *((f"What is {t}?", p) for t, p in TOPICS[1:])]
    pairs = pd.DataFrame(rows, columns=["query", "positive"])
    pairs["document_id"] = pairs["case_id"] = pairs["patient_id"] = [f"d{i}" for i in range(len(pairs))]
    model = models.load_sentence_transformer(models.resolve_model("multilingual-e5-small"), models_dir)
    model.max_seq_length = 48
    mined = mine(pairs, model, num_negatives=2, candidates=6, margin=0.0, query_prompt="query: ", passage_prompt="passage: ")
    assert republished not in mined.negatives[0] and positive not in mined.negatives[1]
    assert mined.removed["near_duplicate"] >= 2 and all(mined.negatives)


def test_finetune_writes_a_model_ir_eval_loads_with_its_report(tmp_path, capsys):
    pairs = _pairs_file(tmp_path / "pairs.jsonl")
    out = tmp_path / "model"
    args = ["finetune", "--pairs", str(pairs), "--out", str(out), "--max-steps", "2", "--batch-size", "4"]
    args += ["--max-seq-length", "32", "--dev-fraction", "0.3", "--negatives", "1", "--json"]
    assert cli.main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["steps"] == 2 and report["pairs_by_split"]["train"] + report["pairs_by_split"]["dev"] == 24
    assert report["rejected_by_reason"]["not_json"] == 1 and report["negatives_mined"] > 0
    assert set(report["dev_before"]) == set(report["dev_after"]) == {"map@100", "ndcg@10"}
    written = json.loads((out / "finetune_report.json").read_text())
    assert [r["reason"] for r in written["rejected"]][:1] == ["not_json"] and not (out / "checkpoints").exists()
    assert json.loads((out / "config_sentence_transformers.json").read_text())["prompts"]["query"] == "query: "
    assert "MultipleNegativesRankingLoss" in (out / "README.md").read_text()  # the model card
    corpus, queries, qrels = (tmp_path / f"{n}.jsonl" for n in ("corpus", "queries", "qrels"))
    corpus.write_text("\n".join(json.dumps({"id": t, "text": p}) for t, p in TOPICS))
    queries.write_text("\n".join(json.dumps({"id": t, "text": f"what causes {t}"}) for t, _ in TOPICS))
    qrels.write_text("\n".join(json.dumps({"query_id": t, "doc_id": t, "grade": 1}) for t, _ in TOPICS))
    evaluated = ["ir-eval", "--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels), "--language", "en"]
    assert cli.main([*evaluated, "--model", "multilingual-e5-small", "--model", str(out), "--json"]) == 0
    rows = pd.DataFrame(json.loads(capsys.readouterr().out)["rows"])
    assert set(rows["model"]) == {"multilingual-e5-small", str(out)}
    assert cli.main(args) == 2 and "already holds a model" in capsys.readouterr().err  # never overwritten
