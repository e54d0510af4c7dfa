"""Federation: recognition, witnessing, mirrors, visitors, alliances and network votes."""

from __future__ import annotations

import typer

from commonweal.capability import Capability, DueWork, NavEntry, WebRouter
from commonweal.domain import catalog
from commonweal.node.services.federation import alliance


def _cli(app: typer.Typer) -> None:
    from commonweal.cli import alliance_commands, federation_commands

    app.add_typer(federation_commands.peer_app, name="peer")
    app.command("recognize")(federation_commands.recognize)
    app.add_typer(federation_commands.witness_app, name="witness")
    app.command("restore")(federation_commands.restore)
    app.add_typer(alliance_commands.app, name="alliance")


CAPABILITY = Capability(
    name="federation",
    event_types=catalog.federation,
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
    due_work=(DueWork("federation", alliance.run_due),),
)
