"""The task runner of one process: a daemon thread per task (locally, and off Lambda)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class ThreadTaskRunner:
    """Runs each task in a daemon thread of this process."""

    def run(self, task_id: str, work: Callable[[str], object]) -> None:
        """Start `work(task_id)` in a daemon thread and return at once."""
        threading.Thread(target=work, args=(task_id,), daemon=True).start()
