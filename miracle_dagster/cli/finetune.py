"""`miracle finetune`: the assets' trainer on a user's own pairs file, into a folder `miracle ir-eval --model` loads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from miracle_dagster.cli.common import INPUT, json_option, quiet_model_loading
from miracle_dagster.core.training.finetune import REPORT, FinetuneConfig
from miracle_dagster.core.training.train import LOSSES

DEFAULT = FinetuneConfig()


@click.command("finetune")
@click.option("--pairs", "pairs_file", type=INPUT, required=True, help='JSONL lines {"query", "positive", "negatives"?}')
@click.option("--base", default="multilingual-e5-small", show_default=True, help="registry name, model folder or hub id")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="new folder for the model")
@click.option("--dev-fraction", type=click.FloatRange(0, 0.5), default=DEFAULT.dev_fraction, show_default=True, help="passages held out")
@click.option("--epochs", type=click.FloatRange(min=0, min_open=True), default=DEFAULT.train.epochs, show_default=True)
@click.option("--max-steps", type=int, default=DEFAULT.train.max_steps, show_default=True, help="stop after N steps (-1: epochs)")
@click.option("--batch-size", type=click.IntRange(min=2), default=DEFAULT.train.batch_size, show_default=True)
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), default=DEFAULT.train.learning_rate, show_default=True)
@click.option("--seed", type=int, default=DEFAULT.train.seed, show_default=True, help="of the split, the data order and the weights")
@click.option(
    "--negatives",
    type=click.IntRange(min=0),
    default=DEFAULT.mining.negatives,
    show_default=True,
    help="hard negatives mined per pair that brings none (0: in-batch only)",
)
@click.option(
    "--loss",
    type=click.Choice(LOSSES),
    default=DEFAULT.train.loss,
    show_default=True,
    help="cmnrl; gist: a guide vetoes false in-batch negatives",
)
@click.option("--guide", default=DEFAULT.guide, help="with --loss gist: the guide model (default: a frozen copy of BASE)")
@click.option("--max-seq-length", type=click.IntRange(min=16), default=DEFAULT.max_seq_length, show_default=True)
@json_option("the report as JSON")
def finetune(
    pairs_file, base, out, dev_fraction, epochs, max_steps, batch_size, learning_rate, seed, negatives, loss, guide, max_seq_length, as_json
) -> int:
    """Fine-tune BASE on your own (query, positive passage) pairs with the assets' trainer: e5 prompts, cached in-batch
    negatives, hard negatives mined with false-negative guards, a dev split by passage, the model card. Compare the
    result with `miracle ir-eval --model BASE --model OUT ...`."""
    import contextlib
    import json
    import sys

    from miracle_dagster.core import settings
    from miracle_dagster.core.training.finetune import finetune as run

    quiet_model_loading()
    train = replace(
        DEFAULT.train, epochs=epochs, max_steps=max_steps, batch_size=batch_size, learning_rate=learning_rate, seed=seed, loss=loss
    )
    mining = replace(DEFAULT.mining, negatives=negatives)
    config = replace(DEFAULT, train=train, mining=mining, dev_fraction=dev_fraction, max_seq_length=max_seq_length, guide=guide)
    with contextlib.redirect_stdout(sys.stderr):  # the trainer prints its logs: stdout keeps only the result
        report = run(base, Path(pairs_file), out, config, settings.models_dir())
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return 0
    rejected = sum(report.rejected_by_reason.values())
    click.echo(f"pairs: {report.lines} lines, {report.pairs_by_split} used, {rejected} rejected {report.rejected_by_reason or ''}")
    click.echo(f"hard negatives: {report.negatives_mined} mined, removed by guard {report.negatives_removed_by_guard}")
    click.echo(f"trained {report.steps} steps in {report.train_seconds:.0f}s; dev {report.dev_before} -> {report.dev_after}")
    click.echo(f"model: {report.model_dir} (report: {report.model_dir / REPORT})")
    return 0


COMMANDS = (finetune,)
