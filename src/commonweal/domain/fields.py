"""Small, strict readers for event body members, shared by every capability's schema."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence, Set
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.timestamps import moment, utc_stamp
from commonweal.domain.words import N_, Number

SHA256_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
MAX_AMOUNT = 2**53 - 1
"""The largest amount or balance, in minor units (I-JSON's exact integers)."""
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def only(
    body: Mapping[str, Any],
    allowed: Set[str],
    required: Set[str] = frozenset(),
    *,
    where: str | None = None,
) -> None:
    """Refuse members the type does not define, and missing ``required`` ones.

    ``where`` names a nested object in the messages (``rules.limits``); the top-level
    body is the default.
    """
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        if where:
            raise InvalidBody(
                "%(where)s: unexpected member(s) %(unknown)s",
                where=where,
                unknown=", ".join(unknown),
            )
        raise InvalidBody("unexpected body member(s): %(unknown)s", unknown=", ".join(unknown))
    missing = sorted(set(required) - set(body))
    if missing:
        if where:
            raise InvalidBody(
                "%(where)s: missing member(s) %(missing)s", where=where, missing=", ".join(missing)
            )
        raise InvalidBody("missing body member(s): %(missing)s", missing=", ".join(missing))


def amount(body: Mapping[str, Any], name: str = "amount", *, minimum: int = 1) -> int:
    """A whole number of minor units, from ``minimum`` to :data:`MAX_AMOUNT`."""
    value = body.get(name)
    if type(value) is not int or not minimum <= value <= MAX_AMOUNT:
        raise InvalidBody(
            "%(name)s must be a whole number of minor units from %(minimum)s to %(max_amount)s",
            name=name,
            minimum=Number(minimum),
            max_amount=Number(MAX_AMOUNT),
        )
    return value


def optional_amount(
    body: Mapping[str, Any], name: str = "amount", *, minimum: int = 1
) -> int | None:
    """:func:`amount`, or None when absent or null."""
    return None if body.get(name) is None else amount(body, name, minimum=minimum)


def ref(body: Mapping[str, Any], name: str) -> int:
    """The id of something the log recorded: the index of the event that made it."""
    value = body.get(name)
    if type(value) is not int or value < 0:
        raise InvalidBody(
            "%(name)s must be an id (the log index of the event that made it)", name=name
        )
    return value


def record_id(body: Mapping[str, Any] | Any, name: str) -> int:
    """``body[name]``: the id (the log index) of a record of that name (a proposal, a
    gathering, a booking…); a body that is not an object has none."""
    value = body.get(name) if isinstance(body, Mapping) else None
    if type(value) is not int or value < 0:
        raise InvalidBody("%(name)s must be the id (a log index) of a %(name)s", name=name)
    return value


def log_source(body: Mapping[str, Any], middle: str, *, log: str, node: str) -> dict[str, Any]:
    """``body["source"]``: where in another node's log a report comes from,
    ``{"origin", <middle>, "closed"}``, with its ``origin`` checked (the callers read the
    two ids). ``log`` and ``node`` name that log and its node in the refusals ("the
    reporting log", "the reporting node")."""
    source = body.get("source")
    if not isinstance(source, dict) or set(source) != {"origin", middle, "closed"}:
        raise InvalidBody(
            'source is {"origin", "%(middle)s", "closed"} of %(log)s', middle=middle, log=log
        )
    origin = source["origin"]
    if not isinstance(origin, str) or not origin or len(origin) > 300:
        raise InvalidBody("source.origin must be %(node)s's log origin", node=node)
    return source


def each_object(
    value: Any, name: str, keys: Sequence[str], *, most: int, what: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The position and member of ``value``, a list of 1 to ``most`` objects each with
    exactly the members ``keys``, one by one (so a caller's refusal about an earlier
    item comes before one about a later item's shape). ``name`` and ``what`` word the
    refusals: "fields must list 1 to 8 encrypted fields", "fields[2] is {a, b, proof}"."""
    if not isinstance(value, list) or not 1 <= len(value) <= most:
        raise InvalidBody(
            "%(name)s must list 1 to %(most)s %(what)s", name=name, most=most, what=what
        )
    for n, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != set(keys):
            raise InvalidBody("%(name)s[%(n)s] is {%(keys)s}", name=name, n=n, keys=", ".join(keys))
        yield n, item


def boolean(value: Any, where: str) -> bool:
    """``value`` when it is true or false, ``where`` naming it in the error."""
    if not isinstance(value, bool):
        raise InvalidBody("%(where)s must be true or false", where=where)
    return value


def integer_in(value: Any, where: str, low: int, high: int) -> int:
    """``value`` as an integer from ``low`` to ``high``, ``where`` naming it in the error."""
    if type(value) is not int or not low <= value <= high:
        raise InvalidBody(
            "%(where)s must be an integer from %(low)s to %(high)s",
            where=where,
            low=Number(low),
            high=Number(high),
        )
    return value


def required_text(body: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """A non-empty string of at most ``max_length`` characters."""
    if name not in body:
        raise InvalidBody("%(name)s is required", name=name)
    text = optional_text(body, name, max_length=max_length)
    if not text.strip():
        raise InvalidBody("%(name)s must not be empty", name=name)
    return text


def optional_text(body: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """A string of at most ``max_length`` characters, or ``""`` when absent."""
    value = body.get(name, "")
    if not isinstance(value, str):
        raise InvalidBody("%(name)s must be a string", name=name)
    if len(value) > max_length:
        raise InvalidBody(
            "%(name)s may be at most %(max_length)s characters; got %(length)s",
            name=name,
            max_length=max_length,
            length=len(value),
        )
    return value


def matching(value: Any, pattern: re.Pattern[str], refusal: str, **params: Any) -> str:
    """``value`` when it is a string ``pattern`` matches; otherwise ``InvalidBody(refusal)``,
    ``refusal`` a template its ``params`` fill (mark a literal one ``N_`` for the catalogues)."""
    if not isinstance(value, str) or not pattern.match(value):
        raise InvalidBody(refusal, **params)
    return value


def matching_member(
    body: Mapping[str, Any], name: str, pattern: re.Pattern[str], refusal: str
) -> str:
    """``body[name]`` when it is a string ``pattern`` matches; otherwise
    ``InvalidBody(refusal)``, ``refusal`` naming the member as ``%(name)s``."""
    return matching(body.get(name), pattern, refusal, name=name)


def sha256_digest(body: Mapping[str, Any], name: str) -> str:
    """A ``sha256:<64 lower-case hex>`` digest."""
    return matching_member(
        body,
        name,
        SHA256_DIGEST,
        N_("%(name)s must look like 'sha256:' followed by 64 lower-case hex digits"),
    )


def utc_time(body: Mapping[str, Any], name: str) -> str:
    """An RFC 3339 time to the second, normalised to UTC: ``2026-05-01T09:00:00Z``.

    Normalised times all have the same width and zone, so comparing them as strings
    compares them as times.
    """
    value = matching_member(
        body, name, _TIME, N_("%(name)s must be a time like 2026-05-01T09:00:00Z (to the second)")
    )
    try:
        return utc_stamp(moment(value))
    except ValueError:
        raise InvalidBody("%(name)s is not a real date and time", name=name) from None


WORK_FIELD = "pow"
"""The body member carrying a proof-of-work nonce (core.work, governance.writes)."""
_NONCE = re.compile(r"^[0-9A-Za-z._-]{1,64}$")


def work_nonce(body: Mapping[str, Any]) -> str:
    """The optional ``pow`` nonce of a type the write policy may ask work for."""
    value = body.get(WORK_FIELD, "")
    if value != "" and (not isinstance(value, str) or not _NONCE.match(value)):
        raise InvalidBody("pow must be 1-64 letters, digits, dots, dashes or underscores")
    return str(value)
