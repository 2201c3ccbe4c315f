"""The `miracle` command: the same core and definitions as the Dagster UI, from a terminal.

One module per command group; `common.py` holds the shared options and turns user errors into one line on stderr
with exit code 2 (`--verbose` shows the traceback). Heavy imports happen inside the commands, so `--help` is quick."""

from __future__ import annotations

import os
from pathlib import Path

import click

from miracle_dagster.cli import common, data, evaluate, finetune, icd, index, models, privacy, qa, search, translate


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
@click.option(
    "--data-root",
    type=click.Path(file_okay=False, path_type=Path),
    help="where assets, models, caches and private/ live (default: MIRACLE_HOME, else .miracle/ in the project)",
)
@click.option("--verbose", is_flag=True, help="show the full traceback of an error")
@click.pass_context
def miracle(ctx: click.Context, data_root: Path | None, verbose: bool) -> None:
    """The same core and definitions as the Dagster UI, from a terminal.

    Exit codes: 0 done; 1 done, but something needs a look (said on stderr); 2 a usage or user error (a missing file,
    an unknown model, a bad value, an unreachable service)."""
    ctx.obj.update(verbose=verbose, command=ctx.invoked_subcommand or "")
    if data_root:  # read through core.settings, as every command and the resources do
        os.environ["MIRACLE_HOME"] = str(data_root.expanduser().resolve())


for module in (data, search, qa, privacy, translate, models, evaluate, finetune, icd, index):
    for command in module.COMMANDS:
        miracle.add_command(command)


def main(argv: list[str] | None = None) -> int:
    return common.run(miracle, argv)
