"""Copper's image pipeline: original bytes and settings in, web renditions and facts out.

Importing the package loads no image library: the entry point is `pipeline.process.process`.
"""

from pipeline.errors import PipelineError, RejectedInput, TransientFailure
from pipeline.model import Facts, ProcessResult, Rendition
from pipeline.settings import PIPELINE_VERSION, PipelineSettings

__all__ = [
    "PIPELINE_VERSION",
    "Facts",
    "PipelineError",
    "PipelineSettings",
    "ProcessResult",
    "RejectedInput",
    "Rendition",
    "TransientFailure",
]
