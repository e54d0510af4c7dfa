"""Federation: recognition, witnessing, mirrors, visitors, alliances and network votes."""

from __future__ import annotations

from commonweal.capability import Capability, DueWork, Lazy, NavEntry, SubCommands, WebRouter

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
    cli=SubCommands(
        {
            "peer": "commonweal.cli.federation_commands:peer_app",
            "recognize": "commonweal.cli.federation_commands:recognize",
            "witness": "commonweal.cli.federation_commands:witness_app",
            "restore": "commonweal.cli.federation_commands:restore",
            "alliance": "commonweal.cli.alliance_commands",
        }
    ),
    due_work=(
        DueWork("federation", Lazy("commonweal.node.services.federation.alliance", "run_due")),
    ),
)
