"""One process of `torchrun --nproc_per_node N -m miracle_dagster.train_worker JOB.json`: every rank trains its share
of each batch (DDP, one process per GPU); rank 0, when Dagster Pipes started it (the `finetuned_model` asset with
`MIRACLE_TRAIN_PROCESSES` >= 1), streams the trainer's logs into the run and reports the result. Imports dagster-pipes,
not Dagster: the workers stay light. The job file is what `miracle_dagster.torchrun` writes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd
from dagster_pipes import PipesEnvVarParamsLoader, open_dagster_pipes
from transformers import TrainerCallback

from miracle_dagster.core import models, training


class _PipesLog(TrainerCallback):
    """The trainer's log lines (loss, learning rate, dev metrics) as Dagster log messages, live in the run's view."""

    def __init__(self, pipes):
        self.pipes = pipes

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.pipes.log.info(f"step {state.global_step}/{state.max_steps}: {json.dumps(logs or {}, sort_keys=True)}")


def run(job: dict, callbacks=()) -> training.TrainResult:
    """Load the base model from its spec and train it on the job's pairs with the core trainer, as the asset does
    in-process."""
    spec = models.ModelSpec(**job["spec"])
    config = training.TrainConfig(**{**job["config"], "matryoshka_dims": tuple(job["config"]["matryoshka_dims"])})
    model = models.load_sentence_transformer(spec, Path(job["models_dir"]))
    guide = models.load_sentence_transformer(spec, Path(job["models_dir"])) if config.loss == "gist" else None
    return training.train(
        model,
        pd.read_parquet(job["pairs"]),
        Path(job["out_dir"]),
        config,
        spec.query_prompt or None,
        spec.passage_prompt or None,
        guide=guide,
        callbacks=callbacks,
        model_name=job["model_name"],
        private=job["private"],
    )


def main(job_file: str) -> None:
    job = json.loads(Path(job_file).read_text())
    if int(os.environ.get("RANK", "0")) or not PipesEnvVarParamsLoader().is_dagster_pipes_process():
        run(job)  # other ranks, or started by hand: the trainer's own logging, the model on disk
        return
    with open_dagster_pipes() as pipes:
        result = run(job, callbacks=[_PipesLog(pipes)])
        pipes.report_custom_message(result.to_json())


if __name__ == "__main__":
    main(sys.argv[1])
