"""Tests for miracle_dagster.core.vector_index against Qdrant Edge (the store contract for both stores lives in
test_vector_store_contract.py).

Passages come from real sample-corpus partitions, vectors from the packaged all-MiniLM-L6-v2 (each distinct text
is embedded once per session; the counting wrapper still sees every text `sync_partition` asks for).
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from miracle_dagster.core import sections
from miracle_dagster.core.vector_index import (
    POINT_NAMESPACE,
    EdgeStore,
    Hit,
    StoreError,
    SyncStats,
    alias_name,
    collection_name,
    partition_filter,
    point_id,
    publish,
    search,
    sync_partition,
)

MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 128
OVERLAP_TOKENS = 16
# Three small partitions of the sample corpus (12 patients, seed 7): two share the year, two share the specialty,
# one patient has documents in all three. The first (3 documents) is the one the incremental tests edit.
PARTITIONS = (("neurology", "2018"), ("radiology", "2018"), ("radiology", "2024"))


# --------------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------------


class CachedEncoder:
    """Real embeddings, each distinct text computed once per session."""

    def __init__(self, encode):
        self._encode = encode
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._encode(missing)))
        return np.stack([self._cache[t] for t in texts])


class CountingEncoder:
    """Records every text it is asked to embed."""

    def __init__(self, encode):
        self._encode = encode
        self.texts: list[str] = []
        self.calls = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts.extend(texts)
        return self._encode(texts)


@pytest.fixture(scope="session")
def embedder(models_dir):
    from miracle_dagster.resources.embedder import EmbeddingModels

    return EmbeddingModels(models_dir=str(models_dir), default_model=MODEL)


@pytest.fixture(scope="session")
def passage_encoder(embedder) -> CachedEncoder:
    return CachedEncoder(embedder.encoder(kind="passage"))


@pytest.fixture(scope="session")
def query_encoder(embedder) -> CachedEncoder:
    return CachedEncoder(embedder.encoder(kind="query"))


@pytest.fixture(scope="session")
def dim(passage_encoder) -> int:
    return int(passage_encoder(["Befund unauffällig."]).shape[1])


@pytest.fixture(scope="session")
def count_tokens(embedder):
    return sections.token_counter(embedder.tokenizer(), embedder.spec().passage_prompt)


@pytest.fixture(scope="session")
def partition_docs(sample_corpus) -> dict[tuple[str, str], list[dict]]:
    docs = {key: [d for d in sample_corpus.documents if (d["specialty"], d["date"][:4]) == key] for key in PARTITIONS}
    assert len(docs[PARTITIONS[0]]) >= 3 and all(docs.values()), {k: len(v) for k, v in docs.items()}
    return docs


@pytest.fixture(scope="session")
def make_passages(count_tokens):
    def make(docs: list[dict]) -> pd.DataFrame:
        return sections.section_documents(docs, count_tokens, max_tokens=MAX_TOKENS, overlap_tokens=OVERLAP_TOKENS)

    return make


@pytest.fixture(scope="session")
def partition_passages(partition_docs, make_passages) -> dict[tuple[str, str], pd.DataFrame]:
    return {key: make_passages(docs) for key, docs in partition_docs.items()}


@pytest.fixture
def client(tmp_path):
    store = EdgeStore(tmp_path / "q")
    yield store
    store.close()


def ids_in(client: EdgeStore, collection: str, specialty: str, year: str) -> set[str]:
    return client.ids(collection, partition_filter(specialty, year))


def snapshot(client: EdgeStore, collection: str, where: dict | None = None) -> dict[str, tuple]:
    return {
        p.id: (tuple(np.round(p.dense, 6)), tuple(sorted(p.payload.items())))
        for p in client.points(collection)
        if all(p.payload.get(k) == v for k, v in (where or {}).items())
    }


def count(client: EdgeStore, collection: str, where: dict | None = None) -> int:
    return client.count(collection, where)


def document_filter(document_id: str) -> dict:
    return {"document_id": document_id}


def expected_ids(passages: pd.DataFrame) -> set[str]:
    return {point_id(p) for p in passages["passage_id"]}


@pytest.fixture
def collection(client, dim) -> str:
    name = collection_name(MODEL, "v1", dim)
    assert client.ensure_collection(name, dim, "de") is True
    return name


# --------------------------------------------------------------------------------------------------------
# Names and ids
# --------------------------------------------------------------------------------------------------------


def test_point_id_is_deterministic_uuid5_of_passage_id(partition_passages):
    passage_ids = pd.concat(partition_passages.values())["passage_id"].tolist()
    point_ids = [point_id(p) for p in passage_ids]
    assert point_ids == [point_id(p) for p in passage_ids]  # same input, same id
    assert len(set(point_ids)) == len(set(passage_ids))  # distinct passages, distinct points
    for pid, pt in zip(passage_ids, point_ids):
        parsed = uuid.UUID(pt)
        assert str(parsed) == pt and parsed.version == 5
        assert parsed == uuid.uuid5(POINT_NAMESPACE, pid)
    # fixed namespace: stable across processes and machines
    assert point_id("abc") == str(uuid.uuid5(uuid.UUID("6f1c1d8e-3b9a-5d2e-9c4f-0a7b5e2d9c11"), "abc"))
    assert point_id("abc") != point_id("abd")


def test_synced_points_carry_point_ids_of_their_passages(client, collection, partition_passages, passage_encoder):
    (specialty, year), passages = next(iter(partition_passages.items()))
    sync_partition(client, collection, passages, specialty, year, passage_encoder)
    points = list(client.points(collection))
    assert {str(p.id) for p in points} == expected_ids(passages)
    for p in points:
        assert str(p.id) == point_id(p.payload["passage_id"])
        assert p.payload["year"] == int(year) and isinstance(p.payload["year"], int)
        assert p.payload["specialty"] == specialty


def test_collection_name_carries_alias_version_and_dimension():
    assert alias_name("all-MiniLM-L6-v2") == "all-minilm-l6-v2"
    assert alias_name("intfloat/multilingual-e5-large") == "intfloat-multilingual-e5-large"
    assert alias_name("/models/My Model v2/") == "models-my-model-v2"
    name = collection_name("all-MiniLM-L6-v2", "ef0884fb4b", 384)
    assert name == "all-minilm-l6-v2__ef0884fb4b__d384"
    assert name.startswith(alias_name("all-MiniLM-L6-v2") + "__")
    assert len({name, collection_name(MODEL, "other", 384), collection_name(MODEL, "ef0884fb4b", 768)}) == 3


def test_collection_name_of_the_provisioned_model(embedder, dim):
    version = embedder.version()
    name = collection_name(embedder.spec().name, version, dim)
    assert name == f"all-minilm-l6-v2__{version}__d384"
    assert dim == 384


# --------------------------------------------------------------------------------------------------------
# ensure_collection
# --------------------------------------------------------------------------------------------------------


def test_ensure_collection_creates_once_and_refuses_dimension_mismatch(client):
    name = collection_name(MODEL, "v1", 8)
    assert client.ensure_collection(name, 8, "de") is True
    assert client.info(name).dim == 8 and client.info(name).language == "de"
    assert client.ensure_collection(name, 8, "de") is False  # exists with the right size: nothing created
    with pytest.raises(StoreError, match="8-d"):
        client.ensure_collection(name, 16, "de")
    assert client.info(name).dim == 8  # left as it was
    assert client.collections() == [name]


# --------------------------------------------------------------------------------------------------------
# sync_partition
# --------------------------------------------------------------------------------------------------------


def test_sync_twice_is_idempotent(client, collection, partition_passages, passage_encoder):
    (specialty, year), passages = next(iter(partition_passages.items()))
    n = len(passages)
    first = CountingEncoder(passage_encoder)
    stats = sync_partition(client, collection, passages, specialty, year, first, batch_size=16)
    assert stats == SyncStats(n, 0, n, 0, stats.embed_seconds, stats.upsert_seconds)
    assert sorted(first.texts) == sorted(passages["text"])
    assert first.calls == -(-n // 16)  # batches of at most 16
    assert count(client, collection) == n
    before = snapshot(client, collection)

    second = CountingEncoder(passage_encoder)
    again = sync_partition(client, collection, passages, specialty, year, second, batch_size=16)
    assert (again.passages, again.unchanged, again.embedded, again.deleted) == (n, n, 0, 0)
    assert second.texts == [] and second.calls == 0
    assert again.passages_per_second == 0.0
    assert count(client, collection) == n
    assert snapshot(client, collection) == before


def test_adding_documents_embeds_only_the_new_passages(
    client, collection, partition_docs, make_passages, partition_passages, passage_encoder
):
    (specialty, year), docs = next(iter(partition_docs.items()))
    other_key = PARTITIONS[2]
    sync_partition(client, collection, partition_passages[other_key], *other_key, passage_encoder)
    other_before = snapshot(client, collection, partition_filter(*other_key))

    initial = make_passages(docs[:1])
    sync_partition(client, collection, initial, specialty, year, passage_encoder)
    total_before = count(client, collection)

    grown = make_passages(docs)
    added = grown[~grown["passage_id"].isin(initial["passage_id"])]
    assert len(added) > 0 and len(grown) == len(initial) + len(added)
    encoder = CountingEncoder(passage_encoder)
    stats = sync_partition(client, collection, grown, specialty, year, encoder)

    assert sorted(encoder.texts) == sorted(added["text"])
    assert (stats.passages, stats.unchanged, stats.embedded, stats.deleted) == (len(grown), len(initial), len(added), 0)
    assert count(client, collection) == total_before + len(added)
    assert ids_in(client, collection, specialty, year) == expected_ids(grown)
    assert snapshot(client, collection, partition_filter(*other_key)) == other_before


def test_changed_document_is_replaced_and_removed_document_deleted(
    client, collection, partition_docs, make_passages, partition_passages, passage_encoder
):
    (specialty, year), docs = next(iter(partition_docs.items()))
    other_key = PARTITIONS[1]
    sync_partition(client, collection, partition_passages[other_key], *other_key, passage_encoder)
    old = make_passages(docs)
    sync_partition(client, collection, old, specialty, year, passage_encoder)
    other_before = snapshot(client, collection, partition_filter(*other_key))

    changed, removed, *kept = docs
    sentence = "Nachtrag: Zeichen einer beginnenden Hydrozephalus-Entwicklung, Kontrolle in sechs Wochen."
    edited = {**changed, "text": changed["text"].rstrip() + "\n" + sentence + "\n"}
    new = make_passages([edited, *kept])
    old_ids, new_ids = expected_ids(old), expected_ids(new)
    gone, fresh = old_ids - new_ids, new_ids - old_ids
    old_changed = expected_ids(old[old["document_id"] == changed["document_id"]])
    assert gone & old_changed and fresh  # the edit really changed some passages of that document

    encoder = CountingEncoder(passage_encoder)
    stats = sync_partition(client, collection, new, specialty, year, encoder)

    assert (stats.passages, stats.unchanged, stats.embedded, stats.deleted) == (len(new_ids), len(new_ids & old_ids), len(fresh), len(gone))
    assert sorted(encoder.texts) == sorted(new.loc[new["passage_id"].map(point_id).isin(fresh), "text"])
    assert ids_in(client, collection, specialty, year) == new_ids
    # the changed document: exactly its new passages, the appended sentence among them
    doc_filter = document_filter(changed["document_id"])
    doc_points = [p for p in client.points(collection) if p.payload["document_id"] == doc_filter["document_id"]]
    assert {str(p.id) for p in doc_points} == expected_ids(new[new["document_id"] == changed["document_id"]])
    assert any(sentence in p.payload["text"] for p in doc_points)
    # the removed document: nothing left
    assert count(client, collection, document_filter(removed["document_id"])) == 0
    # the other partition: untouched
    assert snapshot(client, collection, partition_filter(*other_key)) == other_before
    assert count(client, collection) == len(new_ids) + len(other_before)


def test_empty_partition_deletes_its_points_only(client, collection, partition_passages, make_passages, passage_encoder):
    (key, passages), (other_key, other) = list(partition_passages.items())[:2]
    sync_partition(client, collection, passages, *key, passage_encoder)
    sync_partition(client, collection, other, *other_key, passage_encoder)
    encoder = CountingEncoder(passage_encoder)
    stats = sync_partition(client, collection, make_passages([]), *key, encoder)
    assert (stats.passages, stats.unchanged, stats.embedded, stats.deleted) == (0, 0, 0, len(passages))
    assert encoder.calls == 0
    assert ids_in(client, collection, *key) == set()
    assert ids_in(client, collection, *other_key) == expected_ids(other)


def test_same_year_other_specialty_is_a_separate_partition(client, collection, partition_passages, passage_encoder):
    """neurology/2018 and radiology/2018 share the year: syncing one must not delete or count the other."""
    neuro, radio = PARTITIONS[0], PARTITIONS[1]
    assert neuro[1] == radio[1] and neuro[0] != radio[0]
    sync_partition(client, collection, partition_passages[neuro], *neuro, passage_encoder)
    stats = sync_partition(client, collection, partition_passages[radio], *radio, passage_encoder)
    assert stats.deleted == 0 and stats.unchanged == 0 and stats.embedded == len(partition_passages[radio])
    assert ids_in(client, collection, *neuro) == expected_ids(partition_passages[neuro])
    assert ids_in(client, collection, *radio) == expected_ids(partition_passages[radio])


# --------------------------------------------------------------------------------------------------------
# Versions behind an alias
# --------------------------------------------------------------------------------------------------------


def test_alias_switch_and_drop_old_versions(client, dim, partition_passages, passage_encoder, query_encoder):
    alias = alias_name(MODEL)
    v0, v1, v2 = (collection_name(MODEL, v, dim) for v in ("v0", "v1", "v2"))
    other = collection_name("intfloat/multilingual-e5-small", "v0", dim)
    (key1, passages1), (key2, passages2) = list(partition_passages.items())[:2]
    for name in (v0, other):
        client.ensure_collection(name, dim, "de")
    client.ensure_collection(v1, dim, "de")
    sync_partition(client, v1, passages1, *key1, passage_encoder)
    query = query_encoder(["Befund"])[0]
    assert client.switch_alias(alias, v0) is None  # no alias yet
    assert publish(client, alias, v1) == (v0, [])  # v0 kept as the rollback version
    client.ensure_collection(v2, dim, "de")
    sync_partition(client, v2, passages2, *key2, passage_encoder)
    assert publish(client, alias, v2) == (v1, [v0])  # only live + previous survive; other models untouched
    assert set(client.collections()) == {v1, v2, other} and client.aliases() == {alias: v2}
    assert publish(client, alias, v2) == (v2, [])  # already live: nothing dropped
    assert {h.passage_id for h in search(client, alias, query, top_k=5)} <= set(passages2["passage_id"])
    assert client.switch_alias(alias, v1) == v2  # rolling back to the kept previous version
    assert {h.passage_id for h in search(client, alias, query, top_k=5)} <= set(passages1["passage_id"])


def test_alias_survives_reopening_on_disk(tmp_path, dim, partition_passages, passage_encoder):
    key, passages = next(iter(partition_passages.items()))
    alias, name = alias_name(MODEL), collection_name(MODEL, "v1", dim)
    with EdgeStore(tmp_path / "q") as first:
        first.ensure_collection(name, dim, "de")
        sync_partition(first, name, passages, *key, passage_encoder)
        first.switch_alias(alias, name)
    with EdgeStore(tmp_path / "q") as second:
        assert second.ensure_collection(name, dim, "de") is False
        assert second.switch_alias(alias, name) == name
        assert ids_in(second, name, *key) == expected_ids(passages)
        encoder = CountingEncoder(passage_encoder)
        assert sync_partition(second, name, passages, *key, encoder).embedded == 0 and encoder.texts == []


# --------------------------------------------------------------------------------------------------------
# search
# --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_index(tmp_path_factory, dim, partition_passages, passage_encoder):
    """(client, collection) holding all three partitions; built once per mode, only read by the search tests."""
    qdrant = EdgeStore(tmp_path_factory.mktemp("search") / "q")
    name = collection_name(MODEL, "v1", dim)
    qdrant.ensure_collection(name, dim, "de")
    for (specialty, year), passages in partition_passages.items():
        sync_partition(qdrant, name, passages, specialty, year, passage_encoder)
    yield qdrant, name
    qdrant.close()


@pytest.fixture(scope="session")
def all_passages(partition_passages) -> pd.DataFrame:
    frames = [p.assign(year=int(y)) for (_, y), p in partition_passages.items()]
    return pd.concat(frames, ignore_index=True)


def ids(hits: list[Hit]) -> set[str]:
    return {h.passage_id for h in hits}


def test_search_patient_filter_returns_only_and_all_of_that_patients_passages(search_index, all_passages, query_encoder):
    client, collection = search_index
    per_patient = all_passages.groupby("patient_id")["year"].nunique()
    patient = per_patient[per_patient > 1].index[0]  # a patient with documents in several partitions
    mine = all_passages[all_passages["patient_id"] == patient]
    query = query_encoder(["Befund und Beurteilung"])[0]

    hits = search(client, collection, query, patient_id=patient, top_k=len(all_passages))
    assert hits and all(h.patient_id == patient for h in hits)
    assert ids(hits) == set(mine["passage_id"])
    assert {h.year for h in hits} == set(mine["year"]) and len({h.year for h in hits}) > 1
    few = search(client, collection, query, patient_id=patient, top_k=3)
    assert len(few) == 3 and all(h.patient_id == patient for h in few)
    unfiltered = search(client, collection, query, top_k=len(all_passages))
    assert {h.patient_id for h in unfiltered} - {patient}  # without the filter other patients appear
    assert search(client, collection, query, patient_id="P0000000", top_k=5) == []


def test_search_specialty_and_year_filters(search_index, partition_passages, all_passages, query_encoder):
    client, collection = search_index
    passages = all_passages
    query = query_encoder(["Beurteilung"])[0]
    top = len(passages)

    both = search(client, collection, query, specialty="radiology", year=2018, top_k=top)
    assert ids(both) == set(partition_passages[("radiology", "2018")]["passage_id"])
    as_text = search(client, collection, query, specialty="radiology", year="2018", top_k=top)
    assert ids(as_text) == ids(both)

    specialty = search(client, collection, query, specialty="radiology", top_k=top)
    assert {h.specialty for h in specialty} == {"radiology"} and {h.year for h in specialty} == {2018, 2024}
    assert ids(specialty) == set(passages.loc[passages["specialty"] == "radiology", "passage_id"])

    year = search(client, collection, query, year=2018, top_k=top)
    assert {h.year for h in year} == {2018} and {h.specialty for h in year} == {"neurology", "radiology"}
    assert ids(year) == set(passages.loc[passages["year"] == 2018, "passage_id"])

    doc_type = "discharge_letter"
    typed = search(client, collection, query, document_type=doc_type, top_k=top)
    assert typed and ids(typed) == set(passages.loc[passages["document_type"] == doc_type, "passage_id"])
    assert all(h.document_type == doc_type for h in typed)

    assert search(client, collection, query, specialty="cardiology", top_k=top) == []
    assert search(client, collection, query, specialty="neurology", year=2024, top_k=top) == []


def test_search_respects_top_k_and_orders_by_score(search_index, query_encoder):
    client, collection = search_index
    query = query_encoder(["Röntgen-Thorax: kein Infiltrat, kein Pleuraerguss"])[0]
    for k in (1, 3, 7):
        hits = search(client, collection, query, top_k=k)
        assert len(hits) == k
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
    assert len(search(client, collection, query, specialty="radiology", year=2024, top_k=2)) == 2
    assert [h.passage_id for h in search(client, collection, query, top_k=3)] == [
        h.passage_id for h in search(client, collection, query, top_k=7)[:3]
    ]


def distinctive_sentence(passages: pd.DataFrame) -> tuple[str, pd.Series]:
    """The longest sentence that occurs in exactly one passage (overlap repeats sentences across neighbours)."""
    candidates = []
    for _, row in passages.iterrows():
        for sentence in sections.split_sentences(row["text"]):
            sentence = sentence.strip()
            if len(sentence.split()) >= 8 and (passages["text"].str.contains(sentence, regex=False)).sum() == 1:
                candidates.append((len(sentence), sentence, row["passage_id"]))
    assert candidates
    _, sentence, pid = max(candidates)
    return sentence, passages[passages["passage_id"] == pid].iloc[0]


def test_search_quoting_a_distinctive_sentence_finds_its_passage_first(search_index, all_passages, query_encoder):
    client, collection = search_index
    sentence, row = distinctive_sentence(all_passages)
    hits = search(client, collection, query_encoder([sentence])[0], top_k=5)
    assert hits[0].passage_id == row["passage_id"]
    assert sentence in hits[0].text
    assert hits[0].score > hits[1].score + 0.2  # by a wide margin, not by chance


def test_hit_fields_are_filled_from_the_payload(search_index, all_passages, query_encoder):
    client, collection = search_index
    passages = all_passages.set_index("passage_id")
    query = query_encoder([passages["text"].iloc[5]])[0]
    hits = search(client, collection, query, top_k=10)
    assert len(hits) == 10 and all(isinstance(h, Hit) for h in hits)
    assert hits[0].passage_id == passages.index[5]  # the passage's own text as query
    for hit in hits:
        row = passages.loc[hit.passage_id]
        assert isinstance(hit.year, int) and hit.year == row["year"]
        assert isinstance(hit.score, float) and -1.0 <= hit.score <= 1.0 + 1e-6
        assert hit.text == row["text"] and hit.text
        for field in ("document_id", "patient_id", "specialty", "document_type", "section_name", "date"):
            assert getattr(hit, field) == row[field] and isinstance(getattr(hit, field), str)
        assert hit.date.startswith(str(hit.year))
