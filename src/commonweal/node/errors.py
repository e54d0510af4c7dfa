"""Why the node refused a submission: one exception with a stable code, for every layer below."""

from __future__ import annotations

from commonweal.core.events import EventError
from commonweal.domain.errors import DomainError


class Rejected(Exception):
    """A submission the node refused; nothing was written.

    ``code`` is stable (docs/protocol.md lists them); ``position`` is the event's
    place in a batch, when the refusal concerns one event of several.
    """

    def __init__(self, code: str, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position

    @classmethod
    def from_error(cls, error: EventError | DomainError) -> Rejected:
        """The rejection for a parse or rule error."""
        return cls(error.code, error.message)

    def at(self, position: int) -> Rejected:
        """The same rejection, located in a batch."""
        return Rejected(self.code, f"event {position}: {self.message}", position=position)


class Unavailable(Exception):
    """The store could not take the write; the submission may be retried."""
