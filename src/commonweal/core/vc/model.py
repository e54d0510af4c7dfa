"""VC Data Model 2.0: the structural rules a credential and a presentation must meet.

JSON-LD semantics (every term and type defined, no protected term redefined) are
checked by expanding the document with the frozen contexts (see rdfc.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from commonweal.core.vc.contexts import CREDENTIALS_V2
from commonweal.core.vc.errors import CredentialError
from commonweal.core.vc.rdfc import check_terms
from commonweal.core.vc.related_resources import check_related_resources

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TYPED_MEMBERS = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")
LANGUAGE_VALUE = {"@value", "@language", "@direction"}


def check_credential(vc: Any, *, issued: bool = True) -> None:
    """Refuse anything that is not a conforming VC 2.0 credential (``invalid_credential``).

    With ``issued=False`` the document is an issuer's input (the VC API's
    ``/credentials/issue``): the issuer is then filled in by the node.
    """
    _require(isinstance(vc, dict), "a credential is a JSON object")
    _check_context(vc)
    _check_id(vc, "id")
    _check_types(vc, "VerifiableCredential")
    issuer = vc.get("issuer")
    _require("issuer" not in vc or issuer is not None, "issuer must not be null")
    _require(issuer is not None or not issued, "issuer is required")
    if isinstance(issuer, dict):
        _require("id" not in issuer or _is_url(issuer["id"]), "issuer.id must be a URL")
        _require(issuer.get("id") is not None or not issued, "issuer.id is required")
        _check_language_values(issuer)
    elif issuer is not None:
        _require(_is_url(issuer), "issuer must be a URL or an object with a URL id")
    subjects = vc.get("credentialSubject")
    _require(subjects is not None, "credentialSubject is required")
    for subject in _as_list(subjects):
        _require(
            isinstance(subject, dict) and subject, "each credentialSubject is a non-empty object"
        )
        _check_id(subject, "id")
    for member in TYPED_MEMBERS:
        for item in _as_list(vc.get(member, [])):
            _require(isinstance(item, dict), "%(member)s entries are objects", member=member)
            _require("type" in item, "every %(member)s entry needs a type", member=member)
            _check_id(item, "id")
            if member == "credentialSchema":
                _require(_is_url(item.get("id")), "credentialSchema needs a URL id")
    for proof in _as_list(vc.get("proof", [])):
        _require(isinstance(proof, dict) and "type" in proof, "every proof needs a type")
    _check_dates(vc)
    _check_language_values(vc)
    check_related_resources(vc)
    _check_json_ld(vc)


def check_presentation(vp: Any) -> None:
    """Refuse anything that is not a conforming VC 2.0 presentation (``invalid_presentation``)."""
    try:
        _require(isinstance(vp, dict), "a presentation is a JSON object")
        _check_context(vp)
        _check_id(vp, "id")
        _check_types(vp, "VerifiablePresentation")
        holder = vp.get("holder")
        if holder is not None:
            holder_id = holder.get("id") if isinstance(holder, dict) else holder
            _require(_is_url(holder_id), "holder must be a URL or an object with a URL id")
        for credential in _as_list(vp.get("verifiableCredential", [])):
            _require(isinstance(credential, dict), "verifiableCredential entries are objects")
            if _types(credential) == ["EnvelopedVerifiableCredential"]:
                _require(
                    str(credential.get("id", "")).startswith("data:"),
                    "an enveloped credential is a data: URL",
                )
                continue
            _require("type" in credential, "every credential needs a type")
            check_credential(credential, issued=False)
        check_related_resources(vp)
        _check_json_ld(vp)
    except CredentialError as error:
        raise CredentialError.saying("invalid_presentation", error) from None


def check_self_asserted(vp: dict[str, Any]) -> None:
    """A holder presenting claims about itself: unsigned credentials are issued by the holder."""
    check_presentation(vp)
    holder = vp.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    for credential in _as_list(vp.get("verifiableCredential", [])):
        if "proof" in credential:
            continue
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if holder_id is None or issuer_id != holder_id:
            raise CredentialError(
                "invalid_presentation", "a self-asserted credential must be issued by the holder"
            )


def _check_context(document: dict[str, Any]) -> None:
    context = document.get("@context")
    if not isinstance(context, list) or not context:
        raise CredentialError("invalid_credential", "@context must be a non-empty list")
    _require(
        context[0] == CREDENTIALS_V2,
        "the first @context must be %(context)s",
        context=CREDENTIALS_V2,
    )
    for item in context[1:]:
        _require(
            isinstance(item, dict) or _is_url(item), "each @context entry is a URL or an object"
        )


def _check_types(document: dict[str, Any], required: str) -> None:
    _require("type" in document, "type is required")
    _require(required in _types(document), "type must include %(type)s", type=required)


def _types(document: dict[str, Any]) -> list[Any]:
    value = document.get("type", [])
    return value if isinstance(value, list) else [value]


def _check_id(document: dict[str, Any], name: str) -> None:
    if name in document:
        _require(_is_url(document[name]), "%(name)s must be a single URL", name=name)


def _check_dates(vc: dict[str, Any]) -> None:
    moments = {}
    for name in ("validFrom", "validUntil"):
        if name in vc:
            value = vc[name]
            _require(
                isinstance(value, str) and _DATETIME.match(value) is not None,
                "%(name)s must be an XML Schema dateTimeStamp",
                name=name,
            )
            moments[name] = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if len(moments) == 2:
        _require(moments["validFrom"] <= moments["validUntil"], "validUntil is before validFrom")


def _check_language_values(vc: dict[str, Any]) -> None:
    for name in ("name", "description"):
        for value in _as_list(vc.get(name, [])):
            if isinstance(value, dict):
                _require(
                    set(value) <= LANGUAGE_VALUE and "@value" in value,
                    "%(name)s holds only @value, @language, @direction",
                    name=name,
                )
            else:
                _require(
                    isinstance(value, str), "%(name)s is text or language-tagged text", name=name
                )


def _check_json_ld(document: dict[str, Any]) -> None:
    try:
        check_terms(_without_proofs(document))
    except CredentialError as error:
        raise CredentialError.saying("invalid_credential", error) from None


def _without_proofs(document: dict[str, Any]) -> dict[str, Any]:
    """The document and its embedded credentials without their proofs: a proof is checked
    by its own securing mechanism (Data Integrity checks its terms when it verifies)."""
    bare = {k: v for k, v in document.items() if k != "proof"}
    embedded = bare.get("verifiableCredential")
    if isinstance(embedded, list):
        bare["verifiableCredential"] = [
            _without_proofs(c) if isinstance(c, dict) else c for c in embedded
        ]
    elif isinstance(embedded, dict):
        bare["verifiableCredential"] = _without_proofs(embedded)
    return bare


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and _URL.match(value) is not None


def _require(condition: object, message: str, **params: object) -> None:
    if not condition:
        raise CredentialError("invalid_credential", message, **params)
