"""Governance: the constitution, proposals, ballots, delegation, counting, decisions."""

from __future__ import annotations

from commonweal.capability import (
    Capability,
    DemoChapter,
    DueWork,
    Lazy,
    NavEntry,
    SubCommands,
    WebRouter,
)

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
    cli=SubCommands(
        {
            "proposal": "commonweal.cli.governance_commands",
            "constitution": "commonweal.cli.governance_commands:constitution_app",
            "vote": "commonweal.cli.governance_commands:vote",
            "delegate": "commonweal.cli.governance_commands:delegate",
            "teller": "commonweal.cli.secret_commands:teller_app",
            "tally": "commonweal.cli.governance_commands:tally",
        }
    ),
    due_work=(
        DueWork("secret_ballots", Lazy("commonweal.node.services.secret_ballots", "run_due")),
        DueWork("governance", Lazy("commonweal.node.services.governance", "run_due")),
    ),
    demo=(DemoChapter(40, Lazy("commonweal.demo.governance", "tell")),),
)
