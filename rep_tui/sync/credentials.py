"""Signing in from the device and keeping the token: a JSON file in the
config directory, readable by its owner only (mode 0600). Reading the file
imports neither httpx nor the protocol models: the app reads it before its
first paint."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from rep_tui.sync.protocol import LoginResponse

FILE_NAME = "credentials.json"


class LoginFailed(Exception):
    pass


@dataclass(frozen=True)
class Credentials:
    server_url: str
    token: str
    username: str
    user_id: str
    expires_at: str


def _path(config_dir: Path | None) -> Path:
    if config_dir is None:
        from rep_tui.config import load_settings

        config_dir = load_settings().paths.config_dir
    return config_dir / FILE_NAME


def login(server_url: str, username: str, password: str, *, http: httpx.Client | None = None) -> LoginResponse:
    import httpx

    from rep_tui.sync.protocol import LoginRequest, LoginResponse

    client = http or httpx.Client(base_url=server_url, timeout=30)
    try:
        response = client.post("/auth/login", content=LoginRequest(username=username, password=password)
                               .model_dump_json(), headers={"Content-Type": "application/json"})
    except httpx.ConnectError as exc:
        raise untrusted_certificate(exc) or exc from None
    finally:
        if http is None:
            client.close()
    if response.status_code != 200:
        raise LoginFailed(response.json().get("detail", f"the server answered {response.status_code}"))
    return LoginResponse.model_validate_json(response.content)


def untrusted_certificate(exc: Exception) -> Exception | None:
    """A clear error for a server whose TLS certificate this device does not trust, else None."""
    import ssl

    import httpx

    cause = exc.__cause__ or exc.__context__
    while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError):
        cause = cause.__cause__ or cause.__context__
    if cause is None and "CERTIFICATE_VERIFY_FAILED" not in str(exc):
        return None
    reason = getattr(cause, "verify_message", None) or "verification failed"
    return httpx.ConnectError(f"the server's certificate is not trusted ({reason}). If your company signs its "
                              "own certificates, set SSL_CERT_FILE to its CA file (PEM).")


def save(server_url: str, answer: LoginResponse, config_dir: Path | None = None) -> Path:
    path = _path(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    creds = Credentials(server_url, answer.token, answer.username, str(answer.user_id), answer.expires_at.isoformat())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        os.fchmod(fh.fileno(), 0o600)  # also when the file existed with wider rights
        json.dump(asdict(creds), fh)
    return path


def load(config_dir: Path | None = None) -> Credentials | None:
    path = _path(config_dir)
    try:
        return Credentials(**json.loads(path.read_text()))
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None


def forget(config_dir: Path | None = None) -> None:
    _path(config_dir).unlink(missing_ok=True)
