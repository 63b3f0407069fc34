"""The exception tree: every port's errors belong to the family that says what to do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from content.lifecycle import NotAllowed
from content.repository import (
    Conflict,
    ContentError,
    InvalidPage,
    NotFound,
    StaleEvent,
    StoreUnavailable,
    VersionConflict,
)
from ingest.maintenance import ReplayTooSlow
from kernel.errors import Conflicting, CopperError, Invalid, Missing, Transient, Unsupported
from messaging.queue import NoSuchMoveTask, OperationUnsupported, QueueError, QueueUnavailable
from messaging.tasks import TaskNotFound
from pipeline.errors import PipelineError, RejectedInput, TransientFailure
from search.errors import DocumentRefused, InvalidQuery, SearchError, SearchUnavailable
from storage.blobstore import (
    BlobNotFound,
    InvalidKey,
    StorageError,
    StorageUnavailable,
    UploadRefused,
)

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = {
    Transient: (
        StoreUnavailable,
        StorageUnavailable,
        SearchUnavailable,
        QueueUnavailable,
        TransientFailure,
    ),
    Missing: (NotFound, BlobNotFound, NoSuchMoveTask, TaskNotFound),
    Conflicting: (Conflict, VersionConflict, StaleEvent, NotAllowed),
    Invalid: (RejectedInput, InvalidQuery, InvalidPage, InvalidKey, UploadRefused, ReplayTooSlow),
    Unsupported: (OperationUnsupported,),
}


@pytest.mark.parametrize(
    ("family", "error"),
    [(family, error) for family, errors in FAMILIES.items() for error in errors],
)
def test_each_error_belongs_to_the_family_that_says_what_to_do(
    family: type[Exception], error: type[Exception]
) -> None:
    others = [other for other in FAMILIES if other is not family]
    assert issubclass(error, family)
    assert not any(issubclass(error, other) for other in others)


@pytest.mark.parametrize(
    "base", [ContentError, StorageError, SearchError, QueueError, PipelineError]
)
def test_every_port_base_is_a_copper_error(base: type[Exception]) -> None:
    assert issubclass(base, CopperError)


def test_a_refused_document_is_no_family_and_retrying_it_is_the_indexers_choice() -> None:
    assert not issubclass(DocumentRefused, (Transient, Missing, Conflicting, Invalid))


def test_bad_input_is_still_a_value_error_and_an_unknown_move_task_a_named_one() -> None:
    # GIVEN callers that catch ValueError for bad input
    assert all(issubclass(e, ValueError) for e in (InvalidQuery, InvalidKey, InvalidPage))
    # AND an unknown move task named as such, not signalled with a builtin KeyError
    assert issubclass(NoSuchMoveTask, Missing) and not issubclass(NoSuchMoveTask, KeyError)
    assert issubclass(TaskNotFound, LookupError)


def test_a_pipeline_error_keeps_its_code_and_message_shape() -> None:
    error = TransientFailure("Ran out of memory.")
    assert error.to_dict() == {"error": {"code": "transient", "message": "Ran out of memory."}}


def project_imports(package: str) -> set[str]:
    """Return the top-level project packages a package's modules import."""
    ours = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    found = set()
    for module in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & ours


def test_the_kernel_is_a_leaf_and_the_pipeline_needs_only_the_kernel() -> None:
    assert project_imports("kernel") <= {"kernel"}
    assert project_imports("pipeline") <= {"pipeline", "kernel"}
