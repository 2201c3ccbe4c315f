#!/usr/bin/env python
"""Embedding throughput of the `<model>/qdrant_points` asset against bare sentence-transformers, and the cost
of an incremental run after ~1% new documents.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embedding.py --model all-MiniLM-L6-v2 --patients 100

1. Asset vs bare encode. The sample corpus is written as a folder source, `raw_reports`/`report_sections` are
   materialized for every partition first (not timed into the comparison), then the points asset alone
   (`selection=`) is materialized per partition in-process. Its own metadata (`embedded`, `embed_seconds`,
   `upsert_seconds`) and the wall time of each `dg.materialize` call are compared with
   `SentenceTransformer.encode` of the same passages (same model object, prompt, batch size and
   normalization), one call per partition, interleaved partition by partition with the asset runs. Padded
   token counts predict the embed ratio independently of machine load.
2. Incremental cost. ~1% documents of a second corpus (other seed, fresh document ids) are added to existing
   partition folders as `late.jsonl`; the new-documents sensor is evaluated to find the partitions it would
   request, and only those are re-materialized (ingest, then points). Embedded passages and time are
   reported relative to the full build, together with the fixed per-partition overhead.

Nothing here asserts; it prints ratios. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--model", default="multilingual-e5-small", help="registry name (default: %(default)s; all-MiniLM-L6-v2 for a quick run)"
    )
    parser.add_argument("--patients", type=int, default=200, help="patients in the sample corpus (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=32, help="encode/upsert batch size (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="corpus seed; the late documents use seed+1 (default: %(default)s)")
    parser.add_argument(
        "--late-fraction", type=float, default=0.01, help="share of documents added for the incremental run (default: %(default)s)"
    )
    parser.add_argument(
        "--workdir", default="", help="empty or new folder for source, data root and Qdrant (default: a temp dir, removed afterwards)"
    )
    parser.add_argument(
        "--no-diagnostics",
        action="store_true",
        help="skip the extra bare-encode variants (the asset's own encode calls, whole corpus in one call)",
    )
    parser.add_argument("--json", default="", help="also write all numbers to this JSON file")
    return parser.parse_args(argv)


ARGS = parse_args()
_OWN_WORKDIR = not ARGS.workdir
WORKDIR = Path(ARGS.workdir or tempfile.mkdtemp(prefix="miracle-bench-embedding-")).expanduser().resolve()
if WORKDIR.exists() and any(WORKDIR.iterdir()):
    sys.exit(f"--workdir {WORKDIR} is not empty: the benchmark needs an empty Qdrant store and data root")
# Models are shared with the project (provisioning is idempotent); everything else lives in the workdir.
MODELS_DIR = Path(os.environ.get("MIRACLE_MODELS_DIR") or PROJECT / ".miracle" / "models").expanduser().resolve()
os.environ["MIRACLE_HOME"] = str(WORKDIR / "home")
os.environ["DAGSTER_HOME"] = str(WORKDIR / "home" / "dagster")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Embedding throughput is what is measured: index report_sections directly, without the pseudonymization step.
os.environ["MIRACLE_INDEX_SOURCE"] = "report_sections"

import dagster as dg  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from miracle_dagster.assets import ingest_assets  # noqa: E402
from miracle_dagster.assets.index import INDEX_LANGUAGE, build_index_assets  # noqa: E402
from miracle_dagster.core import settings, vector_index  # noqa: E402
from miracle_dagster.core.sample_corpus import generate_corpus, write_sample_source  # noqa: E402
from miracle_dagster.core.schema import REQUIRED_REPORT_COLUMNS  # noqa: E402
from miracle_dagster.partitions import partition_key  # noqa: E402
from miracle_dagster.resources.embedder import EmbeddingModels  # noqa: E402
from miracle_dagster.resources.qdrant import QdrantResource  # noqa: E402
from miracle_dagster.resources.source import ReportSource  # noqa: E402
from miracle_dagster.resources.storage import DataRoot, ParquetIOManager  # noqa: E402
from miracle_dagster.sensors import new_documents_sensor  # noqa: E402

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class RunTiming:
    """One dg.materialize call: wall time, step durations (from Dagster's step events), asset metadata."""

    wall: float
    steps: dict[str, float]
    metadata: dict[str, dict] = field(default_factory=dict)

    @property
    def step_total(self) -> float:
        return sum(self.steps.values())


def materialize(assets: list, key: dg.MultiPartitionKey, resources: dict, instance, run_config: dict, selection=None) -> RunTiming:
    started = time.perf_counter()
    result = dg.materialize(
        assets, partition_key=str(key), resources=resources, instance=instance, run_config=run_config, selection=selection
    )
    wall = time.perf_counter() - started
    if not result.success:
        raise RuntimeError(f"materialization of {key} failed")
    steps = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.get_step_success_events()}
    metadata = {
        e.asset_key.to_user_string(): {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }
    return RunTiming(wall, steps, metadata)


def partition_texts(frame: pd.DataFrame) -> list[str]:
    """The texts the asset embeds for a fresh partition, in its order (unique passage ids, first wins)."""
    first = frame.drop_duplicates("passage_id", keep="first")
    return first["text"].tolist()


def time_encode(model, groups: list[list[str]], prompt: str | None, batch_size: int) -> float:
    """One encode call per group, exactly the arguments EmbeddingModels.encoder uses."""
    started = time.perf_counter()
    for texts in groups:
        if texts:
            model.encode(texts, prompt=prompt, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
    return time.perf_counter() - started


class _EmptyStore:
    """Just enough of a VectorStore for sync_partition to see an empty partition and store nothing."""

    def ids(self, collection: str, where: dict) -> set[str]:
        return set()

    def info(self, collection: str) -> vector_index.CollectionInfo:
        return vector_index.CollectionInfo(dim=0, language=INDEX_LANGUAGE)

    def upsert(self, collection: str, points: list) -> None:
        return None

    def delete(self, collection: str, ids: list[str]) -> None:
        return None


def asset_call_batches(frame: pd.DataFrame, specialty: str, year: str, batch_size: int, dim: int) -> list[list[str]]:
    """The texts of each encode call `vector_index.sync_partition` makes for a fresh partition (its order and
    slicing, whatever they currently are), recorded with a stand-in encoder and store."""
    calls: list[list[str]] = []

    def record(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.zeros((len(texts), dim), dtype=np.float32)

    vector_index.sync_partition(_EmptyStore(), "benchmark", frame, specialty, year, record, batch_size=batch_size)
    return calls


def padded_tokens(groups: list[list[int]], chars: list[list[int]], batch_size: int) -> int:
    """Tokens the model computes, padding included, for one encode call per group: sentence-transformers sorts a
    call's texts by character length (longest first) and pads each batch to its longest member."""
    total = 0
    for lengths, sizes in zip(groups, chars):
        ordered = [n for _, n in sorted(zip(sizes, lengths), key=lambda pair: -pair[0])]
        total += sum(max(ordered[i : i + batch_size]) * len(ordered[i : i + batch_size]) for i in range(0, len(ordered), batch_size))
    return total


def rate(n: float, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("nan")


def pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def main() -> dict:
    import torch

    model_name, batch_size = ARGS.model, ARGS.batch_size
    points_asset, _collection_asset, _check = build_index_assets(model_name)
    points_op = points_asset.op.name
    ingest_run_config = QUIET
    points_run_config = {**QUIET, "ops": {points_op: {"config": {"batch_size": batch_size}}}}

    home = WORKDIR / "home"
    source_dir = WORKDIR / "source"
    embedder = EmbeddingModels(models_dir=str(MODELS_DIR), default_model=model_name, registry_json=os.environ.get("MIRACLE_MODELS", ""))
    source = ReportSource(folder=str(source_dir))
    qdrant = QdrantResource(path=str(home / "qdrant"))
    resources = {
        "io_manager": ParquetIOManager(base_dir=str(home / "assets")),
        "data_root": DataRoot(path=str(home)),
        "source": source,
        "embedder": embedder,
        "qdrant": qdrant,
    }
    data_root = resources["data_root"]
    # One in-memory instance for every run, so the sensor sees the fingerprints recorded by ingestion.
    instance = dg.DagsterInstance.ephemeral()

    log(f"workdir {WORKDIR}, models {MODELS_DIR}, model {model_name}, batch {batch_size}, torch threads {torch.get_num_threads()}")

    # ---------------------------------------------------------------- corpus and model
    started = time.perf_counter()
    corpus = generate_corpus(n_patients=ARGS.patients, seed=ARGS.seed, specialties=settings.specialties(), years=settings.years())
    manifest = write_sample_source(source_dir, corpus)
    partitions = [(p["specialty"], p["year"]) for p in manifest["partitions"]]
    log(f"corpus: {len(corpus.documents)} documents in {len(partitions)} partitions ({time.perf_counter() - started:.1f}s)")

    started = time.perf_counter()
    embedder.provision(model_name)
    model = embedder.sentence_transformer(model_name)  # the lru-cached object the asset uses too
    prompt = embedder.spec(model_name).passage_prompt or None
    model.encode(["Warm-up: Befund unauffällig."] * 4, prompt=prompt, batch_size=batch_size)
    log(f"model loaded and warmed up ({time.perf_counter() - started:.1f}s), prompt {prompt!r}, max_seq_length {model.max_seq_length}")

    # ---------------------------------------------------------------- full build: ingest, then points
    full_ingest: dict[tuple[str, str], RunTiming] = {}
    started = time.perf_counter()
    for specialty, year in partitions:
        full_ingest[(specialty, year)] = materialize(ingest_assets, partition_key(specialty, year), resources, instance, ingest_run_config)
    log(f"ingest of {len(partitions)} partitions: {time.perf_counter() - started:.1f}s")

    frames = [data_root.previous("report_sections", s, y) for s, y in partitions]
    groups = [partition_texts(frame) for frame in frames]
    dim = model.get_embedding_dimension()
    # The encode calls the asset makes, as lists of texts, recorded from the real sync_partition.
    asset_calls = [asset_call_batches(frame, s, y, batch_size, dim) for frame, (s, y) in zip(frames, partitions)]
    n_passages = sum(len(g) for g in groups)
    all_texts = [t for g in groups for t in g]
    lengths = [len(model.tokenizer(f"{prompt or ''}{t}", truncation=True, max_length=model.max_seq_length)["input_ids"]) for t in all_texts]
    log(f"{n_passages} passages, tokens median {statistics.median(lengths):.0f}, max {max(lengths)}")
    # Padding each way of calling encode costs (deterministic, independent of machine load).
    token_groups, char_groups, start = [], [], 0
    for texts in groups:
        token_groups.append(lengths[start : start + len(texts)])
        char_groups.append([len(t) for t in texts])
        start += len(texts)
    token_length = dict(zip(all_texts, lengths))
    calls = [call for partition_calls in asset_calls for call in partition_calls]
    for text in {t for c in calls for t in c} - token_length.keys():
        token_length[text] = len(model.tokenizer(f"{prompt or ''}{text}", truncation=True, max_length=model.max_seq_length)["input_ids"])
    if sum(len(c) for c in calls) != n_passages:
        log(f"ODD: the asset's encode calls hold {sum(len(c) for c in calls)} texts for {n_passages} passages")
    padding = {
        "real_tokens": sum(lengths),
        "per_partition": padded_tokens(token_groups, char_groups, batch_size),
        "per_batch": padded_tokens([[token_length[t] for t in c] for c in calls], [[len(t) for t in c] for c in calls], batch_size),
        "one_call": padded_tokens([lengths], [[len(t) for t in all_texts]], batch_size),
    }

    # Paired per partition, in rotating order, so background load drifts hit bare and asset alike:
    # "bare" is one encode call over the partition's passages (what the library does with the same texts),
    # "per_batch" makes exactly the encode calls the asset makes (recorded above; diagnostic), so asset vs
    # per_batch isolates Dagster/Qdrant overhead and bare vs per_batch the asset's way of batching,
    # "asset" is the materialization of the points asset alone.
    bare: dict[tuple[str, str], float] = {}
    per_batch: dict[tuple[str, str], float] = {}
    full_points: dict[tuple[str, str], RunTiming] = {}
    kinds = ["bare", "asset"] if ARGS.no_diagnostics else ["bare", "per_batch", "asset"]
    # CPU seconds this process got per variant: with the cores to itself an encode keeps ~all torch threads busy;
    # a much lower CPU/wall share means other processes competed for the cores while that variant ran.
    cpu = dict.fromkeys(kinds, 0.0)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for index, ((specialty, year), texts, slices) in enumerate(zip(partitions, groups, asset_calls)):
        for kind in kinds[index % len(kinds) :] + kinds[: index % len(kinds)]:
            cpu_started = time.process_time()
            if kind == "bare":
                bare[(specialty, year)] = time_encode(model, [texts], prompt, batch_size)
            elif kind == "per_batch":
                per_batch[(specialty, year)] = time_encode(model, slices, prompt, batch_size)
            else:
                full_points[(specialty, year)] = materialize(
                    [*ingest_assets, points_asset],
                    partition_key(specialty, year),
                    resources,
                    instance,
                    points_run_config,
                    selection=[points_asset.key],
                )
            cpu[kind] += time.process_time() - cpu_started
    load_after = os.getloadavg()[0]
    log(
        f"bare encode + points of {len(partitions)} partitions: {time.perf_counter() - started:.1f}s "
        f"(1-min load average {load_before:.2f} before, {load_after:.2f} after, {os.cpu_count()} CPUs)"
    )

    points_key = points_asset.key.to_user_string()
    pmeta = [t.metadata[points_key] for t in full_points.values()]
    collection = pmeta[0]["collection"]
    embedded = sum(m["embedded"] for m in pmeta)
    embed_s = sum(m["embed_seconds"] for m in pmeta)
    upsert_s = sum(m["upsert_seconds"] for m in pmeta)
    points_wall = sum(t.wall for t in full_points.values())
    points_step = sum(t.step_total for t in full_points.values())
    ingest_wall = sum(t.wall for t in full_ingest.values())
    bare_s = sum(bare.values())
    cpu_wall = {"bare": bare_s, "per_batch": sum(per_batch.values()), "asset": points_wall}
    if embedded != n_passages:
        log(f"ODD: the asset embedded {embedded} passages, the partitions hold {n_passages}")

    diagnostics: dict[str, float] = {}
    if not ARGS.no_diagnostics:
        diagnostics["bare_per_batch_s"] = sum(per_batch.values())
        diagnostics["bare_one_call_s"] = time_encode(model, [all_texts], prompt, batch_size)
        log(f"bare encode of the whole corpus in one call: {diagnostics['bare_one_call_s']:.1f}s")
        started = time.perf_counter()
        with qdrant.open() as store:
            diagnostics["qdrant_open_s"] = time.perf_counter() - started
            diagnostics["collection_points"] = store.count(collection)
            started = time.perf_counter()
            for specialty, year in partitions:
                store.ids(collection, vector_index.partition_filter(specialty, year))
            diagnostics["scroll_ids_per_partition_s"] = (time.perf_counter() - started) / len(partitions)

    # ---------------------------------------------------------------- incremental: ~1% late documents
    late_corpus = generate_corpus(n_patients=ARGS.patients, seed=ARGS.seed + 1, specialties=settings.specialties(), years=settings.years())
    existing = set(partitions)
    eligible = [d for d in late_corpus.documents if (d["specialty"], d["date"][:4]) in existing]
    n_late = max(1, round(ARGS.late_fraction * len(corpus.documents)))
    late_docs = random.Random(ARGS.seed).sample(eligible, min(n_late, len(eligible)))
    if not late_docs:
        log("ODD: no document of the second corpus falls into an existing partition; use more --patients")
    by_partition: dict[tuple[str, str], list[dict]] = {}
    for i, doc in enumerate(late_docs):
        row = {c: doc[c] for c in REQUIRED_REPORT_COLUMNS}
        row["document_id"] = f"LATE-{i:05d}-{doc['document_id']}"
        by_partition.setdefault((doc["specialty"], doc["date"][:4]), []).append(row)
    for (specialty, year), rows in by_partition.items():
        with (source_dir / specialty / year / "late.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)

    started = time.perf_counter()
    # Invoked directly (no repository needed): its RunRequests name the partitions a deployment would run.
    requests = new_documents_sensor(dg.build_sensor_context(instance=instance, resources={"source": source}))
    sensor_s = time.perf_counter() - started
    keys = {str(partition_key(s, y)): (s, y) for s in settings.specialties() for y in settings.years()}
    requested = sorted(keys[r.partition_key] for r in requests) if isinstance(requests, list) else []
    if set(requested) != set(by_partition):
        log(f"ODD: the sensor requested {requested}, late documents went to {sorted(by_partition)}")
    log(
        f"{len(late_docs)} late documents in {len(by_partition)} partitions; sensor requested {len(requested)} partitions ({sensor_s:.2f}s)"
    )

    inc_ingest: dict[tuple[str, str], RunTiming] = {}
    inc_points: dict[tuple[str, str], RunTiming] = {}
    for specialty, year in requested:
        key = partition_key(specialty, year)
        inc_ingest[(specialty, year)] = materialize(ingest_assets, key, resources, instance, ingest_run_config)
        inc_points[(specialty, year)] = materialize(
            [*ingest_assets, points_asset], key, resources, instance, points_run_config, selection=[points_asset.key]
        )
    imeta = [t.metadata[points_key] for t in inc_points.values()]
    inc_new = sum(t.metadata["report_sections"]["passages_new"] for t in inc_ingest.values())
    inc_embedded = sum(m["embedded"] for m in imeta)
    inc_embed_s = sum(m["embed_seconds"] for m in imeta)
    inc_upsert_s = sum(m["upsert_seconds"] for m in imeta)
    inc_points_wall = sum(t.wall for t in inc_points.values())
    inc_points_step = sum(t.step_total for t in inc_points.values())
    inc_ingest_wall = sum(t.wall for t in inc_ingest.values())
    if inc_embedded != inc_new:
        log(f"ODD: report_sections reported {inc_new} new passages, the points asset embedded {inc_embedded}")
    with qdrant.open() as store:
        total_points = store.count(collection)
    total_passages = sum(len(data_root.previous("report_sections", s, y, columns=["passage_id"])) for s, y in partitions)
    if total_points != total_passages:
        log(f"ODD: the collection holds {total_points} points for {total_passages} passages")

    # ---------------------------------------------------------------- report
    n_parts, n_inc = len(partitions), max(len(requested), 1)
    bare_rate = rate(n_passages, bare_s)
    embed_rate = rate(embedded, embed_s)
    e2e_rate = rate(embedded, points_wall)
    # Fixed cost of one points run beyond embedding and upserting: Dagster run setup (wall - step) and the step's
    # own work around the loop (IO manager load, Qdrant open, scroll of existing ids, model version hash).
    full_run_overhead = (points_wall - points_step) / n_parts
    full_step_overhead = (points_step - embed_s - upsert_s) / n_parts
    inc_run_overhead = (inc_points_wall - inc_points_step) / n_inc
    inc_step_overhead = (inc_points_step - inc_embed_s - inc_upsert_s) / n_inc
    results = {
        "model": model_name,
        "batch_size": batch_size,
        "patients": ARGS.patients,
        "seed": ARGS.seed,
        "torch_threads": torch.get_num_threads(),
        "documents": len(corpus.documents),
        "partitions": n_parts,
        "passages": n_passages,
        "tokens_median": statistics.median(lengths),
        "tokens_max": max(lengths),
        "bare_encode_s": bare_s,
        "bare_passages_per_s": bare_rate,
        "asset_embedded": embedded,
        "asset_embed_s": embed_s,
        "asset_upsert_s": upsert_s,
        "asset_points_step_s": points_step,
        "asset_points_wall_s": points_wall,
        "ingest_wall_s": ingest_wall,
        "asset_embed_passages_per_s": embed_rate,
        "asset_e2e_passages_per_s": e2e_rate,
        "ratio_embed": embed_rate / bare_rate,
        "ratio_e2e": e2e_rate / bare_rate,
        "diagnostics": diagnostics,
        "padded_tokens": padding,
        "expected_ratio_embed_from_padding": padding["per_partition"] / padding["per_batch"],
        "load_average": [load_before, load_after],
        "cpu_per_wall": {k: cpu[k] / w for k, w in cpu_wall.items() if w},
        "per_partition": [
            {
                "specialty": s_,
                "year": y_,
                "passages": len(g),
                "bare_s": bare[(s_, y_)],
                "per_batch_s": per_batch.get((s_, y_)),
                "wall_s": full_points[(s_, y_)].wall,
                "step_s": full_points[(s_, y_)].step_total,
                **full_points[(s_, y_)].metadata[points_key],
            }
            for (s_, y_), g in zip(partitions, groups)
        ],
        "late_documents": len(late_docs),
        "late_partitions": sorted(by_partition),
        "sensor_requested": requested,
        "inc_embedded": inc_embedded,
        "inc_passages_new": inc_new,
        "inc_embed_s": inc_embed_s,
        "inc_upsert_s": inc_upsert_s,
        "inc_points_wall_s": inc_points_wall,
        "inc_ingest_wall_s": inc_ingest_wall,
        "ratio_inc_embedded": inc_embedded / embedded if embedded else float("nan"),
        "ratio_inc_embed_time": inc_embed_s / embed_s if embed_s else float("nan"),
        "ratio_inc_points_wall": inc_points_wall / points_wall,
        "ratio_inc_total_wall": (inc_ingest_wall + inc_points_wall) / (ingest_wall + points_wall),
        "full_points_run_overhead_s": full_run_overhead,
        "full_points_step_overhead_s": full_step_overhead,
        "inc_points_run_overhead_s": inc_run_overhead,
        "inc_points_step_overhead_s": inc_step_overhead,
        "full_ingest_wall_per_partition_s": ingest_wall / n_parts,
        "inc_ingest_wall_per_partition_s": inc_ingest_wall / n_inc,
        "collection_points": total_points,
        "total_passages": total_passages,
    }

    line = "-" * 100
    print(
        f"\n{line}\nembedding benchmark: {model_name}, batch {batch_size}, {ARGS.patients} patients (seed {ARGS.seed}), "
        f"{len(corpus.documents)} documents, {n_parts} partitions, {n_passages} passages "
        f"(tokens median {statistics.median(lengths):.0f}, max {max(lengths)}), {torch.get_num_threads()} torch threads"
    )
    print(line)
    print(
        f"bare encode: {bare_rate:.1f} passages/s ({bare_s:.2f}s, one call per partition)"
        f" | asset (embed): {embed_rate:.1f} (ratio {embed_rate / bare_rate:.3f})"
        f" | asset (end-to-end): {e2e_rate:.1f} (ratio {e2e_rate / bare_rate:.3f})"
    )
    print(
        f"  asset points runs: wall {points_wall:.2f}s = embed {embed_s:.2f}s + upsert {upsert_s:.2f}s "
        f"+ step overhead {points_step - embed_s - upsert_s:.2f}s + run overhead {points_wall - points_step:.2f}s "
        f"(per partition: step {full_step_overhead * 1000:.0f} ms, run {full_run_overhead * 1000:.0f} ms)"
    )
    if diagnostics:
        print(
            f"  diagnostics: bare encode with the asset's {len(calls)} encode calls "
            f"{rate(n_passages, diagnostics['bare_per_batch_s']):.1f} p/s "
            f"(asset embed / this = {embed_rate / rate(n_passages, diagnostics['bare_per_batch_s']):.3f}); "
            f"whole corpus in one call {rate(n_passages, diagnostics['bare_one_call_s']):.1f} p/s; "
            f"Qdrant open {diagnostics['qdrant_open_s'] * 1000:.0f} ms with {diagnostics['collection_points']} points; "
            f"scroll of a partition's ids {diagnostics['scroll_ids_per_partition_s'] * 1000:.0f} ms"
        )
    print(
        f"  padded tokens / real tokens ({padding['real_tokens']} real): one call per partition "
        f"{padding['per_partition'] / padding['real_tokens']:.2f}, the asset's {len(calls)} encode calls "
        f"{padding['per_batch'] / padding['real_tokens']:.2f}, whole corpus in one call "
        f"{padding['one_call'] / padding['real_tokens']:.2f} -> embed ratio expected from padding alone "
        f"{padding['per_partition'] / padding['per_batch']:.3f}"
    )
    share = {k: cpu[k] / w for k, w in cpu_wall.items() if w}
    print(
        f"  CPU seconds per wall second (of {torch.get_num_threads()} torch threads): "
        + ", ".join(f"{k} {v:.2f}" for k, v in share.items())
        + f"; 1-min load average {load_before:.2f} before / {load_after:.2f} after timing"
    )
    if share and min(share.values()) < 0.8 * torch.get_num_threads():
        print(
            "  NOISY: a variant got well under its threads' worth of CPU (other processes competed for the "
            "cores); trust the padded-token ratio over the measured one"
        )
    print(f"  ingest (not in the ratios): {ingest_wall:.2f}s for {n_parts} partitions ({ingest_wall / n_parts * 1000:.0f} ms each)")
    print(line)
    print(
        f"incremental: {pct(results['ratio_inc_embedded'])} of passages embedded, "
        f"{pct(results['ratio_inc_total_wall'])} of full-run time "
        f"(ingest+points wall {inc_ingest_wall + inc_points_wall:.2f}s vs {ingest_wall + points_wall:.2f}s)"
    )
    print(
        f"  {len(late_docs)} late documents ({pct(len(late_docs) / len(corpus.documents))}) in "
        f"{len(by_partition)} partitions; sensor requested {len(requested)}; {inc_embedded} passages embedded "
        f"({inc_new} new per report_sections)"
    )
    print(
        f"  embed time {inc_embed_s:.2f}s vs {embed_s:.2f}s = {pct(results['ratio_inc_embed_time'])}; "
        f"points wall {inc_points_wall:.2f}s vs {points_wall:.2f}s = {pct(results['ratio_inc_points_wall'])}; "
        f"ingest wall {inc_ingest_wall:.2f}s vs {ingest_wall:.2f}s"
    )
    print(
        f"  fixed per-partition overhead: ingest run {inc_ingest_wall / n_inc * 1000:.0f} ms; points run "
        f"{(inc_points_wall - inc_embed_s - inc_upsert_s) / n_inc * 1000:.0f} ms beyond embed+upsert "
        f"(step {inc_step_overhead * 1000:.0f} ms + run {inc_run_overhead * 1000:.0f} ms)"
    )
    print(f"  collection now holds {total_points} points for {total_passages} passages")
    print(line)
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


if __name__ == "__main__":
    try:
        main()
    finally:
        if _OWN_WORKDIR:
            shutil.rmtree(WORKDIR, ignore_errors=True)
