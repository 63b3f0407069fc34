"""`copper dev` gives the studio the API's client vouch secret, generated into the data dir."""

from __future__ import annotations

from pathlib import Path

from copper.local_stack import share_vouch_secret
from service.adapters.secrets import VOUCH_SECRET_FILE
from service.bootstrap import build_services
from service.settings import ServiceSettings


def test_the_studio_gets_the_secret_the_local_api_generated(tmp_path: Path) -> None:
    services = build_services(ServiceSettings(data_dir=str(tmp_path)))
    environ: dict[str, str] = {}
    share_vouch_secret(services, environ)
    generated = (tmp_path / VOUCH_SECRET_FILE).read_text().strip()
    assert len(generated) >= 32
    assert environ["FLASK_API_VOUCH_SECRET"] == generated
    assert services.vouch_key == generated.encode()
    again = build_services(ServiceSettings(data_dir=str(tmp_path)))
    assert again.vouch_key == services.vouch_key  # kept across restarts


def test_a_secret_the_operator_set_is_kept(tmp_path: Path) -> None:
    chosen = "c" * 40
    services = build_services(ServiceSettings(data_dir=str(tmp_path), client_vouch_secret=chosen))
    environ = {"FLASK_API_VOUCH_SECRET": chosen}
    share_vouch_secret(services, environ)
    assert environ["FLASK_API_VOUCH_SECRET"] == chosen
    assert not (tmp_path / VOUCH_SECRET_FILE).exists()
