"""The program assembled from a list of capabilities (``commonweal.capabilities``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commonweal.capability import Capability, DemoChapter, WebParts

# What the assembly builds is imported when it is built, so a command that needs none of
# it (``commonweal --version``, a command that only talks to a node) never imports the
# domain's rules, the kernel or the contexts.
if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from commonweal.domain.registry import Registry
    from commonweal.node.kernel.scheduler import Job
    from commonweal.node.kernel.service import Node
    from commonweal.web.rendering import NavLink


@dataclass(frozen=True)
class Assembly:
    """What the capabilities bring, gathered for the registry, the app, the CLI, the
    scheduler, the credentials and the demo."""

    capabilities: tuple[Capability, ...]

    def __post_init__(self) -> None:
        names = [capability.name for capability in self.capabilities]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"capabilities listed twice: {', '.join(twice)}")

    def registry(self) -> Registry:
        """Every capability's event types (a type declared twice is refused)."""
        from commonweal.domain.catalog import registry_of

        return registry_of(capability.event_types() for capability in self.capabilities)

    def status_by_code(self) -> dict[str, int]:
        """The capabilities' refusal-code statuses (``web.problems`` reads them first)."""
        statuses: dict[str, int] = {}
        for capability in self.capabilities:
            statuses.update(capability.status_by_code)
        return statuses

    def api_routers(self, parts: WebParts) -> list[APIRouter]:
        return [make(parts) for capability in self.capabilities for make in capability.api]

    def page_routers(self, parts: WebParts) -> list[APIRouter]:
        return [make(parts) for capability in self.capabilities for make in capability.pages]

    def navigation(self) -> list[NavLink]:
        """The main navigation, every capability's links in their ``order``."""
        from commonweal.web.rendering import NavLink

        entries = [entry for capability in self.capabilities for entry in capability.navigation]
        return [
            NavLink(entry.label, entry.href, entry.member_only, entry.permission)
            for entry in sorted(entries, key=lambda entry: entry.order)
        ]

    def add_commands(self, app: typer.Typer) -> None:
        """Add every capability's commands to the ``commonweal`` command, in list order."""
        for capability in self.capabilities:
            if capability.cli is not None:
                capability.cli(app)

    def jobs(self, node: Node) -> list[Job]:
        """The scheduler's jobs: every capability's due work, then the checkpoint."""
        from commonweal.node.kernel.scheduler import node_jobs

        work = [(due.name, due.run) for c in self.capabilities for due in c.due_work]
        return node_jobs(node, work)

    def credential_kinds(self) -> tuple[str, ...]:
        return tuple(kind for c in self.capabilities for kind in c.credential_kinds)

    def contexts(self) -> dict[str, Any]:
        """The JSON-LD contexts the capabilities declare, by path, as pinned documents."""
        from commonweal.core.vc.contexts import OWN_CONTEXTS

        return {path: OWN_CONTEXTS[path] for c in self.capabilities for path in c.contexts}

    def demo_chapters(self) -> list[DemoChapter]:
        """Every capability's demo chapters, in the story's ``order``."""
        chapters = [chapter for c in self.capabilities for chapter in c.demo]
        return sorted(chapters, key=lambda chapter: chapter.order)


def assemble(capabilities: Iterable[Capability]) -> Assembly:
    """The program made of ``capabilities``."""
    return Assembly(tuple(capabilities))
