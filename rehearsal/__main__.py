"""`python -m rehearsal`: the AWS path on one machine, from the template and the artefact."""

from __future__ import annotations

import sys
import time

from rehearsal.functions import ArtefactMissing
from rehearsal.stack import up
from rehearsal.story import Story, quiet_stderr
from rehearsal.template import TemplateMissing


def main() -> int:
    """Start the stack, run the story, stop; exit 0 only if every step passed."""
    started = time.monotonic()
    try:
        stack = up()
    except (TemplateMissing, ArtefactMissing) as missing:
        print(f"rehearsal: {missing}", file=sys.stderr)
        return 2
    try:
        ok = Story(stack).run()
    finally:
        with quiet_stderr():
            stack.down()
    print(f"rehearsal: {time.monotonic() - started:.0f} s wall time")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
