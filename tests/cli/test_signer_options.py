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


def test_an_event_command_sends_its_subject_and_reason_as_declared(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import commonweal.cli.common as common
    from commonweal.cli.common import event_command

    sent: list[tuple[str, str, dict[str, object]]] = []
    monkeypatch.setattr(
        common,
        "act",
        lambda node, wallet, key, passphrase, kind, body: sent.append((node, kind, body)),
    )
    app = typer.Typer()
    for name, mode in (("always", "always"), ("given", "given"), ("never", "never")):
        event_command(
            app,
            name,
            f"test.{name}",
            f"Send {name}.",
            subject="thing_id",
            argument=typer.Argument(..., help="The thing's id."),
            member="thing",
            reason="Why.",
            reason_sent=mode,  # type: ignore[arg-type]
        )
    event_command(
        app,
        "bare",
        "test.bare",
        "No reason.",
        subject="did",
        argument=typer.Argument(...),
        kind=str,
    )
    for arguments in (
        ["always", "7"],
        ["always", "7", "--reason", "r"],
        ["given", "7"],
        ["given", "7", "--reason", "r"],
        ["never", "7", "--reason", "r"],
        ["bare", "did:key:z6Mk", "-n", "http://127.0.0.1:9302"],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
    assert sent == [
        ("http://127.0.0.1:8000", "test.always", {"thing": 7, "reason": ""}),
        ("http://127.0.0.1:8000", "test.always", {"thing": 7, "reason": "r"}),
        ("http://127.0.0.1:8000", "test.given", {"thing": 7}),
        ("http://127.0.0.1:8000", "test.given", {"thing": 7, "reason": "r"}),
        ("http://127.0.0.1:8000", "test.never", {"thing": 7}),
        ("http://127.0.0.1:9302", "test.bare", {"did": "did:key:z6Mk"}),
    ]
    refused = runner.invoke(app, ["always", "seven"])
    assert refused.exit_code != 0 and not sent[6:]
    assert "--reason" not in runner.invoke(app, ["bare", "--help"]).output
