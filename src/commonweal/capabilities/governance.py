"""Governance: the constitution, proposals, ballots, delegation, counting, decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commonweal.capability import Capability, DemoChapter, DueWork, Lazy, NavEntry, WebRouter

if TYPE_CHECKING:
    import typer


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import governance_commands, secret_commands

    app.add_typer(governance_commands.app, name="proposal")
    app.add_typer(governance_commands.constitution_app, name="constitution")
    app.command("vote")(governance_commands.vote)
    app.command("delegate")(governance_commands.delegate)
    app.add_typer(secret_commands.teller_app, name="teller")
    app.command("tally")(governance_commands.tally)


CAPABILITY = Capability(
    name="governance",
    event_types=Lazy("commonweal.domain.catalog", "governance"),
    status_by_code={"not_secret": 409, "not_opened": 409},
    api=(
        WebRouter("commonweal.web.governance_api"),
        WebRouter("commonweal.web.secret_ballots_api", ("node", "submitter")),
    ),
    pages=(WebRouter("commonweal.web.governance_pages"),),
    navigation=(
        NavEntry(20, "Proposals", "/proposals"),
        NavEntry(80, "Delegation", "/delegation", member_only=True),
    ),
    cli=_cli,
    due_work=(
        DueWork("secret_ballots", Lazy("commonweal.node.services.secret_ballots", "run_due")),
        DueWork("governance", Lazy("commonweal.node.services.governance", "run_due")),
    ),
    demo=(DemoChapter(40, Lazy("commonweal.demo.governance", "tell")),),
)
