"""The adapters of every port for one backend family, and the one place that picks the family.

`COPPER_BACKEND` (settings.backend) is read here and nowhere else: `local` is the embedded
family (files, SQLite, threads), `aws` the production one (S3, SQS, DynamoDB, OpenSearch,
Lambda, Secrets Manager). What is built from the adapters is the composition root's business
(copper/bootstrap.py), the same for either family.
"""

from __future__ import annotations

from copper.adapters.family import Adapters
from copper.settings import ServiceSettings

__all__ = ["Adapters", "adapters_for"]


def adapters_for(settings: ServiceSettings) -> Adapters:
    """Return the adapters of the backend family `settings` names."""
    if settings.backend == "aws":
        from copper.adapters.aws import aws_adapters

        return aws_adapters(settings)
    from copper.adapters.local import local_adapters

    return local_adapters(settings)
