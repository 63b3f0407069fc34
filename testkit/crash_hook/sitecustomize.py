"""A test hook: a worker started with this folder on PYTHONPATH dies on a poison file.

With `COPPER_TEST_CRASH_MARKER` set, the pipeline's entry point is wrapped so that a file
containing the marker bytes kills its own process with SIGKILL, as an out-of-memory kill or
a crash inside a native decoder would: no exception, no failure recorded, nothing cleaned up.
Only the end-to-end tests put this folder on a worker's path.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

MARKER = os.environ.get("COPPER_TEST_CRASH_MARKER", "").encode()

if MARKER:
    import pipeline.process as stage

    real_process = stage.process

    def process(path: Path, settings: Any) -> Any:
        """Die like a killed worker on a poison file; otherwise run the real pipeline."""
        if MARKER in Path(path).read_bytes():
            os.kill(os.getpid(), signal.SIGKILL)
        return real_process(path, settings)

    stage.process = process
