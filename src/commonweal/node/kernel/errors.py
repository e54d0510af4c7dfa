"""Why the node refused a submission: one exception with a stable code, for every layer below."""

from __future__ import annotations

from commonweal.core.events import EventError
from commonweal.domain.errors import DomainError


class Rejected(Exception):
    """A submission or request the node refused; nothing was written.

    ``code`` is stable (docs/protocol.md lists them); ``status`` is the kind of refusal
    as an HTTP status, kept from the domain error class it came from (None when the
    node or web layer raised it itself: the web edge then looks the code up);
    ``position`` is the event's place in a batch, when the refusal concerns one event
    of several.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        position: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.position = position

    @classmethod
    def from_error(cls, error: EventError | DomainError) -> Rejected:
        """The rejection for a parse or rule error, keeping a rule error's kind."""
        return cls(error.code, error.message, status=getattr(error, "status", None))

    def at(self, position: int) -> Rejected:
        """The same rejection, located in a batch."""
        return Rejected(
            self.code,
            f"event {position}: {self.message}",
            status=self.status,
            position=position,
        )


class Unavailable(Exception):
    """The store could not take the write; the submission may be retried."""
