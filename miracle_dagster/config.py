"""Run config classes made from the core dataclasses, so each setting is defined once (in core, without Dagster)."""

from __future__ import annotations

import dataclasses
import typing

import dagster as dg
import pydantic


def config_from(dataclass: type) -> type[dg.Config]:
    """A ``dg.Config`` with the dataclass's fields, types, defaults and docstring; ``to_core()`` gives the dataclass back.

    Dagster's config schema has lists, not tuples: a ``tuple[X, ...]`` field is a ``list[X]`` in run config and a tuple
    again in the dataclass. Subclass it to add asset-only fields (they stay out of ``to_core()``) or other defaults."""
    hints = typing.get_type_hints(dataclass)
    tuples = {f.name for f in dataclasses.fields(dataclass) if typing.get_origin(hints[f.name]) is tuple}
    fields = {
        f.name: (list[typing.get_args(hints[f.name])[0]], list(_default(f))) if f.name in tuples else (hints[f.name], _default(f))
        for f in dataclasses.fields(dataclass)
    }
    model = pydantic.create_model(dataclass.__name__, __base__=dg.Config, __doc__=dataclass.__doc__, **fields)
    model.to_core = lambda self: dataclass(
        **{name: tuple(getattr(self, name)) if name in tuples else getattr(self, name) for name in fields}
    )
    return model


def _default(field: dataclasses.Field):
    return field.default_factory() if field.default is dataclasses.MISSING else field.default
