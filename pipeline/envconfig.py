"""Read declared settings from environment variables: COPPER_<FIELD PATH>, typed by annotation."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

PREFIX = "COPPER_"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """An environment variable does not hold a valid value for its setting."""


@dataclasses.dataclass(frozen=True)
class Declared:
    """One setting that can be read from the environment."""

    variable: str
    default: Any
    doc: str


def from_env(cls: type, environ: Mapping[str, str], prefix: str = PREFIX) -> Any:
    """Return an instance of settings dataclass `cls` with environment overrides applied."""
    hints = typing.get_type_hints(cls)
    overrides: dict[str, Any] = {}
    for field in settable_fields(cls):
        variable = f"{prefix}{field.name.upper()}"
        kind = hints[field.name]
        if dataclasses.is_dataclass(kind):
            overrides[field.name] = from_env(kind, environ, f"{variable}_")
        elif variable in environ:
            overrides[field.name] = parse(environ[variable], kind, variable)
    try:
        return cls(**overrides)
    except ValueError as error:
        raise SettingsError(f"{prefix.rstrip('_')} settings are not valid: {error}") from error


def declared(cls: type, prefix: str = PREFIX) -> Iterator[Declared]:
    """Yield every environment-settable setting of `cls` with its variable, default and doc."""
    hints = typing.get_type_hints(cls)
    for field in settable_fields(cls):
        variable = f"{prefix}{field.name.upper()}"
        if dataclasses.is_dataclass(hints[field.name]):
            yield from declared(hints[field.name], f"{variable}_")
        else:
            yield Declared(variable, field.default, field.metadata.get("doc", ""))


def settable_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """Return the fields marked as deployment settings (per-artwork ones are not)."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("env", True)]


def parse(raw: str, kind: Any, variable: str) -> Any:
    """Convert an environment string to the annotated type, or raise SettingsError."""
    text = raw.strip()
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    try:
        if kind is bool:
            return parse_bool(text)
        if kind in (int, float, str):
            return kind(text)
        if origin is tuple:
            return tuple(parse(part, args[0], variable) for part in text.split(",") if part)
        if origin is typing.Literal:
            if text not in args:
                raise ValueError(f"expected one of {', '.join(map(str, args))}")
            return text
        if origin in (typing.Union, types.UnionType) and type(None) in args:
            inner = next(arg for arg in args if arg is not type(None))
            return None if text == "" else parse(text, inner, variable)
    except SettingsError:
        raise
    except (ValueError, TypeError) as error:
        raise SettingsError(f"{variable}={raw!r} is not valid: {error}") from error
    raise SettingsError(f"{variable} cannot be set from the environment")


def parse_bool(text: str) -> bool:
    """Parse a yes/no word."""
    word = text.lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError("expected true or false")
