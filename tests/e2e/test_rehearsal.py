"""`python -m rehearsal`: the AWS path rehearsed from the packaged template and the artefact.

The rehearsal runs as a process of its own (as `make rehearse` runs it): moto's server and
osmem-server on loopback, each function of the template under awslambdaric, the HTTP API and
the event source mappings from the template. It prints one line per step and exits 0 only if
no step failed; a step an emulator cannot run is a SKIP line, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testkit.ci import missing

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / ".serverless" / "cloudformation-template-update-stack.json"
ARTEFACT = ROOT / "build" / "lambda" / "copper-lambda.tar.gz"
STEPS = (
    "presigned POST of real photos to the versioned uploads bucket",
    "S3 → SQS → processor: every work ready",
    "stream → indexer: search finds the published works",
    "index outage: the indexer retries, then gives up",
    "store outage: the processor retries, then the message is dead-lettered",
    "admin replay of the dead letter: the work is ready and searchable",
    "index back: the audit repairs what the indexer gave up on",
    "delete a work: DeleteMarkerCreated on the versioned bucket",
)


def test_the_rehearsal_tells_its_story_step_by_step_and_every_step_passes() -> None:
    for needed, how in ((TEMPLATE, "make deploy-check"), (ARTEFACT, "make artifact")):
        if not needed.exists():
            missing(f"{needed.relative_to(ROOT)} is missing: run `{how}`")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-m", "rehearsal"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    missed = [step for step in STEPS if not any(ln.startswith(f"PASS  {step}: ") for ln in lines)]
    assert missed == [], "\n".join(lines)
    assert not [line for line in lines if line.startswith("FAIL")]
    assert "Traceback" not in done.stdout + done.stderr
    assert any(line.startswith("rehearsal:") and "0 failed" in line for line in lines)
