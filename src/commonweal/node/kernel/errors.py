"""Why the node refused a submission: one exception with a stable code, for every layer below."""

from __future__ import annotations

from commonweal.core.events import EventError
from commonweal.domain.errors import DomainError

EVENT_AT = "event %(position)s: %(detail)s"
"""How a batch's refusal names the event it concerns (translated in web/problem_words.py)."""


class Rejected(Exception):
    """A submission or request the node refused; nothing was written.

    ``code`` is stable (docs/protocol.md lists them); ``status`` is the kind of refusal
    as an HTTP status, kept from the domain error class it came from (None when the
    node or web layer raised it itself: the web edge then looks the code up);
    ``position`` is the event's place in a batch, when the refusal concerns one event
    of several. Like a domain error, its message may be a template with ``params``
    (``Rejected("gone", "%(what)s was withdrawn", what=title)``), which the web edge says
    in the reader's language.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        position: int | None = None,
        **params: object,
    ) -> None:
        said = message % params if params else message
        super().__init__(said)
        self.code = code
        self.message = said
        self.template = message  # with params: what a reader's language translates
        self.params = params
        self.status = status
        self.position = position

    @classmethod
    def from_error(cls, error: EventError | DomainError) -> Rejected:
        """The rejection for a parse or rule error, keeping a rule error's kind (and its
        message's template, to be said in the reader's language)."""
        rejected = cls(error.code, error.message, status=getattr(error, "status", None))
        rejected.template = getattr(error, "template", error.message)
        rejected.params = getattr(error, "params", {})
        return rejected

    @classmethod
    def saying(cls, code: str, error: Exception) -> Rejected:
        """A refusal with ``code`` that says what ``error`` says: its message's template and
        parameters where it carries them (a domain or event error), else its text."""
        said = getattr(error, "message", None)
        rejected = cls(code, said if isinstance(said, str) else str(error))
        template = getattr(error, "template", None)
        if isinstance(template, str):
            rejected.template = template
            rejected.params = dict(getattr(error, "params", {}))
        return rejected

    def at(self, position: int) -> Rejected:
        """The same rejection, located in a batch."""
        said = EVENT_AT % {"position": position, "detail": self.message}
        located = Rejected(self.code, said, status=self.status, position=position)
        located.template, located.params = self.template, self.params
        return located


class Unavailable(Exception):
    """The store could not take the write; the submission may be retried."""
