"""Gatherings: meetings and assemblies, RSVPs, check-ins and attendance credentials."""

from __future__ import annotations

from commonweal.capability import Capability, Lazy, NavEntry, SubCommands, WebRouter
from commonweal.core.vc.contexts import ATTENDANCE_PATH

CAPABILITY = Capability(
    name="gatherings",
    event_types=Lazy("commonweal.domain.catalog", "gatherings"),
    api=(WebRouter("commonweal.web.gatherings_api"),),
    pages=(WebRouter("commonweal.web.gatherings_pages"),),
    navigation=(NavEntry(70, "Gatherings", "/gatherings"),),
    cli=SubCommands({"gathering": "commonweal.cli.gatherings_commands"}),
    credential_kinds=("AttendanceCredential",),
    contexts=(ATTENDANCE_PATH,),
)
