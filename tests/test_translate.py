"""Translation core: glossary, protected spans, batching, faithfulness, cache; the DeepL backend through the
official client against the local DeepL stand-in (429 bursts, 5xx, timeouts, quota 456 and the resumed run)."""

import re

import deepl
import pytest
from deepl_stub import DeepLStub

from miracle_dagster.core import translate
from miracle_dagster.core.translate import batching, faithfulness
from miracle_dagster.core.translate.deepl_backend import DeepLBackend, configure_retries
from miracle_dagster.core.translate.protect import protect, unprotect

KEY = "stub-key:fx"
TEXTS = [
    "V.a. Pneumonie links seit 3 Tagen, CRP 35,5 mg/l, Diagnose J18.9.",
    "Leber o.B., Niere rechts unauffällig am 12.03.2021 bei pat_0123456789abcdef.",
    "Z.n. Fieber, Therapie 1-0-1 mit 5 mg und <Kontrolle> & Verlauf.",
    "Herz und Lunge ohne Befund, 2 Tage Fieber.",
    "Keine Raumforderung der Leber, 14 mm Zyste links.",
]


@pytest.fixture
def stub(monkeypatch):
    monkeypatch.setattr(deepl.http_client._BackoffTimer, "BACKOFF_INITIAL", 0.01)  # retries without the waits
    configure_retries(max_retries=3, timeout_s=0.5)
    server = DeepLStub(auth_key=KEY, slow_s=1.5)
    yield server
    server.close()
    configure_retries(max_retries=5, timeout_s=10.0)


def _run(stub, texts=TEXTS, cache=None, glossary=None, max_texts=50):
    backend = DeepLBackend(KEY, glossary or translate.Glossary(), server_url=stub.url, max_texts=max_texts)
    return translate.translate_texts(texts, backend, cache, "DE", "EN-GB", backend.glossary.version)


def test_glossary_version_follows_its_content_and_finds_whole_terms():
    base = translate.Glossary()
    changed = translate.Glossary(entries={**base.entries, "Rö.": "X-ray"})
    assert base.version != changed.version and base.version in base.name
    assert translate.Glossary().version == base.version
    assert base.found_in("V.a. Pneumonie, AZ reduziert") == {"V.a.": "suspected", "AZ": "general condition"}
    assert "AZ" not in base.found_in("AZT-Therapie")


def test_protected_spans_are_wrapped_and_the_rest_escaped():
    text = TEXTS[1] + " J18.9, 1-0-1 <b> & c"
    wrapped = protect(text)
    for span in ("12.03.2021", "pat_0123456789abcdef", "J18.9", "1-0-1"):
        assert f"<keep>{span}</keep>" in wrapped
    assert "&lt;b&gt; &amp; c" in wrapped and unprotect(wrapped) == text


def test_batches_stay_within_deepl_limits():
    texts = ["kurz"] * 120 + ["x" * 70_000, "y" * 70_000, "z" * 200_000]
    groups, too_large = batching.batches(texts)
    assert [len(g) for g in groups] == [50, 50, 21, 1] and too_large == [122]  # the two 70 KB texts: apart
    assert all(sum(batching.request_bytes(texts[i]) for i in g) <= batching.MAX_REQUEST_BYTES for g in groups)
    assert sorted(i for g in groups for i in g) + too_large == list(range(len(texts)))
    assert [len(g) for g in batching.batches(texts[:7], max_texts=3)[0]] == [3, 3, 1]


@pytest.mark.parametrize(
    ("translation", "reason"),
    [
        ("Suspected pneumonia on the left for 3 days, CRP 35.5 mg/l, diagnosis J18.9.", ""),
        ("Suspected pneumonia on the left for 3 days, CRP 53.5 mg/l, diagnosis J18.9.", "numbers_changed"),
        ("Suspected pneumonia on the left for 3 days, CRP 35.5 g/l, diagnosis J18.9.", "units_changed"),
        ("Suspected pneumonia on the left for 3 days, CRP 35.5 mg/l, diagnosis J18.8 (9).", "icd_codes_changed"),
        ("V.a. Pneumonie links seit 3 Tagen, CRP 35,5 mg/l, Diagnose J18.9.", "still_german"),
        ("Verdacht auf eine Pneumonie links seit 3 Tagen mit CRP 35,5 mg/l und Diagnose J18.9.", "still_german"),
        ("  ", "empty_translation"),
    ],
)
def test_faithfulness(translation, reason):
    assert faithfulness.problem(TEXTS[0], translation)[0] == reason


def test_deepl_translates_with_glossary_and_protected_spans(stub):
    done = _run(stub)
    assert done.reasons == [""] * len(TEXTS) and done.texts_sent == len(TEXTS) and done.batches == 1
    assert done.translations[0].startswith("suspected pneumonia left") and "J18.9" in done.translations[0]
    assert "status post fever" in done.translations[2] and re.search(r"<\w+> & \w+\.$", done.translations[2])
    assert "12.03.2021" in done.translations[1] and "pat_0123456789abcdef" in done.translations[1]
    assert done.billed_characters == stub.character_count == sum(len(protect(t)) for t in TEXTS)
    [request] = [e for e in stub.log if e["path"] == "/v2/translate"]
    assert request["body"]["tag_handling"] == "xml" and request["body"]["ignore_tags"] == ["keep"]
    assert request["body"]["glossary_id"] in stub.glossaries and request["body"]["target_lang"] == "EN-GB"
    _run(stub)  # a second run finds the glossary by name instead of creating another
    assert len(stub.glossaries) == 1 and sum(e["path"] == "/v2/glossaries" and e["method"] == "POST" for e in stub.log) == 1
    _run(stub, glossary=translate.Glossary(entries={"Fieber": "pyrexia"}))  # a new version gets its own glossary
    assert len(stub.glossaries) == 2


def test_429_bursts_5xx_and_timeouts_are_retried_without_double_sending(stub, tmp_path):
    stub.faults = ["429", "429", "429", "", "500", "503", "", "slow"]  # "": answered normally
    done = _run(stub, cache=translate.TranslationCache(tmp_path / "t.sqlite"), max_texts=2)
    assert done.reasons == [""] * len(TEXTS) and done.batches == 3 and not stub.faults
    assert sorted(stub.translated_texts()) == sorted(protect(t) for t in TEXTS)  # each text answered once
    assert [e["status"] for e in stub.log if e["path"] == "/v2/translate"][:4] == [429, 429, 429, 200]


def test_service_down_after_retries_stops_and_keeps_what_was_done(stub, tmp_path):
    cache = translate.TranslationCache(tmp_path / "t.sqlite")
    first = _run(stub, texts=TEXTS[:2], cache=cache, max_texts=2)
    stub.faults = ["500"] * 10
    done = _run(stub, cache=cache, max_texts=2)
    assert done.reasons[:2] == ["", ""] and set(done.reasons[2:]) == {"service_unavailable"}
    assert "DeepL failing after retries" in done.stopped and done.texts_cached == 2 and first.texts_sent == 2


def test_quota_exceeded_mid_partition_then_a_resumed_run_sends_only_the_rest(stub, tmp_path):
    cache = translate.TranslationCache(tmp_path / "t.sqlite")
    stub.character_limit = sum(len(protect(t)) for t in TEXTS[:2]) + 5  # room for the first batch of two only
    first = _run(stub, cache=cache, max_texts=2)
    assert first.reasons == ["", "", "quota_exceeded", "quota_exceeded", "quota_exceeded"]
    assert "quota exhausted" in first.stopped and first.batches == 1 and len(cache) == 2
    sent_before = list(stub.translated_texts())
    stub.character_limit = None  # the next billing period
    resumed = _run(stub, cache=cache, max_texts=2)
    assert resumed.reasons == [""] * len(TEXTS) and resumed.texts_cached == 2 and resumed.texts_sent == 3
    resent = stub.translated_texts()[len(sent_before) :]
    assert sorted(resent) == sorted(protect(t) for t in TEXTS[2:])  # nothing paid for twice
    assert resumed.translations[:2] == first.translations[:2]


def test_a_wrong_key_stops_before_anything_is_translated(stub):
    backend = DeepLBackend("wrong-key", translate.Glossary(), server_url=stub.url)
    done = translate.translate_texts(TEXTS, backend, None, "DE", "EN-GB", "v")
    assert set(done.reasons) == {"authorization_failed"} and not stub.translated_texts()


def test_identical_texts_are_sent_once_and_rows_keep_their_order(stub):
    import pandas as pd

    frame = pd.DataFrame({"id": [1, 2, 3, 4], "text": [TEXTS[3], TEXTS[4], TEXTS[3], TEXTS[0]], "other": list("abcd")})
    backend = DeepLBackend(KEY, translate.Glossary(), server_url=stub.url)
    rows = translate.translate_rows(frame, ("text",), backend, None, "DE", "EN-GB", "v", max_rows=3)
    assert list(rows.english["id"]) == [1, 2, 3] and rows.english["text"][0] == rows.english["text"][2]
    assert list(rows.untranslated["reason"]) == ["over_limit"] and rows.run.texts_sent == 2
    assert list(rows.english.columns) == ["id", "text", "other", "source_language", "translation_backend"]


def test_translate_cli_with_deepl_resumes_from_its_cache(stub, tmp_path, monkeypatch, capsys):
    import json

    from miracle_dagster.cli import main

    monkeypatch.setenv("MIRACLE_HOME", str(tmp_path))
    monkeypatch.setenv("DEEPL_AUTH_KEY", KEY)
    monkeypatch.setenv("MIRACLE_TRANSLATOR_SERVER_URL", stub.url)
    source, out, rest = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "rest.jsonl"
    lines = [json.dumps({"id": f"t{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(TEXTS)]
    args = ["translate", str(source), str(out), "--untranslated", str(rest), "--backend", "deepl", "--target-lang", "EN-US"]
    source.write_text("\n".join(lines[:2]) + "\n")
    assert main(args) == 0 and "translated 2 with deepl" in capsys.readouterr().out
    source.write_text("\n".join(lines) + "\nnot json\n")
    stub.character_limit = stub.character_count  # this billing period is used up
    assert main(args) == 1
    printed = capsys.readouterr()
    assert "translated 2 with deepl" in printed.out and "from cache 2" in printed.out and "quota_exceeded: 3" in printed.out
    assert "run again to resume" in printed.err
    assert {r["reason"] for r in map(json.loads, rest.read_text().splitlines())} == {"quota_exceeded", "invalid_json"}
    stub.character_limit = None
    assert main(args) == 0 and "sent 3, from cache 2" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"t{i}" for i in range(len(TEXTS))] and KEY not in out.read_text()
    assert {e["body"].get("target_lang") for e in stub.log if e["path"] == "/v2/translate"} == {"EN-US"}
    assert sorted(stub.translated_texts()) == sorted(protect(t) for t in TEXTS)  # each paid for once
