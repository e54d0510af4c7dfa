"""The program assembled from a list of capabilities (``commonweal.capabilities``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commonweal.capability import Capability, DemoChapter, SubCommands, WebParts

# What the assembly builds is imported when it is built, so a command that needs none of
# it (``commonweal --version``, a command that only talks to a node) never imports the
# domain's rules, the kernel or the contexts.
if TYPE_CHECKING:
    from fastapi import APIRouter

    from commonweal.cli.lazy import Loader
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

    def command_loaders(self) -> dict[str, Loader]:
        """Every capability's commands, in the list's order, each imported when it is first
        called (``cli/lazy.py``); a capability whose ``cli`` is a function adds its commands
        at once."""
        from commonweal.cli.lazy import added_by, loader

        extensions: dict[str, tuple[str, ...]] = {}
        for capability in self.capabilities:
            if isinstance(capability.cli, SubCommands):
                for name, modules in capability.cli.extends.items():
                    extensions[name] = (*extensions.get(name, ()), *modules)
        loaders: dict[str, Loader] = {}
        for capability in self.capabilities:
            if isinstance(capability.cli, SubCommands):
                for name, place in capability.cli.apps.items():
                    loaders[name] = loader(name, place, extensions.get(name, ()))
            elif capability.cli is not None:
                loaders.update(added_by(capability.cli))
        unknown = sorted(set(extensions) - set(loaders))
        if unknown:
            raise ValueError(f"commands extended but never declared: {', '.join(unknown)}")
        return loaders

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
