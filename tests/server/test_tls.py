"""`rep-tui serve` over TLS with a certificate made here (trustme): a device
that trusts the company's CA signs in with verification; one that does not
is refused with a sentence, not a traceback."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rep_tui.server.db import make_engine, migrate
from rep_tui.server.embedded import free_port
from server_fixtures import PASSWORD, make_company
from rep_tui.sync import credentials

trustme = pytest.importorskip("trustme")
REPO = Path(__file__).resolve().parents[2]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    return {**env, "PYTHONPATH": str(REPO), "REP_TUI_HOME": str(home), **extra}


def _wait_until_serving(url: str, context: ssl.SSLContext, process: subprocess.Popen) -> None:
    """Until /health answers over TLS (or the server died: then say why)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"rep-tui serve exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", verify=context, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # the server is still starting: poll for the condition, do not assume a duration
    raise AssertionError("rep-tui serve did not answer over TLS within 60 s")


def test_sign_in_over_tls_with_the_company_ca_and_refuse_an_unknown_certificate(backend, tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    engine = make_engine(backend.url)
    migrate(engine)
    make_company(engine)
    engine.dispose()
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "rep_tui", "serve", "--db", backend.url, "--port", str(port),
         "--tls-cert", str(cert_file), "--tls-key", str(key_file), "--blobs", str(tmp_path / "blobs")],
        env=_env(tmp_path / "server-home"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        trusted = ssl.create_default_context(cafile=str(ca_file))
        _wait_until_serving(url, trusted, server)
        with httpx.Client(base_url=url, verify=trusted) as client:
            answer = credentials.login(url, "ann", PASSWORD, http=client)
        assert answer.username == "ann" and answer.role == "rep"
        with pytest.raises(httpx.ConnectError, match="certificate is not trusted"):
            credentials.login(url, "ann", PASSWORD)  # the system's CAs only

        login = [sys.executable, "-m", "rep_tui", "login", url, "-u", "ann", "--password", PASSWORD]
        refused = subprocess.run(login, env=_env(tmp_path / "device-a"), capture_output=True, text=True,
                                 timeout=120)
        assert refused.returncode == 1
        assert "certificate is not trusted" in refused.stderr and "SSL_CERT_FILE" in refused.stderr
        assert "Traceback" not in refused.stderr + refused.stdout
        signed_in = subprocess.run(login, env=_env(tmp_path / "device-b", SSL_CERT_FILE=str(ca_file)),
                                   capture_output=True, text=True, timeout=120)
        assert signed_in.returncode == 0, signed_in.stderr
        assert "Signed in as Ann (rep)" in signed_in.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
