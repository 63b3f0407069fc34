"""Rules each deployable restates (the Heroku apps ship alone, without the backend) agree."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from heroku_artist import admin as studio_admin
from heroku_artist import config as studio_config
from heroku_artist import security as studio_security
from heroku_artist import upload as studio_upload
from heroku_web import observability as gallery_observability
from kernel.settings import ORIGINAL_MAX_BYTES
from service.http import app as api_app
from storage.blobstore import IMAGE_TYPES

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_and_both_apps_accept_the_same_request_ids() -> None:
    patterns = {
        api_app.REQUEST_ID_PATTERN.pattern,
        gallery_observability.REQUEST_ID_PATTERN.pattern,
        studio_security.REQUEST_ID_PATTERN.pattern,
    }
    assert len(patterns) == 1, patterns


def test_the_studio_offers_exactly_the_types_the_upload_policy_accepts() -> None:
    assert set(studio_upload.IMAGE_TYPES) == set(IMAGE_TYPES)
    assert set(studio_upload.EXTENSIONS.values()) == set(IMAGE_TYPES)


def test_the_studio_limit_is_the_api_limit_by_default() -> None:
    assert studio_config.DEFAULTS["UPLOAD_MAX_BYTES"] == ORIGINAL_MAX_BYTES


def test_every_audit_finding_is_in_the_api_contract_and_has_a_studio_label() -> None:
    source = (ROOT / "ingest" / "audit.py").read_text()
    made = set(re.findall(r'Finding\(\s*"([a-z_]+)"', source))
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    documented = set(spec["components"]["schemas"]["AuditFinding"]["properties"]["kind"]["enum"])
    assert len(made) >= 12
    assert made == documented == set(studio_admin.FINDINGS)
