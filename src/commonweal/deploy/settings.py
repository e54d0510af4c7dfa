"""What a deployment is made of, checked before anything is written.

Every value here ends up inside a systemd unit or a Caddyfile, where a space, a quote
or a ``%`` means something else. So each one is checked against the shape it must
have, and refused with a message that says which shape.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ENV_FILE = Path("/etc/commonweal/commonweal.env")
PROXY_ADDRESS = "127.0.0.1"
"""Where the node listens and where Caddy connects from: the node trusts only this proxy."""

CADDY_PORTS = {80: "HTTP", 443: "HTTPS", 2019: "its admin API"}

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#&'*+/=?^_`|~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_UNIT_PATH = re.compile(r"^/[A-Za-z0-9._/+-]*$")


class DeployError(ValueError):
    """A deployment setting that cannot be written into the units or the Caddyfile."""


@dataclass(frozen=True)
class LocalTls:
    """Caddy on 127.0.0.1 only, with certificates from its own CA (``tls internal``) and
    chosen ports: for trying a deployment out (and the tests), never for a public node."""

    http_port: int
    https_port: int
    admin: str = "off"
    """``off``, or the ``host:port`` of Caddy's admin API."""


@dataclass(frozen=True)
class Deployment:
    """The settings the units, the environment file and the Caddyfile are rendered from."""

    data_dir: Path
    domain: str
    executable: Path
    user: str = "commonweal"
    port: int = 8000
    email: str | None = None
    env_file: Path = DEFAULT_ENV_FILE
    separate_scheduler: bool = True
    """Run the scheduler as its own unit (``serve --no-scheduler``), or inside ``serve``."""
    sealed_key: bool = False
    """The node key is sealed with a passphrase, which the environment file must hold."""
    postgres: bool = False
    local_tls: LocalTls | None = None

    @property
    def public_url(self) -> str:
        return f"https://{self.domain}"

    @property
    def upstream(self) -> str:
        return f"{PROXY_ADDRESS}:{self.port}"

    @property
    def protect_home(self) -> str:
        """``yes`` hides /home, /root and /run/user; ``read-only`` where the node's own
        program or data lives there."""
        homes = ("/home/", "/root/", "/run/user/")
        used = (f"{self.data_dir}/", f"{self.executable}")
        return "read-only" if any(p.startswith(homes) for p in used) else "yes"


def check_domain(domain: str) -> str:
    """``domain`` lower-cased, if it is a DNS host name of two labels or more."""
    name = domain.strip().rstrip(".").lower()
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise DeployError(
            f"--domain must be the host name the node is reached at, such as node.example.org "
            f"(letters, digits and hyphens, two labels or more; no scheme, port, path or IP "
            f"address), not {domain!r}"
        )
    return name


def check_user(user: str) -> str:
    if user == "root":
        raise DeployError(
            "--user root is refused: the node runs as an unprivileged system user "
            "(adduser --system --group commonweal)"
        )
    if not _USER.match(user):
        raise DeployError(
            f"--user must be a system user name (lower-case letters, digits, _ and -), not {user!r}"
        )
    return user


def check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise DeployError(f"--port must be between 1 and 65535, not {port}")
    if port in CADDY_PORTS:
        raise DeployError(
            f"--port {port} is taken by Caddy for {CADDY_PORTS[port]}: choose another "
            f"(the node listens on {PROXY_ADDRESS} only, behind Caddy)"
        )
    return port


def check_email(email: str | None) -> str | None:
    if email is None:
        return None
    if not _EMAIL.match(email):
        raise DeployError(
            f"--email must be an address such as admin@example.org (for the certificate "
            f"authority's expiry notices), not {email!r}"
        )
    return email


def check_unit_path(path: Path, option: str) -> Path:
    """An absolute path systemd reads as written (no spaces, quotes, ``%`` or ``$``)."""
    text = str(path)
    if not _UNIT_PATH.match(text):
        raise DeployError(
            f"{option} must be an absolute path of letters, digits and . _ / + - only "
            f"(systemd reads spaces, quotes, % and $ specially), not {text!r}"
        )
    return path


def check_local_tls(local: LocalTls) -> LocalTls:
    for port in (local.http_port, local.https_port):
        if not 1 <= port <= 65535:
            raise DeployError(f"a local Caddy port must be between 1 and 65535, not {port}")
    if local.admin != "off":
        host, _, port_text = local.admin.rpartition(":")
        try:
            ipaddress.ip_address(host)
            valid = port_text.isdigit() and 1 <= int(port_text) <= 65535
        except ValueError:
            valid = False
        if not valid:
            raise DeployError(f"Caddy's admin address must be off or host:port, not {local.admin}")
    return local
