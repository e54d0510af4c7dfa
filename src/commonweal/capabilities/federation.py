"""Federation: recognition, witnessing, mirrors, visitors, alliances and network votes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commonweal.capability import Capability, DueWork, Lazy, NavEntry, WebRouter

if TYPE_CHECKING:
    import typer


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import alliance_commands, federation_commands

    app.add_typer(federation_commands.peer_app, name="peer")
    app.command("recognize")(federation_commands.recognize)
    app.add_typer(federation_commands.witness_app, name="witness")
    app.command("restore")(federation_commands.restore)
    app.add_typer(alliance_commands.app, name="alliance")


CAPABILITY = Capability(
    name="federation",
    event_types=Lazy("commonweal.domain.catalog", "federation"),
    status_by_code={
        "not_recognized": 403,
        "peer_unreachable": 502,
        "invalid_peer": 502,
        "invalid_evidence": 422,
        "invalid_challenge": 422,
        "invalid_element": 422,
        "no_departure": 422,
        "no_credential": 422,
        "credential_expired": 409,
    },
    api=(WebRouter("commonweal.web.federation_api", ("federation",)),),
    pages=(WebRouter("commonweal.web.network_pages", ("federation",)),),
    navigation=(NavEntry(140, "Network", "/network"),),
    cli=_cli,
    due_work=(
        DueWork("federation", Lazy("commonweal.node.services.federation.alliance", "run_due")),
    ),
)
