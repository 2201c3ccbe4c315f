"""RAG evaluation: the patient filter, both scenarios, BERTScore and ragas on known cases, failures with reasons,
and rag_eval_report on a small world with the bundled CPU LLM."""

import numpy as np
import pandas as pd
import pytest
import rag_world

from miracle_dagster.core import vector_index
from miracle_dagster.core.evaluation import rag, rag_metrics
from miracle_dagster.core.llm import Completion, LLMUnavailableError
from miracle_dagster.resources.embedder import EmbeddingModels

PATIENTS = ("pat_a", "pat_b", "pat_c")


def _vector(i: int) -> np.ndarray:
    v = np.random.default_rng(i).normal(size=8)
    return v / np.linalg.norm(v)


@pytest.fixture
def store(tmp_path):
    """Twelve passages of three patients; passage i's vector is _vector(i), so a query hits exactly what it aims at."""
    passages = pd.DataFrame(
        {
            "passage_id": [f"p{i}" for i in range(12)],
            "patient_id": [PATIENTS[i % 3] for i in range(12)],
            "specialty": "radiology",
            "text": [f"Befund {i}" for i in range(12)],
        }
    )
    client = vector_index.EdgeStore(tmp_path / "qdrant")
    client.ensure_collection("c", 8, "de")
    encode = lambda texts: np.stack([_vector(int(t.split()[1])) for t in texts])  # noqa: E731
    vector_index.sync_partition(client, "c", passages, "radiology", "2021", encode)
    yield client, passages
    client.close()


def test_patient_filter_returns_only_that_patients_points(store):
    client, passages = store
    for patient in PATIENTS:
        hits = vector_index.search(client, "c", _vector(0), patient_id=patient, top_k=10)
        assert {h.patient_id for h in hits} == {patient}
        assert len(hits) == int((passages["patient_id"] == patient).sum())


def test_patient_centred_never_sees_another_patient_cross_patient_does(store):
    client, _ = store
    # Questions of pat_b aimed at pat_a's passages: cross-patient finds those, patient-centred stays with pat_b.
    questions = pd.DataFrame(
        {
            "pair_id": ["q0", "q3"],
            "question": ["Befund 0", "Befund 3"],
            "answer": "a",
            "patient_id": "pat_b",
            "passage_id": ["p1", "p4"],
            "reference_context": "Befund 1",
            "specialty": "radiology",
            "year": "2021",
        }
    )
    encode = lambda texts: np.stack([_vector(int(t.split()[1])) for t in texts])  # noqa: E731
    rows = rag.retrieve(client, "c", encode, questions, top_k=3)
    assert [r.scenario for r in rows] == list(rag.SCENARIOS) * 2
    cross = [r for r in rows if r.scenario == "cross_patient"]
    centred = [r for r in rows if r.scenario == "patient_centred"]
    assert [r.context_ids[0] for r in cross] == ["p0", "p3"] and "pat_a" in cross[0].context_patients
    assert all(set(r.context_patients) == {"pat_b"} and len(r.contexts) == 3 for r in centred)
    nobody = rag.retrieve(client, "c", encode, questions.assign(patient_id="pat_unknown").head(1), top_k=3)
    assert [(r.scenario, r.failure) for r in nobody] == [("cross_patient", ""), ("patient_centred", "no_contexts")]


def test_bertscore_scores_identical_text_above_unrelated_text(models_dir):
    folder = EmbeddingModels(models_dir=str(models_dir)).provision("multilingual-e5-small")
    reference = "Neu aufgetretenes Infiltrat im rechten Unterlappen, Verdacht auf Pneumonie."
    same, paraphrase, unrelated = rag_metrics.bertscore_f1(
        [reference, "Infiltrat rechter Unterlappen, V.a. Pneumonie.", "Die Gipsschiene am linken Handgelenk sitzt gut."],
        [reference] * 3,
        folder,
        num_layers=9,
    )
    assert same == pytest.approx(1.0, abs=1e-4) and same > paraphrase > unrelated


def test_ragas_context_metrics_without_an_llm_on_a_hand_made_case():
    source, other = "Infiltrat im rechten Unterlappen, V.a. Pneumonie.", "Distale Radiusfraktur links, Gipsschiene."
    frame = pd.DataFrame(
        {
            "question": "Was zeigt das Röntgen?",
            "response": "Pneumonie",
            "reference": "Pneumonie",
            "reference_context": source,
            "failure": ["", "", "", "no_contexts"],
            "contexts": [[source, other], [other, source], [other], []],
        }
    )
    scores = rag_metrics.ragas_scores(frame)
    assert list(scores.columns) == ["context_precision", "context_recall"]
    assert scores["context_precision"].tolist()[:3] == pytest.approx([1.0, 0.5, 0.0], abs=1e-6)
    assert scores["context_recall"].tolist()[:3] == [1.0, 1.0, 0.0] and scores.iloc[3].isna().all()


def test_ragas_imports_with_the_pinned_langchain_and_the_judge_talks_to_our_endpoint():
    import ragas

    assert ragas.__version__.startswith("0.4.")  # langchain-community 0.4 breaks `import ragas`: see pyproject pins
    llm, embeddings = rag_metrics._judge_models(
        rag_metrics.Judge("judge-8b", "http://gpu-host:8000/v1"), lambda t: np.ones((len(t), 2)), lambda t: np.zeros((len(t), 2))
    )
    assert type(llm).__name__ == "LangchainLLMWrapper" and llm.langchain_llm.openai_api_base == "http://gpu-host:8000/v1"
    assert embeddings.embed_query("Frage?") == [1.0, 1.0]


def test_bleurt_says_why_it_is_not_available(tmp_path):
    assert rag_metrics.bleurt_scorer("") == (None, "MIRACLE_BLEURT_CHECKPOINT is not set")
    scorer, why = rag_metrics.bleurt_scorer(str(tmp_path / "missing"))
    assert scorer is None and why.startswith("no checkpoint folder")


class _Client:
    def __init__(self, completions=None, error=None):
        self.completions, self.error, self.requests = completions, error, []

    def complete(self, requests):
        self.requests += requests
        if self.error:
            raise self.error
        return self.completions[: len(requests)]


def test_llm_failures_are_recorded_per_row_with_reasons():
    rows = [rag.RagRow("cross_patient", f"q{i}", "pat_a", "Frage?", "Antwort", "Kontext", contexts=["Kontext"]) for i in range(3)]
    rows.append(rag.RagRow("patient_centred", "q9", "pat_a", "Frage?", "Antwort", "Kontext", failure="no_contexts"))
    client = _Client([Completion(text=" Pneumonie. "), Completion(error="HTTP 400: context too long"), Completion(text=" ")])
    answered = rag.answer(rows, client, "de", max_tokens=16)
    assert len(client.requests) == 3 and "[1] Kontext" in client.requests[0].messages[1][1]
    assert [(r.response, r.failure) for r in answered] == [("Pneumonie.", ""), ("", "llm_error"), ("", "empty_answer"), ("", "no_contexts")]
    assert "context too long" in answered[1].detail
    down = rag.answer(
        [rag.RagRow("cross_patient", "q", "p", "F?", "A", "K", contexts=["K"])], _Client(error=LLMUnavailableError("gone")), "de", 16
    )
    assert down[0].failure == "llm_unavailable" and down[0].detail == "gone"
    assert rag.prompt_version("de") != rag.prompt_version("en")


def _meta(result):
    [event] = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


class _Bleurt:  # the scorer's interface; the real one (tests/test_rag_metrics_bleurt.py) is slower to build
    def score(self, references, candidates):
        return [0.25 + 0.5 * (c.strip() == r.strip()) for r, c in zip(references, candidates)]


def test_rag_eval_report_on_a_small_world_with_the_bundled_llm(rag_env, monkeypatch):
    _, res = rag_env
    monkeypatch.setattr(rag_metrics, "bleurt_scorer", lambda checkpoint: (_Bleurt(), ""))
    result = rag_world.evaluate(res)
    assert result.success
    report = result.output_for_node(rag_world.REPORT.node_def.name)
    meta = _meta(result)
    assert len(report) == 2 * 2 * meta["questions"] == 8 and set(report["scenario"]) == set(rag.SCENARIOS)
    assert meta["answered"] + meta["failed"] == 8 and meta["answered"] >= 4
    answered = report[report["failure"] == ""]
    assert answered["bertscore_f1"].between(0, 1).all() and report.loc[report["failure"] != "", "bertscore_f1"].isna().all()
    assert report["context_precision"].notna().all() and (report["n_contexts"] == 1).all()
    assert set(report["model"]) == {rag_world.MODEL, f"finetuned-{rag_world.VARIANT}"} and set(report["language"]) == {"de"}
    assert set(report["specialty"]) == {rag_world.SPECIALTY} and set(report["year"]) == {rag_world.YEAR}
    assert f"| {rag_world.SPECIALTY} |" in meta["by_specialty"] and f"| {rag_world.YEAR} |" in meta["by_year"]
    assert isinstance(meta[f"bertscore_f1 finetuned-{rag_world.VARIANT} cross_patient"], float)
    assert meta["context_precision"].startswith("string similarity")
    assert (answered["bleurt"] >= 0.25).all() and meta["bleurt"] == "scored"
    for metric in ("bertscore_f1", "context_precision", "context_recall", "bleurt"):
        assert f" {metric} |" in meta["metrics"].split("\n")[0]
    assert f"| {rag_world.MODEL} | cross_patient |" in meta["metrics"] and "| patient_centred |" in meta["metrics"]
    assert meta["metrics_chart"].startswith("![mean score](data:image/png;base64,")
    assert meta["judge"].startswith("none")
    assert "layer 9" in meta["bertscore"] and meta["ragas_version"].startswith("0.4.") and meta["llm_backend"] == "local"
    assert meta["answer_prompt_version"] == rag.prompt_version("de") and meta["llm_requests"] == meta["answered"] + meta["failed"]
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.metadata["foreign_contexts"].value == 0


def test_rag_eval_report_records_an_unreachable_llm_per_row(rag_env, models_dir, monkeypatch):
    root, _ = rag_env
    monkeypatch.delenv("MIRACLE_BLEURT_CHECKPOINT", raising=False)
    res = rag_world.resources(root, models_dir, backend="openai", base_url="http://127.0.0.1:9/v1", max_retries=0)
    result = rag_world.evaluate(res)
    assert result.success  # a report of failures is still a report
    report = result.output_for_node(rag_world.REPORT.node_def.name)
    meta = _meta(result)
    assert set(report["failure"]) == {"llm_unavailable"} and meta["answered"] == 0 and meta["failed"] == 8
    assert "cross_patient: llm_unavailable" in meta["failures"] and report["bertscore_f1"].isna().all()
    assert meta["bleurt"] == "not available (MIRACLE_BLEURT_CHECKPOINT is not set)" and "bleurt" not in report
    assert report["context_recall"].notna().all()  # retrieval is scored even when answering failed
    assert "127.0.0.1:9" in meta["judge"] and meta["context_precision"].startswith("llm")  # with a judge, the judged one
