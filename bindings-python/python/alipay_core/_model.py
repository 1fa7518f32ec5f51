"""The runtime under the generated code (:mod:`alipay_core.models`, :mod:`alipay_core._calls`): how an
object is built from the core's JSON and turned back into a dict, and how a call's arguments become its
fields. No model, call or field is named here; every one comes from the core's own types through
``make generate``.

* Amounts (``Decimal`` fields) are built from their exact text, never through a float.
* An open enum field (``TradeStatus | str``) holds the enum member, or the text of a value this version
  does not know.
* A union of models (``TradePayResponse | TradeQueryResponse``) is the first member whose required
  fields are all present: the core always writes every field a model requires, so this is exact.
* A field typed as an exception class (``AlipayError``) is the exception the core's error record
  describes.
* Fields the core sent that a class does not declare are kept in ``extra``.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import types
import typing
from decimal import Decimal
from typing import Any, Callable, ClassVar, Dict, Mapping, Type, TypeVar, Union

M = TypeVar("M", bound="Model")
Converter = Callable[[Any], Any]

MoneyLike = Union[Decimal, int, str]
"""An amount in yuan: ``Decimal("88.88")``, ``88`` or ``"88.88"`` — never a float."""

KeySource = Union[str, bytes, "os.PathLike[str]"]
"""A key or certificate: its text (``str``), a file's content (``bytes``) or a file (``pathlib.Path``)."""


def call_fields(named: Mapping[str, Any], rest: Mapping[str, Any]) -> Dict[str, Any]:
    """A call's fields: the named arguments that were given (not ``None``), then the pass-through ones."""
    out = {k: v for k, v in named.items() if v is not None}
    out.update(rest)
    return out


class Model:
    """Base of every generated result class: construction from the core's fields, ``extra`` and
    ``to_dict()``."""

    _converters: ClassVar[Dict[str, Converter]]
    _required: ClassVar[frozenset[str]]
    extra: Dict[str, Any]
    """Fields Alipay or the core sent that this class does not declare, as received."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._converters = {}

    def __getattr__(self, name: str) -> Any:
        # `extra` is set on every object built by `_from`; one built by hand has none.
        if name == "extra":
            return {}
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def _prepare(cls) -> Dict[str, Converter]:
        if not cls._converters:
            hints = typing.get_type_hints(cls)
            fields = dataclasses.fields(cls)  # type: ignore[arg-type]
            cls._converters = {f.name: _converter(hints[f.name]) for f in fields}
            cls._required = frozenset(
                f.name
                for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            )
        return cls._converters

    @classmethod
    def _accepts(cls, data: Mapping[str, Any]) -> bool:
        """``True`` when ``data`` has every field this class requires."""
        cls._prepare()
        return cls._required <= data.keys()

    @classmethod
    def _from(cls: Type[M], data: Mapping[str, Any]) -> M:
        """The object the core's fields ``data`` describe."""
        converters = cls._prepare()
        values: Dict[str, Any] = {name: None for name in cls._required}
        extra: Dict[str, Any] = {}
        for key, value in data.items():
            if key in converters:
                values[key] = None if value is None else converters[key](value)
            else:
                extra[key] = value
        model = cls(**values)
        object.__setattr__(model, "extra", extra)
        return model

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict (enums as their text, nested objects as dicts), ``extra`` merged in."""
        out = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        out.update(self.extra)
        return out


def _converter(hint: Any) -> Converter:
    """How a value of type ``hint`` is built from the core's JSON."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1:
            return _converter(members[0])
        enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
        if enums:
            kind = enums[0]
            return lambda v: _enum_or_text(kind, v)
        models = [m for m in members if isinstance(m, type) and issubclass(m, Model)]
        if models:
            return lambda v: _one_of(models, v)
        return lambda v: v
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        item = _converter(item_hint)
        return lambda v: [item(x) for x in v]
    if hint is Decimal:
        return lambda v: v if isinstance(v, Decimal) else Decimal(str(v))
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            kind = hint
            return lambda v: _enum_or_text(kind, v)
        if issubclass(hint, Model):
            return hint._from
        if issubclass(hint, BaseException):
            return _exception
    return lambda v: v


def _enum_or_text(kind: Type[enum.Enum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value  # A value this version does not know, kept verbatim.


def _one_of(models: list[Type[Model]], value: Any) -> Any:
    for model in models:
        if model._accepts(value):
            return model._from(value)
    return value


def _exception(value: Any) -> Any:
    if isinstance(value, Mapping):
        from ._native import _exception_from_info

        return _exception_from_info(dict(value))
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
