"""Switchable stand-ins for outages: wrap a real adapter, then make chosen calls fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Switchable:
    """Forwards every call to a real adapter, unless it is switched off.

    While `down`, every call raises `error()`. `fail_when(predicate)` fails only the calls
    whose arguments match (for example, the index write of one artwork).
    """

    def __init__(self, inner: Any, error: Callable[[], Exception]) -> None:
        """Wrap `inner`; failures raise what `error` returns."""
        self.inner = inner
        self.down = False
        self.calls = 0
        self._error = error
        self._predicates: list[Callable[[str, tuple[Any, ...]], bool]] = []

    def fail_when(self, predicate: Callable[[str, tuple[Any, ...]], bool]) -> None:
        """Fail the calls for which `predicate(method name, args)` is true."""
        self._predicates.append(predicate)

    def heal(self) -> None:
        """End every simulated failure."""
        self.down = False
        self._predicates.clear()

    def __getattr__(self, name: str) -> Any:
        """Forward to the real adapter, or fail as configured."""
        attribute = getattr(self.inner, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.down or any(predicate(name, args) for predicate in self._predicates):
                raise self._error()
            return attribute(*args, **kwargs)

        return call
