"""The trained PHI detector: GraSCCo reading and folds, k-fold without leakage, the versioned `phi_detector` asset
with its model card, the pseudonymizer loading the latest version, and the leak check with the model merged in."""

import gzip
import json
from pathlib import Path

import dagster as dg
import pytest
from materialized import metadata_of

from miracle_dagster.assets import ingest_assets, phi_detector, pseudonymization_eval, pseudonymized_sections
from miracle_dagster.core.pseudonymize import PHIDetector, grascco, phi_models
from miracle_dagster.core.pseudonymize.detect import PHISpan
from miracle_dagster.core.pseudonymize.trained import PhiTrainConfig, TrainedPHISource, blocks, generated_data
from miracle_dagster.core.sample_corpus import write_sample_source
from miracle_dagster.core.sample_corpus.phi_letters import phi_training_documents
from miracle_dagster.partitions import partition_key
from miracle_dagster.resources.embedder import EmbeddingModels
from miracle_dagster.resources.pseudonymizer import Pseudonymizer
from miracle_dagster.resources.source import ReportSource
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "grascco"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"GraSCCo not at {DATA}")
SECRET = "test-secret-0123456789abcdef"
GEMTEX = {
    "PATIENT_NAME": "NAME_PATIENT",
    "STAFF_NAME": "NAME_DOCTOR",
    "RELATIVE_NAME": "NAME_RELATIVE",
    "DATE": "DATE",
    "BIRTH_DATE": "DATE",
    "AGE": "AGE",
    "STREET": "LOCATION_STREET",
    "POSTAL_CITY": "LOCATION_CITY",
    "PHONE": "CONTACT_PHONE",
    "FAX": "CONTACT_FAX",
    "EMAIL": "CONTACT_EMAIL",
    "ORGANIZATION": "LOCATION_HOSPITAL",
}
# a letter none of the training data holds: a signature name and d/m/yy dates
UNSEEN = (
    "Klinik für Innere Medizin\n\nSehr geehrte Frau Kollegin,\n\nwir berichten über den Aufenthalt vom 3/11/21 bis 9/11/21.\n"
    "Diagnose: Pneumonie rechts basal.\n\nMit freundlichen Grüßen\n\nDr. med. Wendelin Quastenberg\nOberarzt\n"
)


def _write_grascco(folder: Path, families: int = 3, per_family: int = 2) -> None:
    """A GraSCCo-format file (GeMTeX types, offsets) made of generated letters: the asset runs without the real data."""
    docs = phi_training_documents(families * per_family, seed=99)
    rows = []
    for i, d in enumerate(docs):
        phi = [{"type": GEMTEX.get(t, "ID"), "start": s, "end": e, "text": d["text"][s:e]} for s, e, t in d["spans"]]
        rows.append({"id": f"Fam{i // per_family}_{i % per_family + 1}", "text": d["text"], "phi": phi})
    folder.mkdir(parents=True)
    with gzip.open(folder / "grascco_phi_dev.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, sample_corpus):
    """The asset's plumbing (folds, version, card, evaluation file, private misses): a small training shows it all."""
    root = tmp_path_factory.mktemp("phi")
    _write_grascco(root / "grascco")
    write_sample_source(root / "source", sample_corpus)
    mp = pytest.MonkeyPatch()
    mp.setenv("MIRACLE_GRASCCO_DIR", str(root / "grascco"))
    pseudonymizer = Pseudonymizer(secret=SECRET, private_dir=str(root / "private"), models_dir=str(root / "models"))
    config = {"epochs": 2, "synthetic_documents": 30, "sample_patients": 2, "cv_folds": 2}
    result = dg.materialize(
        [phi_detector], resources={"pseudonymizer": pseudonymizer}, run_config={"ops": {"phi_detector": {"config": config}}}
    )
    yield root, pseudonymizer, result
    mp.undo()


@pytest.fixture(scope="module")
def detector(tmp_path_factory) -> Path:
    """A detector of the quality the tests below assert, trained once on generated letters only and published as the
    asset publishes it: 100 letters and 6 epochs (50 letters missed the d/m/yy date and fell to 0.73 recall on GraSCCo)."""
    config = PhiTrainConfig(epochs=6, synthetic_documents=100, sample_patients=6)
    data = [example for examples in generated_data(config).values() for example in examples]
    path, _ = phi_models.train_and_publish(
        tmp_path_factory.mktemp("phi_models"), phi_models.version_of(data, config.__dict__), data, config
    )
    return path


def test_folds_keep_template_families_together_and_cover_every_document():
    docs = [
        {"document_id": i, "family": grascco.family(i)}
        for i in ("Colon_Fake_A", "Colon_Fake_B", "Colon_Fake_C", "Tupolev_1", "Tupolev_2", "Baastrup", "Cajal", "Utz")
    ]
    folds = grascco.folds(docs, 3)
    assert sorted(i for f in folds for i in f) == sorted(d["document_id"] for d in docs)
    for family in ("Colon_Fake", "Tupolev"):
        assert sum(any(grascco.family(i) == family for i in f) for f in folds) == 1
    with pytest.raises(ValueError, match="between 2"):
        grascco.folds(docs, 6)


def test_blocks_never_cut_a_span_and_keep_offsets():
    text = "Kopf\nARCOS-KLINIK\nFLENSBURG\n" + "Befund unauffällig.\n" * 40 + "Dr. Anna Schmidt\n"
    spans = [(5, 27, "ORGANIZATION"), (len(text) - 13, len(text) - 1, "STAFF_NAME")]
    pieces = blocks(text, spans, size=8)
    assert "".join(p for p, _ in pieces) == text
    found = [(p[s:e], t) for p, sp in pieces for s, e, t in sp]
    assert found == [("ARCOS-KLINIK\nFLENSBURG", "ORGANIZATION"), ("Anna Schmidt", "STAFF_NAME")]


def test_kfold_never_trains_and_scores_on_the_same_document(trained):
    root, pseudonymizer, result = trained
    evaluation = json.loads((pseudonymizer.phi_detector_path() / "evaluation.json").read_text())
    ids = {d["document_id"] for d in grascco.load(root / "grascco")}
    assert evaluation["k"] == 2 and len(evaluation["folds"]) == 2
    assert sorted(i for f in evaluation["folds"] for i in f["test_documents"]) == sorted(ids)
    for fold in evaluation["folds"]:
        assert not set(fold["test_documents"]) & set(fold["train_documents"])
        assert set(fold["test_documents"]) | set(fold["train_documents"]) == ids
        assert len({grascco.family(i) for i in fold["test_documents"]} & {grascco.family(i) for i in fold["train_documents"]}) == 0
    merged = evaluation["results"]["rules_and_model"]
    assert lo_le(merged["recall_ci95"][0], merged["recall"], merged["recall_ci95"][1])
    assert merged["recall"] >= evaluation["results"]["rules"]["recall"]  # a union never catches less


def lo_le(lo, x, hi):
    return lo <= x <= hi


def test_phi_detector_is_versioned_with_a_model_card_and_misses_stay_private(trained):
    root, pseudonymizer, result = trained
    assert result.success
    meta = metadata_of(result, "phi_detector")
    path = pseudonymizer.phi_detector_path()
    assert path.name == meta["version"] and path.parent == phi_models.root(root / "models")
    card = (path / "README.md").read_text()
    assert "## Training data" in card and "GraSCCo" in card and "| rules_and_model |" in card
    assert meta["training_spans"] > 500 and "rules_and_model_recall" in meta
    missed = Path(meta["missed_file"])
    assert missed.is_relative_to(root / "private") and oct(missed.stat().st_mode)[-3:] == "600"
    assert json.loads(missed.read_text()) == [] or "text" in json.loads(missed.read_text())[0]
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "heldout_recall_goal_met" and "recall" in check.metadata
    assert pseudonymizer.detector_name() == f"rules + phi_detector {path.name}"


def test_trained_detector_finds_a_signature_name_and_a_d_m_yy_date_it_never_saw(detector):
    [spans] = TrainedPHISource(detector).spans([UNSEEN])
    found = {UNSEEN[s:e]: t for s, e, t in spans}
    assert any("Quastenberg" in text and t == "STAFF_NAME" for text, t in found.items()), found
    assert any("3/11/21" in text or "9/11/21" in text for text in found), found


def test_leak_check_holds_on_the_sample_corpus_with_the_model_merged(trained, models_dir):
    root, pseudonymizer, _ = trained
    specialty, year = sorted(
        p.relative_to(root / "source").parts for p in (root / "source").glob("*/*") if p.is_dir() and p.parent.name != "_meta"
    )[0]
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(root / "assets")),
        "data_root": DataRoot(path=str(root)),
        "source": ReportSource(folder=str(root / "source")),
        "pseudonymizer": pseudonymizer,
        "embedder": EmbeddingModels(models_dir=str(models_dir)),
    }
    result = dg.materialize(
        [*ingest_assets, pseudonymized_sections],
        partition_key=str(partition_key(specialty, year)),
        resources=resources,
        selection=[*ingest_assets, pseudonymized_sections],
    )
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations() if c.asset_key == dg.AssetKey("pseudonymized_sections")}
    assert checks["no_known_phi_leaks"]
    assert metadata_of(result, "pseudonymized_sections")["phi_detector"].startswith("rules + phi_detector ")


def test_pseudonymization_eval_reports_rules_master_list_and_model(trained):
    _, pseudonymizer, _ = trained
    result = dg.materialize(
        [pseudonymization_eval],
        resources={"pseudonymizer": pseudonymizer},
        run_config={"ops": {"pseudonymization_eval": {"config": {"patients": 6}}}},
    )
    meta = metadata_of(result, "pseudonymization_eval")
    assert {"rules_by_type", "rules_and_master_list_by_type", "rules_master_list_and_model_by_type", "grascco"} <= set(meta)
    assert "| ALL |" in meta["grascco_rules_and_model_by_type"] and "| NAME_PATIENT |" in meta["grascco_recall_by_gemtex_type"]
    assert meta["rules_master_list_and_model_names_recall"] >= meta["rules_names_recall"]


@needs_data
def test_grascco_development_half_reads_with_every_type_mapped():
    docs = grascco.load(DATA)
    spans = [s for d in docs for s in d["spans"]]
    assert len(docs) == 33 and len(spans) == 730
    assert sum(s["identifying"] for s in spans) == 640
    assert all(s["type"] in grascco.TYPE_MAP.values() for s in spans if s["identifying"])
    folds = grascco.folds(docs, 5)
    assert all(len({grascco.family(i) for i in f}) == len({grascco.family(i) for i in f}) for f in folds)
    assert sum(len(f) for f in folds) == 33


@needs_data
def test_model_trained_on_generated_letters_finds_real_phi_in_letters_it_never_saw(detector):
    """The model trained on generated letters only (no GraSCCo) finds most PHI of the real letters on its own, and
    merged with the rules loses neither recall nor much precision. (Whether it also adds recall is not asserted: the
    rules miss 10 of 640 spans, mostly annotation artefacts such as "B" of a ward name or "7/15" in a lymph node
    count, and which of them a small model catches changes with the Faker release that wrote its training letters.)"""
    docs = grascco.load(DATA)
    texts, ids = [d["text"] for d in docs], [d["document_id"] for d in docs]
    source = TrainedPHISource(detector)
    alone = {i: [PHISpan(s, e, t, text[s:e], "model") for s, e, t in spans] for i, text, spans in zip(ids, texts, source.spans(texts))}
    rules = grascco.score(docs, dict(zip(ids, PHIDetector().pipe(texts))))
    model = grascco.score(docs, alone)
    merged = grascco.score(docs, dict(zip(ids, PHIDetector(sources=[source]).pipe(texts))))
    assert model["recall"] > 0.7 and model["precision"] > 0.6, model
    assert merged["recall"] >= rules["recall"] and merged["precision"] > 0.95, (rules, merged)


def test_cli_uses_the_latest_trained_detector_unless_told_rules_only(detector, tmp_path, monkeypatch, capsys):
    from miracle_dagster.cli import main

    monkeypatch.setenv("MIRACLE_HOME", str(tmp_path))
    monkeypatch.setenv("MIRACLE_MODELS_DIR", str(detector.parents[1]))  # <models>/phi_detector/<version>
    monkeypatch.setenv("MIRACLE_PSEUDONYM_SECRET", SECRET)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "patient_id": "P1", "text": UNSEEN}) + "\n")
    assert main(["pseudonymize", str(source), str(tmp_path / "out.jsonl")]) == 0
    assert f"detector: rules + phi_detector {detector.name}" in capsys.readouterr().out
    out = json.loads((tmp_path / "out.jsonl").read_text())
    assert "Quastenberg" not in out["text"] and "3/11/21" not in out["text"]
    assert main(["pseudonymize", str(source), str(tmp_path / "rules.jsonl"), "--rules-only"]) == 0
    assert "detector: rules\n" in capsys.readouterr().out


class _Scripted:
    """A further detector that returns fixed strings as spans: merging is what is tested, not a model."""

    name = "scripted"

    def __init__(self, items):
        self.items = items

    def spans(self, texts):
        return [[(t.index(s), t.index(s) + len(s), typ) for s, typ in self.items if s in t] for t in texts]


def test_merge_is_a_union_where_rules_keep_their_span_and_model_spans_must_look_like_their_type():
    text = "Aufnahme am 3.4.2021 wegen Morbus Crohn, Seloken 1/2-0-0, Ht 33.5.\nArterieller Hypertonus. Laborauftrag Q7-228 folgt."
    source = _Scripted(
        [
            ("am 3.4.2021", "DATE"),
            ("Morbus Crohn", "PATIENT_NAME"),
            ("1/2", "DATE"),
            ("Ht 33.5", "STREET"),
            ("Arterieller Hypertonus", "PATIENT_NAME"),
            ("Q7-228", "ORDER_ID"),
        ]
    )
    merged = {(s.text, s.type, s.source.split(":")[0]) for s in PHIDetector(sources=[source]).detect(text)}
    assert ("3.4.2021", "DATE", "rule") in merged and not any(t == "am 3.4.2021" for t, _, _ in merged)  # the rule's exact span
    assert ("Q7-228", "ORDER_ID", "model") in merged  # only the model saw it
    kept = {t for t, _, _ in merged}
    assert not kept & {"Morbus Crohn", "1/2", "Ht 33.5", "Arterieller Hypertonus"}  # a disease, a dose, a lab value


@pytest.mark.parametrize(
    "text, start_of, typ, ok",
    [
        ("Entlassung am 14/3/2023.", "14/3/2023", "DATE", True),
        ("Seloken 1/2-0-0 tgl.", "1/2", "DATE", False),
        ("RR 140/80 mmHg", "140/80", "DATE", False),
        ("eine 82-jährige Pat.", "82", "AGE", True),
        ("Barthel 40 Punkte", "40", "AGE", False),
        ("Tel. +43(0)333 775-8447", "+43(0)333 775-8447", "PHONE", True),
        ("Fallzahl: A-2029461541", "A-2029461541", "CASE_ID", True),
        ("800-kcal-Reduktionskost", "800-kcal-Reduktionskost", "ORDER_ID", False),
        ("arterielle Hypertonie, I10", "I10", "ORGANIZATION", False),
        ("Herrn\nSonnblick 32", "Sonnblick 32", "STREET", True),
        ("Hb 9.4, Fibrinogen 450", "Fibrinogen 450", "STREET", False),
        ("Schule in Opfing", "Opfing", "POSTAL_CITY", True),
        ("endständige Dünndarmschlingen", "Dünndarmschlingen", "POSTAL_CITY", False),
        ("Caput/Collum: frei", "Collum", "STAFF_NAME", False),
        ("gez. Dr. Quastenberg", "Quastenberg", "STAFF_NAME", True),
        ("Helge Klabauter", "Helge Klabauter", "PATIENT_NAME", True),
    ],
)
def test_a_model_span_is_kept_only_when_it_has_the_shape_of_its_type(text, start_of, typ, ok):
    from miracle_dagster.core.pseudonymize.plausible import plausible

    start = text.index(start_of)
    assert plausible(text, start, start + len(start_of), typ) is ok
