"""The registry of event types: how each capability teaches the node its events.

Each type names its body schema (a parser that returns a typed body or raises
:class:`InvalidBody`) and its rule: a pure function that reads the current
:class:`State`, refuses with a :class:`DomainError`, or records its changes.
Later capabilities add their types with :meth:`Registry.register`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from commonweal.domain.errors import Conflict, NotPermitted, UnknownEventType
from commonweal.domain.state import State
from commonweal.domain.words import either

BodyT = TypeVar("BodyT")


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule knows about the event besides its body.

    ``index`` is the leaf index the event will take, ``received`` the node's
    receipt time, ``node_did`` the DID of this node (did:key, or did:web for a node
    with a domain) and ``node_key`` the did:key of the node's signing key, which is
    the author of every event the node writes itself.
    """

    type: str
    author: str
    seq: int
    at: str
    index: int
    received: str
    node_did: str
    node_key: str
    leaf_hash: str = ""
    """The standard base64 of the entry's RFC 9162 leaf hash (what the API calls
    ``leaf_hash``): how other events name this one (translations name their original)."""


Observer = Callable[[State, Context], None]
"""What a type's capability records when an event of another type it watches is applied."""


def require_node_key(ctx: Context, *, when: str = "", refusal: str = "") -> None:
    """Refuse the event unless the node's own key authored it: the types only the node logs.

    The refusal reads "only the node itself logs <type>", with ", when <when>" after it
    when given; ``refusal`` replaces it with the node's own words (a literal marked ``N_``,
    so the catalogues hold it).
    """
    if ctx.author != ctx.node_key:
        if refusal:
            raise NotPermitted(refusal)
        if when:
            raise NotPermitted(
                "only the node itself logs %(type)s, when %(when)s", type=ctx.type, when=when
            )
        raise NotPermitted("only the node itself logs %(type)s", type=ctx.type)


def require_stage(
    stage: str,
    allowed: Sequence[str],
    *,
    said: str,
    doing: str,
    code: str,
    only: str = "when",
    names: Mapping[str, str] | None = None,
) -> None:
    """Refuse ``doing`` (a conflict with ``code``) unless ``stage`` is one of ``allowed``;
    ``said`` names the record and where it stands ("expense 7 is paid"), ``only`` how the
    allowed stages are introduced ("when", "during"), ``names`` each stage's words (marked
    ``WP_``, so a reader's language says them: domain/words.py)."""
    if stage in allowed:
        return
    stages = either([(names or {}).get(each, each) for each in allowed])
    if only == "during":
        raise Conflict(
            "%(said)s: you cannot %(doing)s now (only during %(allowed)s)",
            said=said,
            doing=doing,
            allowed=stages,
            code=code,
        )
    raise Conflict(
        "%(said)s: you cannot %(doing)s now (only when %(allowed)s)",
        said=said,
        doing=doing,
        allowed=stages,
        code=code,
    )


@dataclass(frozen=True, slots=True)
class EventType(Generic[BodyT]):
    """One registered event type.

    ``parse_body`` turns the JSON body into ``BodyT`` or raises ``InvalidBody``;
    ``apply`` checks the rules against ``State`` and records the changes.
    """

    name: str
    summary: str
    parse_body: Callable[[Mapping[str, Any]], BodyT]
    apply: Callable[[State, Context, BodyT], None]
    observes: tuple[tuple[str, Observer], ...] = ()
    """Other types this type's capability watches: ``(type name, observer)`` pairs. After
    an event of that type is applied, the observer records what it needs (translations
    keep the leaf hash of every translatable original); it is part of the rule, so
    replay and ``verify`` run it too."""


def _observed(base: EventType[Any], observers: Sequence[Observer]) -> EventType[Any]:
    """``base`` with ``observers`` run after its rule, on the same state and context."""

    def apply(state: State, ctx: Context, body: Any) -> None:
        base.apply(state, ctx, body)
        for observer in observers:
            observer(state, ctx)

    return EventType(base.name, base.summary, base.parse_body, apply, base.observes)


@dataclass
class Registry:
    """The event types this node understands, by name."""

    types: dict[str, EventType[Any]] = field(default_factory=dict)
    _plain: dict[str, EventType[Any]] = field(default_factory=dict, repr=False)
    _observers: dict[str, list[Observer]] = field(default_factory=dict, repr=False)

    def register(self, event_type: EventType[Any]) -> None:
        """Add a type; registering one name twice is a programming error.

        A type that ``observes`` others adds its observers to them, whichever of the two
        is registered first.
        """
        if event_type.name in self.types:
            raise ValueError(f"event type {event_type.name!r} is already registered")
        self._plain[event_type.name] = event_type
        self._compose(event_type.name)
        for watched, observer in event_type.observes:
            self._observers.setdefault(watched, []).append(observer)
            if watched in self._plain:
                self._compose(watched)

    def _compose(self, name: str) -> None:
        plain, observers = self._plain[name], self._observers.get(name, [])
        self.types[name] = _observed(plain, tuple(observers)) if observers else plain

    def extend(self, event_types: Iterable[EventType[Any]]) -> None:
        """Register several types."""
        for event_type in event_types:
            self.register(event_type)

    def get(self, name: str) -> EventType[Any]:
        """The type called ``name``, or :class:`UnknownEventType`."""
        try:
            return self.types[name]
        except KeyError:
            raise UnknownEventType(
                "this node does not accept events of type %(name)s", name=repr(name)
            ) from None
