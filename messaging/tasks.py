"""The task ports: background admin jobs, their progress (SQLite or DynamoDB), what runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from kernel.errors import Missing


@dataclass(frozen=True)
class Task:
    """A background job: what, how far, and how it ended."""

    id: str
    kind: str
    state: str  # running, done, failed
    done: int = 0
    total: int | None = None
    started_at: float = 0.0
    finished_at: float | None = None
    error: str | None = None
    updated_at: float | None = None  # the last time its runner reported progress

    def to_dict(self) -> dict[str, Any]:
        """Return the task as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        """Return the task `to_dict` described."""
        return cls(**data)


class TaskNotFound(Missing, LookupError):
    """No task with that id."""


class TaskStore(Protocol):
    """Background tasks by id."""

    def put(self, task: Task) -> None:
        """Store (or replace) a task."""
        ...

    def get(self, task_id: str) -> Task:
        """Return a task, or raise TaskNotFound."""
        ...


class TaskRunner(Protocol):
    """Runs a stored task in the background, outside the request that started it."""

    def run(self, task_id: str, work: Callable[[str], object]) -> None:
        """Have `work(task_id)` run in the background: in this process, or another invocation.

        An adapter that hands the task to another invocation (Lambda) does not call `work`
        here: that invocation's entry point calls the same work with the task id.
        """
        ...
