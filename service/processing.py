"""The image processor's composition: the one part of the composition root that loads the
pipeline (libvips, numpy), so that only the processes that render pay for it at start-up."""

from __future__ import annotations

import os

from ingest.consumer import Consumer
from ingest.service import Processor
from pipeline.settings import PipelineSettings
from service.adapters import Adapters
from service.bootstrap import build_adapters, build_indexer
from service.config import from_env


def build_processor(
    adapters: Adapters | None = None, pipeline: PipelineSettings | None = None
) -> Processor:
    """Build the image processor over the stores (pipeline settings from the environment)."""
    adapters = adapters or build_adapters()
    return Processor(
        repository=adapters.repository,
        uploads=adapters.blobs,
        media=adapters.media,
        indexer=build_indexer(adapters),
        settings=pipeline or from_env(PipelineSettings, os.environ),
        media_base_url=adapters.settings.media_base_url,
        processing_seconds=adapters.settings.processing_deadline,
    )


def build_consumer(
    adapters: Adapters | None = None, pipeline: PipelineSettings | None = None
) -> Consumer:
    """Build the queue consumer that drives the image processor (its function's cold start)."""
    adapters = adapters or build_adapters()
    processor = build_processor(adapters, pipeline)
    return Consumer(processor, adapters.failures, adapters.queue.max_receive_count)
