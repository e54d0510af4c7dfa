"""The signer option group (cli/common.py ``signing``): one ``Signer`` for the four options
every signing command takes, which stay the options they were."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from commonweal.cli.common import KeyFile, NodeUrl, Passphrase, Signer, WalletDir, signing
from commonweal.cli.main import app as commonweal

runner = CliRunner()


def _apps() -> tuple[typer.Typer, typer.Typer]:
    grouped, spelled_out = typer.Typer(), typer.Typer()
    seen: list[Signer] = []

    @grouped.command("act")
    @signing
    def act(item: int = typer.Argument(..., help="An id."), *, signer: Signer) -> None:
        seen.append(signer)
        typer.echo(repr(signer))

    @spelled_out.command("act")
    def act_by_hand(
        item: int = typer.Argument(..., help="An id."),
        node: str = NodeUrl,
        wallet: Path | None = WalletDir,
        key: Path | None = KeyFile,
        passphrase: str | None = Passphrase,
    ) -> None:
        raise AssertionError("only its help is read")

    return grouped, spelled_out


def test_the_group_reads_the_four_options_into_one_signer() -> None:
    grouped, _ = _apps()
    arguments = ["7", "-n", "http://127.0.0.1:9301", "--key", "k.json", "--wallet", "w"]
    result = runner.invoke(grouped, arguments, env={"COMMONWEAL_PASSPHRASE": "secret"})
    assert result.exit_code == 0, result.output
    expected = Signer("http://127.0.0.1:9301", Path("w"), Path("k.json"), "secret")
    assert result.output.strip() == repr(expected)
    defaults = runner.invoke(grouped, ["7"], env={"COMMONWEAL_PASSPHRASE": None})
    assert defaults.output.strip() == repr(Signer("http://127.0.0.1:8000", None, None, None))


def test_the_help_is_the_help_of_the_options_spelled_out() -> None:
    grouped, spelled_out = _apps()
    env = {"COLUMNS": "200", "NO_COLOR": "1"}
    assert (
        runner.invoke(grouped, ["--help"], env=env).output
        == runner.invoke(spelled_out, ["--help"], env=env).output
    )


def test_signing_commands_still_offer_the_options() -> None:
    help_text = runner.invoke(commonweal, ["commons", "book", "--help"], env={"COLUMNS": "200"})
    for option in ("--node", "--wallet", "--key", "--passphrase", "--start"):
        assert option in help_text.output
