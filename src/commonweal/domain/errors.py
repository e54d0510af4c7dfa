"""Domain exceptions. Each carries a stable ``code`` and, by its class, its kind.

The kind is named by the HTTP status the web edge answers with (``status``), so the
edge needs no table of domain codes: a conflict with the current state is 409, an
author who may not do this 403, something that does not exist 404, a body that does
not make sense 422.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``code`` is stable; the message explains it to a person.

    Each kind of refusal is a subclass declaring its default ``code`` and its ``status``
    in the class line, ``class NotFound(DomainError, code="not_found", status=404)``;
    a subclass that names neither keeps its parent's (or sets ``code`` in its body).

    The message is English, written whole, with what varies as named parameters:
    ``Conflict("%(what)s is already closed", what=title)``. The catalogues extract every
    literal message of these classes (docs/languages.md), so the detail of a refusal is
    answered in the reader's language where a translation exists.
    """

    code = "refused"
    status = 422

    def __init_subclass__(
        cls, *, code: str | None = None, status: int | None = None, **kwargs: object
    ) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if status is not None:
            cls.status = status

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        """``message`` is said to a person; with ``params`` it is a template whose
        ``%(name)s`` fields they fill (so a reader's language can say it too: the web
        edge translates ``template`` and fills it with the same ``params``)."""
        said = message % params if params else message
        super().__init__(said)
        self.message = said
        self.template = message
        self.params = params
        if code is not None:
            self.code = code


class InvalidBody(DomainError, code="invalid_body", status=422):
    """The event's body does not match the schema of its type (422)."""


class UnknownEventType(DomainError, code="unknown_type", status=422):
    """No capability of this node registers the event's type (422)."""


class NotPermitted(DomainError, code="forbidden", status=403):
    """The author may not do this (403)."""


class NotFound(DomainError, code="not_found", status=404):
    """The event names something (a proposal, a post, a resource) that does not exist (404)."""


class Conflict(DomainError, code="conflict", status=409):
    """The event contradicts the current state: a duplicate, the wrong phase, too late (409)."""


class OverBudget(DomainError, code="over_budget", status=429):
    """A budget the rules set is spent, e.g. the write policy's hourly budgets (429)."""
