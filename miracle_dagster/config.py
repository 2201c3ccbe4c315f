"""Run config classes made from the core dataclasses, so each setting is defined once (in core, without Dagster)."""

from __future__ import annotations

import dataclasses
import typing

import dagster as dg
import pydantic


def config_from(dataclass: type) -> type[dg.Config]:
    """A ``dg.Config`` with the dataclass's fields, types, defaults and docstring; ``to_core()`` gives the dataclass back."""
    hints = typing.get_type_hints(dataclass)
    fields = {f.name: (hints[f.name], f.default) for f in dataclasses.fields(dataclass)}
    model = pydantic.create_model(f"{dataclass.__name__}Config", __base__=dg.Config, __doc__=dataclass.__doc__, **fields)
    model.to_core = lambda self: dataclass(**{name: getattr(self, name) for name in fields})
    return model
