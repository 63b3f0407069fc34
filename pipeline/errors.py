"""Pipeline outcomes that are not a manifest: permanent rejections and transient failures."""

from __future__ import annotations

from kernel.errors import CopperError, Invalid, Transient


class PipelineError(CopperError):
    """Base class of every error the pipeline raises on purpose."""

    code = "internal"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, dict[str, str]]:
        """Return the error as the JSON shape every Copper interface uses."""
        return {"error": {"code": self.code, "message": self.message}}


class RejectedInput(PipelineError, Invalid):
    """The original can never be processed: unsupported, corrupt, too large or unsafe."""

    code = "rejected"


class TransientFailure(PipelineError, Transient):
    """A failure that may pass on retry (memory, temporary storage); never the input's fault."""

    code = "transient"
