"""Service settings: declared once with defaults and descriptions, read from COPPER_* variables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.settings import ORIGINAL_MAX_BYTES, check, setting


@dataclass(frozen=True)
class ServiceSettings:
    """How the backend services are wired: which backend family, where data lives, secrets."""

    backend: Literal["local", "aws"] = setting(
        "local", "Adapter family: 'local' (files and SQLite) or 'aws' (S3, SQS, DynamoDB...)."
    )
    data_dir: str = setting("var", "Where the local backend keeps its databases and files.")
    token_secret: str = setting(
        "", "Secret that signs access tokens (local: generated into data_dir when empty)."
    )
    token_secret_arn: str = setting(
        "", "Secrets Manager ARN of the token secret, read once per cold start (aws)."
    )
    client_vouch_secret: str = setting(
        "",
        "Secret shared with the artist studio (its FLASK_API_VOUCH_SECRET), which signs the "
        "browser's address on log-in and registration (local: generated into data_dir).",
    )
    client_vouch_secret_arn: str = setting(
        "", "Secrets Manager ARN of the client vouch secret, read once per cold start (aws)."
    )
    token_lifetime: int = setting(3600, "Lifetime of an access token, in seconds.")
    login_account_limit: int = setting(
        5, "Failed log-ins per account within the login window before 429 (0: no limit)."
    )
    login_client_limit: int = setting(
        20,
        "Failed log-ins and refused registrations per client address within the login window "
        "before 429 (0: no limit).",
    )
    login_window: int = setting(
        900, "Seconds a failed log-in counts against its account and its client address."
    )
    cors_origins: tuple[str, ...] = setting(
        (), "Origins of the web apps allowed to call the API from a browser (comma-separated)."
    )
    public_api_url: str = setting(
        "http://127.0.0.1:8000", "Base URL where browsers reach this API (local upload forms)."
    )
    upload_max_bytes: int = setting(
        ORIGINAL_MAX_BYTES, "Largest original an artist may upload, in bytes."
    )
    uploads_bucket: str = setting("copper-uploads", "S3 bucket of the originals (aws).")
    dynamodb_table: str = setting("copper-content", "DynamoDB table of the content store (aws).")
    opensearch_url: str = setting("", "OpenSearch endpoint URL (aws).")
    search_alias: str = setting("artworks", "Name of the search index alias.")
    opensearch_signing: bool = setting(
        True, "Sign OpenSearch requests with the function's IAM credentials, SigV4 (aws)."
    )
    media_bucket: str = setting("copper-media", "S3 bucket of the renditions (aws).")
    media_base_url: str = setting(
        "http://127.0.0.1:8000/media", "Base URL where browsers fetch renditions (CDN on aws)."
    )
    queue_url: str = setting("", "URL of the SQS queue of upload events (aws).")
    dead_letter_queue_url: str = setting("", "URL of that queue's dead-letter queue (aws).")
    visibility_timeout: int = setting(
        300, "Seconds a received message stays hidden (local queue; SQS sets its own)."
    )
    max_receive_count: int = setting(
        5, "Receives before a message moves to the dead-letter queue (the RedrivePolicy's)."
    )
    processing_deadline: int = setting(
        3600, "Seconds a work may stay processing before the sweeper marks it failed."
    )
    sweep_interval: int = setting(
        60, "Seconds between the local worker's sweeps of overdue and dead-lettered works."
    )
    heartbeat_interval: float = setting(
        5.0, "Seconds between two heartbeats of one worker or processor container, at most."
    )
    health_worker_age: float = setting(
        30.0, "Seconds without any worker heartbeat after which /healthz reports degraded."
    )
    health_backlog_age: float = setting(
        300.0, "Seconds the oldest waiting message may wait before /healthz reports degraded."
    )

    def __post_init__(self) -> None:
        check(self.visibility_timeout >= 1, "the visibility timeout is at least 1 second")
        check(1 <= self.max_receive_count <= 1000, "max receive count is 1 to 1000")
        check(self.backend in ("local", "aws"), "the backend is 'local' or 'aws'")
        check(self.processing_deadline >= 60, "the processing deadline is at least 60 seconds")
        check(self.sweep_interval >= 1, "the sweep interval is at least 1 second")
        check(60 <= self.token_lifetime <= 86_400, "the token lifetime is 60 s to 1 day")
        check(self.upload_max_bytes > 0, "the upload size limit must be positive")
        check(
            self.login_account_limit >= 0 and self.login_client_limit >= 0,
            "the log-in attempt limits are 0 (no limit) or more",
        )
        check(1 <= self.login_window <= 86_400, "the log-in window is 1 s to 1 day")
        check(self.heartbeat_interval > 0, "the heartbeat interval must be positive")
        check(
            self.health_worker_age > self.heartbeat_interval,
            "the worker heartbeat bound must exceed the heartbeat interval",
        )
        check(self.health_backlog_age > 0, "the backlog bound must be positive")
        check(
            not self.token_secret or len(self.token_secret) >= 32,
            "the token secret needs at least 32 characters",
        )
        check(
            not self.client_vouch_secret or len(self.client_vouch_secret) >= 32,
            "the client vouch secret needs at least 32 characters",
        )
