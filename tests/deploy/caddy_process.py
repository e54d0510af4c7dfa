"""A real ``caddy run`` on 127.0.0.1, with every file it keeps in a temporary folder."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from commonweal.deploy.render import CADDYFILE, render
from commonweal.deploy.settings import Deployment, LocalTls, check_local_tls
from tests.deploy.tools import caddy
from tests.server import free_port


class CaddyProcess:
    """Caddy serving ``deployment``'s Caddyfile with ``tls internal`` on free ports.

    ``XDG_DATA_HOME``/``XDG_CONFIG_HOME``/``HOME`` point into ``folder``, so its CA, its
    certificates and its autosaved config never touch the system, and it installs
    nothing into the system's trust store (``skip_install_trust``).
    """

    def __init__(self, folder: Path, deployment: Deployment) -> None:
        self.folder = folder
        self.local = check_local_tls(LocalTls(http_port=free_port(), https_port=free_port()))
        self.deployment = replace(deployment, local_tls=self.local)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def root_ca(self) -> Path:
        """Caddy's own root certificate, which signs the site's certificate."""
        return self.folder / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    @property
    def log_path(self) -> Path:
        return self.folder / "caddy.log"

    def start(self, timeout: float = 30.0) -> CaddyProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        caddyfile = self.folder / CADDYFILE
        [text] = [f.text for f in render(self.deployment) if f.name == CADDYFILE]
        caddyfile.write_text(text)
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(self.folder / "data"),
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "HOME": str(self.folder),
        }
        command = [caddy(), "run", "--config", str(caddyfile), "--adapter", "caddyfile"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"caddy exited: {self.log_path.read_text()}")
            if self.root_ca.exists() and _accepts(self.local.https_port):
                return self
            time.sleep(0.1)
        raise TimeoutError(f"caddy did not start: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def client(self, source: str) -> httpx.Client:
        """An HTTPS client of the site from the address ``source`` (on the loopback),
        trusting Caddy's root only, that names the site's domain in SNI and ``Host``."""
        trusted = ssl.create_default_context(cafile=str(self.root_ca))
        return httpx.Client(
            base_url=f"https://127.0.0.1:{self.local.https_port}",
            headers={"Host": self.deployment.domain},
            transport=_NamedTransport(self.deployment.domain, verify=trusted, local_address=source),
            timeout=10,
        )


class _NamedTransport(httpx.HTTPTransport):
    """Connects to the address in the URL, but names ``server_name`` in the TLS handshake
    (SNI, and the name the certificate is checked against): no resolver is touched."""

    def __init__(self, server_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.server_name = server_name

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions = {**request.extensions, "sni_hostname": self.server_name}
        return super().handle_request(request)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
