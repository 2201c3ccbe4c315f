"""`miracle export-model`, `miracle serve-llm`: a trained embedder out of the data root, the bundled LLM as a server."""

from __future__ import annotations

import os
from pathlib import Path

import click

from miracle_dagster.cli.common import UserError
from miracle_dagster.core import settings
from miracle_dagster.core.training import VARIANTS
from miracle_dagster.core.variables import BY_NAME


@click.command("export-model")
@click.argument("variant", type=click.Choice(VARIANTS))
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="also export a variant trained on raw PHI")
def export_model(variant: str, dest: Path, force: bool) -> int:
    """Copy a variant's fine-tuned model (with model card) into the new folder DEST, ready to publish. The `de` variant
    was trained on raw PHI: refused unless --force."""
    from miracle_dagster.core import model_store
    from miracle_dagster.core.training import registry

    dest = registry.export_model(model_store.default_store(), variant, dest, settings.models_dir(), force=force)
    click.echo(f"  exported finetuned-{variant} -> {dest}")
    return 0


@click.command("serve-llm")
@click.option("--model", default=BY_NAME["MIRACLE_LLM_MODEL"].default, show_default=True, help="bundled model name or a .gguf file")
@click.option("--alias", default="bundled", show_default=True, help="the model name clients send")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="0.0.0.0 to serve other machines; clients must send MIRACLE_LLM_API_KEY when set"
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0: a free one, printed")
@click.option("--n-ctx", type=click.IntRange(min=256), default=2048, show_default=True, help="context window in tokens")
@click.option("--threads", type=click.IntRange(min=0), default=0, help="CPU threads (0: all cores)")
def serve_llm(model: str, alias: str, host: str, port: int, n_ctx: int, threads: int) -> int:
    """A GGUF model behind an OpenAI-compatible HTTP server (llama.cpp), until Ctrl-C."""
    from miracle_dagster.core.llm import llamacpp, local_models

    try:
        llamacpp.serve(
            model,
            settings.models_dir(),
            alias=alias,
            host=host,
            port=port,
            n_ctx=n_ctx,
            n_threads=threads,
            api_key=os.environ.get("MIRACLE_LLM_API_KEY", ""),
        )
    except (local_models.LocalModelError, RuntimeError) as error:
        raise UserError(str(error)) from error
    return 0


COMMANDS = (export_model, serve_llm)
