"""Domain exceptions. Each carries a stable ``code``; the web edge maps it to a status."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``code`` is stable; the message explains it to a person."""

    code = "refused"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidBody(DomainError):
    """The event's body does not match the schema of its type."""

    code = "invalid_body"


class UnknownEventType(DomainError):
    """No capability of this node registers the event's type."""

    code = "unknown_type"


class NotPermitted(DomainError):
    """The author may not do this."""

    code = "forbidden"


class Conflict(DomainError):
    """The event contradicts the current state (an already-used seq, a duplicate)."""

    code = "conflict"
