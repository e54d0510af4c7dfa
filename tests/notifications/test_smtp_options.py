"""The SMTP options: off by default, read as documented, an unknown security refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from commonweal.cli.main import app
from commonweal.node.kernel.config import SmtpConfig
from commonweal.node.kernel.setup import init_node
from commonweal.node.services.notification_mail import smtp_config


def test_mail_is_off_without_a_host_and_ports_follow_the_security() -> None:
    assert smtp_config(None) is None and smtp_config("  ") is None
    assert smtp_config("mail.example.org") == SmtpConfig("mail.example.org", 25)
    assert smtp_config("m", security="STARTTLS") == SmtpConfig("m", 587, security="starttls")
    assert smtp_config("m", security="ssl", port=2465).port == 2465  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="none, starttls, ssl"):
        smtp_config("m", security="tls1.0")


def test_serve_refuses_an_unknown_smtp_security(tmp_path: Path) -> None:
    init_node(tmp_path / "node", name="Options").close()
    result = CliRunner().invoke(
        app,
        ["serve", "--data-dir", str(tmp_path / "node"), "--port", "9599",
         "--smtp-host", "127.0.0.1", "--smtp-security", "tls1.0"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "--smtp-security must be one of none, starttls, ssl" in result.output
