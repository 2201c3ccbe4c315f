"""Fine-tuning on several GPUs inside a Dagster run: Pipes launches `torchrun --nproc_per_node N -m
miracle_dagster.train_worker`, the workers' rank 0 streams the trainer's logs into the run and hands back the
TrainResult, from which `finetuned_model` writes its materialization and metadata as it does for in-process training.
With N=1 the same path runs on a CPU (tests/test_training.py)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import dagster as dg
import pandas as pd
import torch

from miracle_dagster.core import models, training


def train_with_torchrun(
    context: dg.AssetExecutionContext,
    processes: int,
    spec: models.ModelSpec,
    models_dir: str,
    pairs: pd.DataFrame,
    out_dir: Path,
    config: training.TrainConfig,
    model_name: str,
    private: bool,
) -> training.TrainResult:
    """Train in `processes` torchrun workers on this machine; the pairs travel as a temporary Parquet file (removed
    afterwards: the `de` variant's pairs hold raw PHI), the settings as a job file beside it."""
    with tempfile.TemporaryDirectory(prefix="miracle-torchrun-") as tmp:
        job = {
            "spec": asdict(spec),
            "models_dir": str(models_dir),
            "pairs": str(Path(tmp) / "pairs.parquet"),
            "out_dir": str(out_dir),
            "config": asdict(config),
            "model_name": model_name,
            "private": private,
        }
        pairs.to_parquet(job["pairs"], index=False)
        job_file = Path(tmp) / "job.json"
        job_file.write_text(json.dumps(job))
        command = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={processes}",
            "-m",
            "miracle_dagster.train_worker",
            str(job_file),
        ]
        # torchrun would give each worker one CPU thread; on a CPU run they share this process's threads instead
        threads = os.environ.get("OMP_NUM_THREADS") or str(max(1, torch.get_num_threads() // processes))
        context.log.info(f"fine-tuning in {processes} torchrun process(es): {' '.join(command)}")
        invocation = dg.PipesSubprocessClient(env={"OMP_NUM_THREADS": threads}).run(context=context, command=command)
    results = invocation.get_custom_messages()
    if not results:
        raise dg.Failure(description="the torchrun workers exited without reporting a training result")
    return training.TrainResult.from_json(results[-1])
