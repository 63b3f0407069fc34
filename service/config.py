"""Read declared settings from COPPER_<FIELD PATH> variables; list and document them.

`python -m service.config` prints the configuration reference (docs/configuration.md).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pipeline.settings import PipelineSettings
from service.settings import ServiceSettings

PREFIX = "COPPER_"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
SECRET_WORDS = frozenset({"SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIALS", "PRIVATE"})
REDACTED = "***"
SETTINGS: tuple[tuple[str, type], ...] = (
    ("Service", ServiceSettings),
    ("Pipeline", PipelineSettings),
)


class SettingsError(ValueError):
    """An environment variable does not hold a valid value for its setting."""


@dataclasses.dataclass(frozen=True)
class Requirement:
    """A setting a backend cannot run without: its variable and what it means."""

    variable: str
    meaning: str


class MissingSettings(SettingsError):
    """Settings the chosen backend needs are not set: each is named with its meaning."""

    def __init__(self, backend: str, missing: Iterable[Requirement]) -> None:
        """List every missing setting, one line each."""
        self.backend = backend
        self.missing = tuple(missing)
        lines = [f"the {backend} backend needs these settings, which are not set:"]
        lines += [f"  {item.variable}: {item.meaning}" for item in self.missing]
        lines.append("Set them (docs/deploy.md lists them), or use COPPER_BACKEND=local.")
        super().__init__("\n".join(lines))

    @property
    def variables(self) -> tuple[str, ...]:
        """Return the names of the missing settings."""
        return tuple(item.variable for item in self.missing)


def requirement(cls: type, variable: str) -> Requirement:
    """Return the requirement of a declared setting of `cls`, described by its declaration."""
    doc = next(item.doc for item in declared(cls) if item.variable == variable)
    return Requirement(variable, doc)


@dataclasses.dataclass(frozen=True)
class Declared:
    """One setting that can be read from the environment."""

    variable: str
    default: Any
    doc: str
    path: tuple[str, ...] = ()
    group: str = PREFIX
    owner: type | None = None


def from_env(cls: type, environ: Mapping[str, str], prefix: str = PREFIX) -> Any:
    """Return an instance of settings dataclass `cls` with environment overrides applied."""
    hints = typing.get_type_hints(cls)
    overrides: dict[str, Any] = {}
    for field in settable_fields(cls):
        variable = f"{prefix}{field.name.upper()}"
        kind = hints[field.name]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            overrides[field.name] = from_env(kind, environ, f"{variable}_")
        elif variable in environ:
            overrides[field.name] = parse(environ[variable], kind, variable)
    try:
        return cls(**overrides)
    except ValueError as error:
        raise SettingsError(f"{prefix.rstrip('_')} settings are not valid: {error}") from error


def declared(cls: type, prefix: str = PREFIX, path: tuple[str, ...] = ()) -> Iterator[Declared]:
    """Yield every environment-settable setting of `cls` with its variable, default and doc."""
    hints = typing.get_type_hints(cls)
    for field in settable_fields(cls):
        variable = f"{prefix}{field.name.upper()}"
        if dataclasses.is_dataclass(hints[field.name]):
            yield from declared(hints[field.name], f"{variable}_", (*path, field.name))
        else:
            doc = field.metadata.get("doc", "")
            yield Declared(variable, field.default, doc, (*path, field.name), prefix, cls)


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


def check_upload_limit(service: ServiceSettings, pipeline: PipelineSettings) -> None:
    """Refuse an upload limit above the pipeline's: such uploads would all be rejected."""
    if service.upload_max_bytes > pipeline.limits.max_bytes:
        raise SettingsError(
            f"COPPER_UPLOAD_MAX_BYTES={service.upload_max_bytes} is above "
            f"COPPER_LIMITS_MAX_BYTES={pipeline.limits.max_bytes}: the pipeline would reject "
            "every upload between the two; lower the first or raise the second"
        )


@dataclasses.dataclass(frozen=True)
class SettingRow:
    """One setting in force: its variable, value, default and description (secrets hidden)."""

    variable: str
    value: str
    default: str
    description: str


def settings_in_force(environ: Mapping[str, str]) -> list[SettingRow]:
    """Return every service and pipeline setting in force, or raise SettingsError."""
    rows = []
    for _title, cls in SETTINGS:
        instance = from_env(cls, environ)
        for item in declared(cls):
            value = functools.reduce(getattr, item.path, instance)
            shown, default = format_value(value), format_value(item.default)
            if is_secret(item.variable):
                shown, default = redact(shown), redact(default)
            rows.append(SettingRow(item.variable, shown, default, item.doc))
    return rows


def render_settings(rows: Iterable[SettingRow]) -> str:
    """Return one `VARIABLE=value  # description` line per row, as a shell would set it."""
    return "".join(f"{row.variable}={row.value}  # {row.description}\n" for row in rows)


def format_value(value: object) -> str:
    """Format a setting's value the way the environment spells it (None as empty)."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(map(format_value, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_secret(variable: str) -> bool:
    """Return whether a variable's name says it holds a secret (a key, password...)."""
    return not SECRET_WORDS.isdisjoint(variable.split("_"))


def redact(shown: str) -> str:
    """Hide a secret's value; an empty one stays visibly empty."""
    return REDACTED if shown else ""


def configuration_reference() -> str:
    """Return docs/configuration.md: every setting grouped, with its default and description."""
    lines = [
        "# Configuration",
        "",
        "<!-- Generated from the settings declarations: `make docs`. Do not edit by hand. -->",
        "",
        "Every deployment setting is declared once, with its default and a one-line description,",
        "in `service/settings.py` (service) and `pipeline/settings.py` (pipeline), and read from a",
        "`COPPER_*` environment variable by `service/config.py`. Lists are comma-separated,",
        "booleans are `true`/`false` (or `yes`/`no`, `1`/`0`, `on`/`off`). An invalid value stops",
        "the command with a message naming the variable. Per-artwork settings (watermark text or",
        "logo, copyright, credit, focal point) come from the artist's record, or from",
        "`copper process` options. `COPPER_UPLOAD_MAX_BYTES` may not exceed",
        "`COPPER_LIMITS_MAX_BYTES`.",
    ]
    for title, cls in SETTINGS:
        groups: dict[str, list[Declared]] = {PREFIX: []}
        for item in declared(cls):
            groups.setdefault(item.group, []).append(item)
        for prefix, items in groups.items():
            if not items:
                continue
            owner = items[0].owner or cls
            heading = f"## {title} settings" if owner is cls else f"### {title}: `{prefix}*`"
            lines += ["", heading, "", first_line(owner.__doc__), ""]
            lines += ["| variable | default | description |", "|---|---|---|"]
            lines += [reference_row(item) for item in items]
    return "\n".join(lines) + "\n"


def reference_row(item: Declared) -> str:
    """Return one setting as a Markdown table row."""
    default = format_value(item.default)
    shown = f"`{default}`" if default else "*(empty)*"
    description = item.doc.replace("|", "\\|")
    return f"| `{item.variable}` | {shown} | {description} |"


def first_line(doc: str | None) -> str:
    """Return the first line of a docstring."""
    return next(iter((doc or "").strip().splitlines()), "")


if __name__ == "__main__":
    print(configuration_reference(), end="")
