"""The adapters of every port for one backend family, and the one place that picks the family.

`COPPER_BACKEND` (settings.backend) is read here and nowhere else: `local` is the embedded
family (files, SQLite, threads), `aws` the production one (S3, SQS, DynamoDB, OpenSearch,
Lambda, Secrets Manager). What is built from the adapters is the composition root's business
(service/bootstrap.py), the same for either family.
"""

from __future__ import annotations

from service.adapters.family import Adapters
from service.settings import ServiceSettings

__all__ = ["Adapters", "adapters_for"]


def adapters_for(settings: ServiceSettings) -> Adapters:
    """Return the adapters of the backend family `settings` names."""
    if settings.backend == "aws":
        from service.adapters.aws import aws_adapters

        return aws_adapters(settings)
    from service.adapters.local import local_adapters

    return local_adapters(settings)
