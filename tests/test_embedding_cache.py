"""The evaluation corpora's embedding cache: the model's own vectors, each text encoded once per model version,
prompt and token limit."""

import numpy as np

from miracle_dagster.core.embedding_cache import EmbeddingCache
from miracle_dagster.resources.embedder import EmbeddingModels

MODEL = "all-MiniLM-L6-v2"


def test_cached_vectors_are_the_models_and_a_second_pass_encodes_nothing(models_dir, tmp_path):
    embedder = EmbeddingModels(models_dir=str(models_dir), cache_dir=str(tmp_path))
    model, sent = embedder.sentence_transformer(MODEL), []

    def encode(texts):
        sent.append(list(texts))
        return model.encode(texts)

    texts = ["Pneumonie rechts basal", "keine Fraktur", "Pneumonie rechts basal"]
    first = embedder.cached(MODEL, None, encode)(texts)
    assert sent == [["Pneumonie rechts basal", "keine Fraktur"]]  # a repeated text is encoded once
    np.testing.assert_array_equal(first, model.encode(texts))
    again = embedder.cached(MODEL, None, encode)(texts[::-1])  # a new run: read from the file
    assert len(sent) == 1 and np.array_equal(again, first[::-1])
    embedder.cached(MODEL, "query: ", encode)(texts[:1])  # another prompt is another vector
    assert sent[1:] == [texts[:1]] and len(EmbeddingCache(tmp_path / "embeddings.sqlite")) == 3


def test_another_model_version_or_token_limit_is_embedded_afresh(tmp_path):
    store, sent = EmbeddingCache(tmp_path / "e.sqlite"), []

    def encode(texts):
        sent.append(texts)
        return np.ones((len(texts), 4)) * len(sent)

    assert store.encode(["a"], "v1 256", encode)[0, 0] == 1 and store.encode(["a"], "v1 256", encode)[0, 0] == 1
    assert store.encode(["a"], "v2 256", encode)[0, 0] == 2 and store.encode(["a"], "v1 128", encode)[0, 0] == 3
    assert store.encode([], "v1 256", encode).shape == (0, 0) and len(sent) == 3


def test_without_a_cache_dir_every_call_encodes(models_dir):
    embedder, sent = EmbeddingModels(models_dir=str(models_dir)), []
    embed = embedder.cached(MODEL, None, lambda texts: sent.append(texts) or np.zeros((len(texts), 2)))
    for _ in range(2):
        embed(["a"])
    assert len(sent) == 2
