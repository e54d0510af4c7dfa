"""``commonweal deploy``: systemd units and a Caddyfile for a node served behind TLS."""

from __future__ import annotations

import pwd
import sys
from pathlib import Path

import typer

from commonweal.cli.common import DataDir, console, fail
from commonweal.core.language import _
from commonweal.deploy.render import CADDYFILE, ENV_FILE, deployment_for, render, write
from commonweal.deploy.settings import DEFAULT_ENV_FILE, DeployError, Deployment


def deploy(
    data_dir: Path = DataDir,
    domain: str = typer.Option(
        ..., "--domain", help="The host name the node is reached at, e.g. node.example.org."
    ),
    output: Path = typer.Option(Path("deploy"), "--output", "-o", help="Folder to write into."),
    user: str = typer.Option("commonweal", "--user", help="The system user the node runs as."),
    port: int = typer.Option(8000, "--port", help="The port the node listens on, on 127.0.0.1."),
    email: str | None = typer.Option(
        None, "--email", help="Contact address for the certificate authority (expiry notices)."
    ),
    executable: Path | None = typer.Option(
        None,
        "--executable",
        help="The commonweal program the units run (default: this one, in its virtual "
        "environment).",
    ),
    env_file: Path = typer.Option(
        DEFAULT_ENV_FILE, "--env-file", help="Where the units read their environment from."
    ),
    one_process: bool = typer.Option(
        False,
        "--one-process",
        help="One unit running the scheduler inside serve, instead of a scheduler unit beside "
        "the web unit.",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files already in --output."),
) -> None:
    """Write systemd units and a Caddyfile (Debian's caddy package) that serve the node
    in DATA_DIR over HTTPS at DOMAIN, and print how to install them."""
    try:
        deployment = deployment_for(
            data_dir,
            domain=domain,
            executable=executable or _this_program(),
            user=user,
            port=port,
            email=email,
            env_file=env_file,
            separate_scheduler=not one_process,
        )
        written = write(output, render(deployment), force=force)
    except DeployError as error:
        raise fail(str(error)) from None
    for path in written:
        console.print(_("wrote %(path)s", path=path))
    _print_next_steps(deployment, output, [p.name for p in written if p.suffix == ".service"])


def _this_program() -> Path:
    """The ``commonweal`` script beside the running interpreter (a virtual environment's
    ``bin/``), not resolved: resolving would leave the environment for the base Python."""
    return Path(sys.executable).absolute().parent / "commonweal"


def _print_next_steps(deployment: Deployment, output: Path, units: list[str]) -> None:
    user, data_dir = deployment.user, deployment.data_dir
    console.print(_('\nNext, as root (docs/operations.md, "Serving behind TLS"):'))
    if not _user_exists(user):
        console.print(f"  adduser --system --group --home {data_dir} {user}")
    console.print(f"  chown -R {user}:{user} {data_dir}")
    console.print(f"  install -D -m 0600 -o root -g root {output / ENV_FILE} {deployment.env_file}")
    if deployment.sealed_key:
        console.print(
            _(
                "  # then write the node key's passphrase into %(env_file)s",
                env_file=deployment.env_file,
            )
        )
    unit_files = " ".join(str(output / unit) for unit in units)
    console.print(f"  install -m 0644 {unit_files} /etc/systemd/system/")
    console.print(f"  install -m 0644 {output / CADDYFILE} /etc/caddy/Caddyfile")
    console.print(f"  systemctl daemon-reload && systemctl enable --now {' '.join(units)}")
    console.print("  systemctl reload caddy")
    console.print(f"  curl -fsS {deployment.public_url}/healthz")


def _user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True
