"""Render a deployment's files from the templates in this package, and write them.

The templates (``deploy/templates/``) ship in the wheel; rendering is pure (settings in,
file texts out), writing is the one step that touches the disk and it refuses to
overwrite a file unless told to.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from commonweal.deploy.settings import (
    DEFAULT_ENV_FILE,
    DeployError,
    Deployment,
    check_domain,
    check_email,
    check_port,
    check_unit_path,
    check_user,
)
from commonweal.node.kernel.setup import KEY_FILE, SetupError, read_settings

WEB_UNIT = "commonweal-web.service"
SCHEDULER_UNIT = "commonweal-scheduler.service"
CADDYFILE = "Caddyfile"
ENV_FILE = "commonweal.env"
SECRET_FILES = frozenset({ENV_FILE})
"""Written readable by their owner only: the environment file may hold the passphrase."""


@dataclass(frozen=True)
class RenderedFile:
    name: str
    text: str

    @property
    def secret(self) -> bool:
        return self.name in SECRET_FILES


def deployment_for(
    data_dir: Path,
    *,
    domain: str,
    executable: Path,
    user: str = "commonweal",
    port: int = 8000,
    email: str | None = None,
    env_file: Path = DEFAULT_ENV_FILE,
    separate_scheduler: bool = True,
) -> Deployment:
    """The deployment of the node in ``data_dir`` (which must exist), every setting checked."""
    data_dir = check_unit_path(data_dir.absolute(), "--data-dir")
    try:
        settings = read_settings(data_dir)
    except SetupError as error:
        raise DeployError(str(error)) from None
    executable = check_unit_path(executable.absolute(), "--executable")
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        raise DeployError(f"no commonweal program at {executable} (pass --executable)")
    return Deployment(
        data_dir=data_dir,
        domain=check_domain(domain),
        executable=executable,
        user=check_user(user),
        port=check_port(port),
        email=check_email(email),
        env_file=check_unit_path(env_file, "--env-file"),
        separate_scheduler=separate_scheduler,
        sealed_key=_key_is_sealed(data_dir / KEY_FILE),
        postgres=(settings.database_url or "").startswith("postgresql"),
    )


def render(deployment: Deployment) -> list[RenderedFile]:
    """The unit(s), the environment file and the Caddyfile for ``deployment``."""
    names = [WEB_UNIT, *([SCHEDULER_UNIT] if deployment.separate_scheduler else [])]
    return [
        *(RenderedFile(name, _render(name, deployment)) for name in names),
        RenderedFile(ENV_FILE, _render(ENV_FILE, deployment)),
        RenderedFile(CADDYFILE, _render(CADDYFILE, deployment)),
    ]


def write(output: Path, files: list[RenderedFile], *, force: bool = False) -> list[Path]:
    """Write ``files`` into ``output`` (created if missing). Refuses, writing nothing, when
    any of them exists already, unless ``force``."""
    if output.exists() and not output.is_dir():
        raise DeployError(f"--output {output} is a file, not a folder")
    existing = [file.name for file in files if (output / file.name).exists()]
    if existing and not force:
        raise DeployError(
            f"{output} already holds {', '.join(existing)}: pass --force to overwrite, "
            f"or choose another --output"
        )
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        path = output / file.name
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if file.secret else 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(file.text)
        written.append(path)
    return written


def _render(name: str, deployment: Deployment) -> str:
    return _templates().get_template(f"{name}.j2").render(d=deployment)


def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("commonweal.deploy", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # systemd units and a Caddyfile, not HTML; every value is checked
    )


def _key_is_sealed(path: Path) -> bool:
    """Whether the node key is sealed with a passphrase (False if it cannot be read here:
    the environment file then carries the passphrase line commented out)."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and "encrypted" in document
