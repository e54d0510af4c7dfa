"""What a capability is: everything it plugs into the node, declared in one object.

A capability (membership, governance, treasury, …) is a ``Capability``; the program is
assembled from the list ``commonweal.capabilities.CAPABILITIES``: the event registry, the
refusal codes' statuses, the web app's API and page routers and navigation, the
``commonweal`` command's sub-commands, the scheduler's due work, the credential kinds and
JSON-LD contexts, and the demo's chapters (``commonweal.capabilities.assembly``).

This module names the shapes only. Its web and CLI types are read for type checking
alone, so importing it imports neither FastAPI's routers nor Typer's apps: a
capability's declaration names its adapters by module (``WebRouter``, ``SubCommands``)
or through functions, imported and called at assembly time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from commonweal.domain.registry import EventType
    from commonweal.node.kernel.service import Node
    from commonweal.node.services.federation.service import Federation
    from commonweal.web.submitter import Submitter


@dataclass(frozen=True)
class WebParts:
    """What the web app hands each API router factory."""

    node: Node
    federation: Federation
    issuer_tokens: Callable[[], frozenset[str]]
    """The SHA-256 digests of the bearer tokens that may issue credentials, as they are now."""
    contexts: Mapping[str, Any]
    """The JSON-LD contexts the capabilities declare, by path (``core.vc.contexts``)."""
    submitter: Submitter
    """The committer thread every submission goes through (routes that log events)."""


ApiRouter = Callable[[WebParts], "APIRouter"]
"""Builds one API router from the app's parts."""

PageRouter = Callable[[WebParts], "APIRouter"]
"""Builds one page router (its pages render through ``web.rendering``)."""


@dataclass(frozen=True)
class WebRouter:
    """An API or page router named by its module: ``<module>.router(...)``, given the app's
    parts named in ``parts`` (``node`` unless told), in that order.

    The module is imported when the app is assembled, so a command that never serves
    the web app never imports it.
    """

    module: str
    """The dotted path of the module whose ``router`` builds it (``commonweal.web.aid_api``)."""
    parts: tuple[str, ...] = ("node",)
    """The ``WebParts`` fields its ``router`` takes, in order."""

    def __call__(self, parts: WebParts) -> APIRouter:
        router: Callable[..., APIRouter] = import_module(self.module).router
        return router(*(getattr(parts, name) for name in self.parts))


@dataclass(frozen=True)
class SubCommands:
    """Commands added to the ``commonweal`` command, each named by where it is and imported
    only when it runs (or when ``--help`` lists it): ``commonweal --version``, or a command
    that talks to a node, imports no other command's module (``cli/lazy.py``)."""

    apps: Mapping[str, str]
    """Command name → a module (its Typer ``app``), or ``module:name`` (a Typer app or a
    command's function in that module), in the order the command lists them."""
    extends: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Another capability's command group → modules that add commands to it when they are
    imported (``credential``: the community's kinds, selective disclosure)."""


@dataclass(frozen=True)
class Lazy:
    """A function named by its module and name, imported at its first call: a declaration
    that names its work this way costs nothing to import (``commonweal --version`` never
    imports the node's services, the demo or the domain's rules)."""

    module: str
    name: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(self.module), self.name)(*args, **kwargs)


@dataclass(frozen=True)
class NavEntry:
    """A link in the pages' main navigation; ``order`` places it among every capability's."""

    order: int
    label: str
    href: str
    member_only: bool = False
    permission: str | None = None


@dataclass(frozen=True)
class DueWork:
    """Time-driven work the scheduler runs every tick: ``run(node, refusals=...)``."""

    name: str
    run: Callable[..., object]


@dataclass(frozen=True)
class DemoChapter:
    """A part of the demo's story; chapters are told in ``order`` (see ``demo.seed``)."""

    order: int
    tell: Callable[[Any], None]


def _no_event_types() -> Iterable[EventType[Any]]:
    return ()


@dataclass(frozen=True)
class Capability:
    """One capability, as the program assembles it. Every part is optional."""

    name: str
    event_types: Callable[[], Iterable[EventType[Any]]] = _no_event_types
    """The capability's event types (pure domain objects: body schema and rule)."""
    status_by_code: Mapping[str, int] = field(default_factory=dict)
    """Refusal code → HTTP status, where the code's error class does not say it."""
    api: tuple[ApiRouter, ...] = ()
    pages: tuple[PageRouter, ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    cli: SubCommands | Callable[[typer.Typer], None] | None = None
    """The capability's commands: named (``SubCommands``, imported when they run), or a
    function that adds them to the ``commonweal`` command at once."""
    due_work: tuple[DueWork, ...] = ()
    credential_kinds: tuple[str, ...] = ()
    """The Verifiable Credential types the capability issues."""
    contexts: tuple[str, ...] = ()
    """The paths of the JSON-LD contexts its credentials use (``core.vc.contexts``)."""
    demo: tuple[DemoChapter, ...] = ()
