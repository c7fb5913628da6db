"""YAML's ``true`` and ``false`` are not numbers: a field that takes a number refuses them.

Pydantic's lax mode reads ``trials: true`` as 1 and ``count: false`` as 0, which no one
means. :func:`refuse_bool` is a before-validator for every field of a model
(``field_validator("*", mode="before")``): it refuses a bool wherever the field's type
takes a number (int or float, optional, annotated, or inside a list, tuple or mapping),
and lets everything else through unchanged.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationInfo, field_validator

__all__ = ["NoBoolNumbers", "bool_where_a_number_is", "refuse_bool"]


def bool_where_a_number_is(value: Any, tp: Any) -> bool:
    """Whether ``value`` holds a bool at a place where type ``tp`` takes a number."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Annotated:
        return bool_where_a_number_is(value, args[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if isinstance(value, bool):  # refused only if no member of the union takes a bool
            return bool(kinds) and not any(_takes_bool(a) for a in kinds)
        return any(bool_where_a_number_is(value, a) for a in kinds)
    if isinstance(value, bool):
        return tp in (int, float)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return any(bool_where_a_number_is(v, args[1]) for v in value.values())
    if origin in (list, tuple) and isinstance(value, list | tuple) and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return any(bool_where_a_number_is(v, a) for v, a in zip(value, args, strict=False))
        return any(bool_where_a_number_is(v, args[0]) for v in value)
    return False


def _takes_bool(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return _takes_bool(typing.get_args(tp)[0])
    return (
        tp is bool
        or tp is Any
        or (origin is typing.Literal and any(isinstance(a, bool) for a in typing.get_args(tp)))
    )


def refuse_bool(cls: Any, value: Any, info: Any) -> Any:
    """The body of a model's ``field_validator("*", mode="before")``."""
    name = info.field_name
    fields = cls.model_fields
    if name in fields and bool_where_a_number_is(value, fields[name].annotation):
        raise ValueError("true and false are not numbers here; a number is accepted")
    return value


class NoBoolNumbers(BaseModel):
    """A model whose every number field refuses true and false (:func:`refuse_bool`).

    Not for the members of a union told apart by a field (pydantic allows no
    before-validator on the discriminator): those name their number fields themselves.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_bool(cls, value, info)
