"""What every `miracle` command shares: the options defined once, and user errors as one line with an exit code.

Exit codes: 0 done; 1 done, but something needs a look (a text still holds a master-list value, a translation run
stopped at the quota: said on stderr); 2 a usage or user error (a missing file, an unknown model, a bad value, an
unreachable service): one line on stderr, the traceback with `miracle --verbose ...`.
"""

from __future__ import annotations

import click

# What a user can get wrong outside the command line itself; anything else is a bug and keeps its traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError)


class UserError(click.ClickException):
    """A message for the user, exit code 2."""

    exit_code = 2


def user_errors() -> tuple[type[BaseException], ...]:
    """USER_ERRORS plus the project's own (imported only once an error is raised: most commands never need them)."""
    from miracle_dagster.core.llm import LLMUnavailableError
    from miracle_dagster.core.models import ModelProvisioningError
    from miracle_dagster.core.vector_index.store import StoreError

    return (*USER_ERRORS, LLMUnavailableError, ModelProvisioningError, StoreError)


INPUT = click.Path(exists=True, dir_okay=False)  # a file the command reads: a missing one is a usage error


def jsonl_in_out(command):
    """INPUT (an existing JSONL file) and OUTPUT (the JSONL file written) of the commands that run an asset's code on a
    user's file."""
    command = click.argument("output", type=click.Path(dir_okay=False))(command)
    return click.argument("input_file", metavar="INPUT", type=INPUT)(command)


def json_option(help: str = "machine-readable output"):
    return click.option("--json", "as_json", is_flag=True, help=help)


def model_option(help: str):
    return click.option("--model", default=None, help=help)


def quiet_model_loading() -> None:
    """No per-load progress bars from transformers in a terminal command's output."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def run(group: click.Group, argv: list[str] | None) -> int:
    """Run the command line; return its exit code instead of exiting, so tests and `main()` get the same number."""
    state: dict = {"verbose": False, "command": ""}
    try:
        result = group.main(args=argv, prog_name="miracle", standalone_mode=False, obj=state)
    except click.UsageError as error:  # a wrong flag or value: Click's message with the command's usage
        error.show()
        return error.exit_code
    except click.ClickException as error:
        click.echo(f"miracle {state['command']}: {error.format_message()}", err=True)
        return error.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except Exception as error:
        if state["verbose"] or not isinstance(error, user_errors()):
            raise
        click.echo(f"miracle {state['command']}: {error}", err=True)
        return UserError.exit_code
    return result if isinstance(result, int) else 0
