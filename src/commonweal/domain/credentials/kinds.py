"""The kinds of credential a constitution defines (its ``credentials`` section).

A kind names what the community recognises (a completed course, a skill vouched for by
peers, years of service): its title, the VC type its credentials carry, the JSON Schema
of the claims about their subject, who may issue one — members holding a role
(``{"role": "steward"}``), a passed vote (``"vote"``: a proposal carrying the
``credentials.issue`` action), or a number of members' endorsements
(``{"endorsements": 3}``) —, how long one stays valid (``valid_days``, or for ever),
whether it can be revoked, and a ``version`` to raise whenever the claims change (the
node serves every version's context and schema at their own URL).

Adding or changing a kind is an amendment like any other constitution change. The
``passport`` kind is built in: every member may ask for theirs, and the node fills in
its claims (membership, standing, visas) from the log.
"""

from __future__ import annotations

import re
from typing import Any

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import boolean, integer_in, matching, only, optional_text
from commonweal.domain.words import N_

PASSPORT = "passport"
MAX_KINDS = 50
MAX_SCHEMA_DEPTH = 8
MAX_VALID_DAYS = 36_600
_KIND = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_TYPE = re.compile(r"^[A-Z][A-Za-z0-9]{1,59}Credential$")
_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,59}$")
RESERVED_TERMS = frozenset({"id", "type"})
SCHEMA_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "title",
        "description",
    }
)
"""The JSON Schema 2020-12 keywords a kind's claims may use: enough to describe a record,
and none that reaches outside the schema (no ``$ref``, ``$id``)."""
SCHEMA_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean"})


def _closed_object(**properties: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of an object with exactly these members, all required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}}


def _date_time() -> dict[str, Any]:
    return {"type": "string", "format": "date-time"}


PASSPORT_KIND: dict[str, Any] = {
    "title": "Passport",
    "description": "Membership, standing and visas (the recognised nodes that accept this "
    "node's members), for presenting at recognised nodes. Every member may ask for theirs.",
    "type": "PassportCredential",
    "claims": _closed_object(
        memberOf={"type": "string"},
        memberSince=_date_time(),
        standing={"type": "string", "enum": ["good", "suspended"]},
        roles=_strings(),
        visas={
            "type": "array",
            "items": _closed_object(node={"type": "string"}, since=_date_time(), rights=_strings()),
        },
    ),
    "issuers": "member",
    "valid_days": 90,
    "revocable": True,
    "version": 1,
}
"""The built-in passport: the node fills in the claims; valid 90 days, as standing changes."""


def parse_credential_kinds(value: Any) -> dict[str, dict[str, Any]]:
    """The constitution's ``credentials`` section (kind name → rules) in normal form."""
    if not isinstance(value, dict):
        raise InvalidBody("credentials must be an object naming kinds of credential")
    if len(value) > MAX_KINDS:
        raise InvalidBody("credentials may define at most %(max_kinds)s kinds", max_kinds=MAX_KINDS)
    kinds = {}
    types: dict[str, str] = {}
    for name, rules in sorted(value.items()):
        matching(name, _KIND, "a credential kind's name is 2-40 lower-case letters, digits or -")
        if name == PASSPORT:
            raise InvalidBody("passport is built in: the constitution cannot redefine it")
        kind = parse_kind(rules, name)
        if kind["type"] in types or kind["type"] in (PASSPORT_KIND["type"], *BUILT_IN_TYPES):
            raise InvalidBody(
                "credentials.%(name)s: the type %(type)s is already used",
                name=name,
                type=kind["type"],
            )
        types[kind["type"]] = name
        kinds[name] = kind
    return kinds


BUILT_IN_TYPES = ("MembershipCredential", "RoleCredential", "AttendanceCredential")


def parse_kind(value: Any, name: str) -> dict[str, Any]:
    """One kind's rules in normal form."""
    where = f"credentials.{name}"
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be an object", where=where)
    if value.get("open") is not None:
        return _open_kind(value, name, where)
    only(
        value,
        {"title", "description", "type", "claims", "issuers", "valid_days", "revocable", "version"},
        where=where,
    )
    kind: dict[str, Any] = {
        **_described(value, name, where),
        "claims": parse_claims_schema(value.get("claims"), f"{where}.claims"),
        "issuers": _issuers(value.get("issuers"), f"{where}.issuers"),
        "revocable": boolean(value.get("revocable", True), f"{where}.revocable"),
        "version": integer_in(value.get("version", 1), f"{where}.version", 1, 10_000),
    }
    if value.get("valid_days") is not None:
        kind["valid_days"] = integer_in(
            value["valid_days"], f"{where}.valid_days", 1, MAX_VALID_DAYS
        )
    return kind


def _described(value: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """What every kind says of itself: its title (its name when it gives none), its
    description and its credential type."""
    return {
        "title": optional_text(value, "title", max_length=120) or name,
        "description": optional_text(value, "description", max_length=2000),
        "type": matching(
            value.get("type", default_type(name)),
            _TYPE,
            f"{where}.type must be a word in CamelCase ending in Credential",
        ),
    }


def _open_kind(value: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """An *open* kind (``"open": true``): credentials of any claims and extra types,
    issued only by an issuer token scoped to the kind, signed by the node's automation
    issuer (docs/conformance.md). It defines no claims schema."""
    only(
        value,
        {"title", "description", "type", "open", "issuers", "revocable", "version"},
        where=where,
    )
    if value["open"] is not True:
        raise InvalidBody("%(where)s.open may only be true", where=where)
    if value.get("issuers", TOKEN_ISSUERS) != TOKEN_ISSUERS:
        raise InvalidBody('%(where)s.issuers: an open kind is issued by "token" only', where=where)
    return {
        **_described(value, name, where),
        "open": True,
        "issuers": TOKEN_ISSUERS,
        "revocable": boolean(value.get("revocable", True), f"{where}.revocable"),
        "version": integer_in(value.get("version", 1), f"{where}.version", 1, 10_000),
    }


TOKEN_ISSUERS = "token"
"""The issuers of an open kind: an operator's issuer token scoped to it, and nobody else."""


def is_open(rules: dict[str, Any]) -> bool:
    """Whether a kind is open (any claims and extra types; automation issuer)."""
    return rules.get("open") is True


def default_type(name: str) -> str:
    """``first-aid`` → ``FirstAidCredential``."""
    return "".join(part.title() for part in name.split("-")) + "Credential"


def parse_claims_schema(value: Any, where: str) -> dict[str, Any]:
    """A JSON Schema for the subject's claims: an object whose property names become
    JSON-LD terms, with only the keywords in :data:`SCHEMA_KEYWORDS`."""
    if not isinstance(value, dict) or value.get("type") != "object":
        raise InvalidBody('%(where)s must be a JSON Schema of "type": "object"', where=where)
    _check_schema(value, where, 0)
    if not value.get("properties"):
        raise InvalidBody("%(where)s must name at least one property", where=where)
    schema: dict[str, Any] = _sorted(value)
    return schema


def _sorted(value: Any) -> Any:
    """The schema with every object's members in sorted order: the same normal form
    whether it was read from an event's canonical bytes or built in memory."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _check_schema(value: Any, where: str, depth: int) -> None:
    if depth > MAX_SCHEMA_DEPTH:
        raise InvalidBody(
            "%(where)s: schemas nest at most %(max_schema_depth)s deep",
            where=where,
            max_schema_depth=MAX_SCHEMA_DEPTH,
        )
    if not isinstance(value, dict):
        raise InvalidBody("%(where)s must be a JSON Schema object", where=where)
    unknown = sorted(set(value) - SCHEMA_KEYWORDS)
    if unknown:
        raise InvalidBody(
            "%(where)s: the keyword(s) %(unknown)s are not allowed (allowed: %(allowed)s)",
            where=where,
            unknown=", ".join(unknown),
            allowed=", ".join(sorted(SCHEMA_KEYWORDS)),
        )
    kind = value.get("type")
    if kind not in SCHEMA_TYPES:
        raise InvalidBody(
            "%(where)s.type must be one of %(types)s",
            where=where,
            types=", ".join(sorted(SCHEMA_TYPES)),
        )
    properties = value.get("properties", {})
    if not isinstance(properties, dict):
        raise InvalidBody("%(where)s.properties must be an object", where=where)
    for term, schema in properties.items():
        matching(
            term,
            _TERM,
            N_("%(where)s: a claim's name is a letter then letters, digits or _"),
            where=where,
        )
        if term in RESERVED_TERMS:
            raise InvalidBody(
                "%(where)s: %(term)s is reserved by the VC data model", where=where, term=term
            )
        _check_schema(schema, f"{where}.properties.{term}", depth + 1)
    required = value.get("required", [])
    if not isinstance(required, list) or not set(required) <= set(properties):
        raise InvalidBody("%(where)s.required must list some of its properties", where=where)
    if "additionalProperties" in value and value["additionalProperties"] is not False:
        raise InvalidBody("%(where)s.additionalProperties may only be false", where=where)
    if "items" in value:
        _check_schema(value["items"], f"{where}.items", depth + 1)


def claim_terms(schema: dict[str, Any]) -> list[str]:
    """Every property name the schema uses, at any depth (each becomes a JSON-LD term)."""
    found: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        for term, inner in node.get("properties", {}).items():
            found.add(term)
            walk(inner)
        if isinstance(node.get("items"), dict):
            walk(node["items"])

    walk(schema)
    return sorted(found)


def _issuers(value: Any, where: str) -> Any:
    if value == "vote":
        return value
    if isinstance(value, dict) and set(value) == {"role"} and isinstance(value["role"], str):
        return {"role": matching(value["role"], _KIND, f"{where}.role must name a role")}
    if isinstance(value, dict) and set(value) == {"endorsements"}:
        return {"endorsements": integer_in(value["endorsements"], f"{where}.endorsements", 1, 100)}
    raise InvalidBody(
        '%(where)s must be {"role": "<role>"}, "vote", or {"endorsements": <how many>}', where=where
    )
