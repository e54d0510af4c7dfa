"""OpenID for Verifiable Credential Issuance 1.0: the node as credential issuer.

Pre-authorised code flow: a signed-in member's page shows a credential offer (a QR
code); their wallet trades the offer's code at the token endpoint for an access token
(once), asks the nonce endpoint for a ``c_nonce``, and sends the credential endpoint
a key proof (a JWT, EdDSA or ES256, over the nonce and this issuer) by the member's
own key. The answer is the member's membership credential as ``ldp_vc``: the same
credential ``/v1/members/<did>/credentials`` serves (``eddsa-jcs-2022``) or its
selective-disclosure form (``ecdsa-sd-2023``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from commonweal.core import jose
from commonweal.core.vc.contexts import CREDENTIALS_V2, MEMBERSHIP_PATH
from commonweal.core.vc.data_integrity import JCS
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.public_url import public_url_of
from commonweal.node.kernel.queries import profile
from commonweal.node.kernel.seals import Seals
from commonweal.node.kernel.service import Node
from commonweal.node.services import credentials, selective

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
CODE_SECONDS = 600
TOKEN_SECONDS = 600
NONCE_SECONDS = 300
MAX_PROOF_AGE = 300
MAX_CLOCK_SKEW = 60
CONFIGURATIONS = {
    "MembershipCredential_ldp_vc": JCS,
    "MembershipCredential_ldp_vc_sd": "ecdsa-sd-2023",
}
"""Credential configuration id → the cryptosuite of the credential it issues."""
TOKEN_PATH = "/openid4vci/token"
NONCE_PATH = "/openid4vci/nonce"
CREDENTIAL_PATH = "/openid4vci/credential"
OFFER_SCHEME = "openid-credential-offer://"


@dataclass
class OAuthError(Exception):
    """An error response of OAuth 2.0 (RFC 6749 §5.2) or OpenID4VCI §8.3.1.2.

    ``error_description`` is for a client's developer and ASCII (RFC 6749), so the
    protocol endpoints answer it in English. Where the node's own routes show it to a
    person (a problem document), a description marked ``N_`` is a template with
    ``params``, said in the reader's language (docs/languages.md)."""

    status: int
    error: str
    description: str
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.template = self.description
        if self.params:
            self.description = self.description % self.params

    def as_json(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class Issuer:
    """The issuer of one node."""

    def __init__(self, node: Node, *, now: Callable[[], float] = time.time) -> None:
        self.node = node
        self.seals = Seals(node, b"commonweal/v1 openid4vci", now=now)

    @property
    def identifier(self) -> str:
        """The Credential Issuer Identifier: the node's public URL."""
        return public_url_of(self.node)

    def metadata(self) -> dict[str, Any]:
        """Credential Issuer Metadata (§12.2), served at /.well-known/openid-credential-issuer."""
        base = self.identifier
        name = profile(self.node).get("name") or self.node.identity.did
        definition = {
            "@context": [CREDENTIALS_V2, credentials.context_url(self.node, MEMBERSHIP_PATH)],
            "type": ["VerifiableCredential", "MembershipCredential"],
        }
        configurations = {
            config_id: {
                "format": "ldp_vc",
                "credential_definition": definition,
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": [suite],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": list(jose.ALGORITHMS)}
                },
                "credential_metadata": {
                    "display": [
                        {
                            "name": "Membership"
                            if suite == JCS
                            else "Membership (selective disclosure)",
                            "locale": "en",
                        }
                    ]
                },
            }
            for config_id, suite in CONFIGURATIONS.items()
        }
        identity = self.node.identity
        return {
            "credential_issuer": base,
            "credential_endpoint": base + CREDENTIAL_PATH,
            "nonce_endpoint": base + NONCE_PATH,
            "display": [{"name": name, "locale": "en"}],
            "credential_configurations_supported": configurations,
            "issuer_did": identity.did,
            "verification_methods": credentials.did_document_of(self.node)["verificationMethod"],
        }

    def authorization_server(self) -> dict[str, Any]:
        """OAuth 2.0 Authorization Server Metadata (RFC 8414): the issuer is its own."""
        base = self.identifier
        return {
            "issuer": base,
            "token_endpoint": base + TOKEN_PATH,
            "grant_types_supported": [PRE_AUTHORIZED],
            "pre-authorized_grant_anonymous_access_supported": True,
            "response_types_supported": [],
        }

    def offer(self, did: str, config_ids: list[str] | None = None) -> dict[str, Any]:
        """A credential offer (§4.1.1) with a pre-authorised code for member ``did``."""
        chosen = config_ids or list(CONFIGURATIONS)
        unknown = [c for c in chosen if c not in CONFIGURATIONS]
        if unknown:
            raise Rejected(
                "invalid_request", "no credential configuration %(unknown)s", unknown=unknown[0]
            )
        credentials.owed(self.node, did, {"MembershipCredential"})
        code = self.seals.seal("code", CODE_SECONDS, {"did": did, "c": chosen})
        return {
            "credential_issuer": self.identifier,
            "credential_configuration_ids": chosen,
            "grants": {PRE_AUTHORIZED: {"pre-authorized_code": code}},
        }

    def token(self, form: Mapping[str, str]) -> dict[str, Any]:
        """The token endpoint (§6): a pre-authorised code, once, for an access token."""
        grant = form.get("grant_type")
        if grant != PRE_AUTHORIZED:
            raise OAuthError(400, "unsupported_grant_type", f"grant_type must be {PRE_AUTHORIZED}")
        code = form.get("pre-authorized_code")
        if not code:
            raise OAuthError(400, "invalid_request", "pre-authorized_code is missing")
        claims = self.seals.open("code", code)
        if claims is None:
            raise OAuthError(400, "invalid_grant", "the pre-authorized code is unknown or expired")
        if not self.seals.spend(code, claims["e"]):
            raise OAuthError(400, "invalid_grant", "the pre-authorized code was already used")
        token = self.seals.seal("access", TOKEN_SECONDS, {"did": claims["did"], "c": claims["c"]})
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "authorization_details": [
                {
                    "type": "openid_credential",
                    "credential_configuration_id": config_id,
                    "credential_identifiers": [config_id],
                }
                for config_id in claims["c"]
            ],
        }

    def nonce(self) -> dict[str, str]:
        """The nonce endpoint (§7): a fresh ``c_nonce``."""
        return {"c_nonce": self.seals.seal("nonce", NONCE_SECONDS, {})}

    def credential(self, authorization: str, body: Any) -> dict[str, Any]:
        """The credential endpoint (§8): the member's credential, bound to their key."""
        scheme, _, token = authorization.partition(" ")
        access = self.seals.open("access", token) if scheme.lower() == "bearer" else None
        if access is None:
            raise OAuthError(
                401, "invalid_token", "the access token is missing, unknown or expired"
            )
        if not isinstance(body, dict):
            raise OAuthError(400, "invalid_credential_request", "the request is a JSON object")
        config_id = body.get("credential_configuration_id") or body.get("credential_identifier")
        if config_id not in CONFIGURATIONS:
            raise OAuthError(
                400,
                "unknown_credential_configuration",
                f"credential_configuration_id must be one of {', '.join(CONFIGURATIONS)}",
            )
        if config_id not in access["c"]:
            raise OAuthError(
                400, "invalid_credential_request", "the access token is not for this credential"
            )
        self._check_proof(body, access["did"])
        try:
            owed = credentials.owed(self.node, access["did"], {"MembershipCredential"})
        except Rejected as refused:
            raise OAuthError(400, "invalid_credential_request", refused.message) from None
        if CONFIGURATIONS[config_id] == JCS:
            issued = credentials.credential(self.node, owed)
        else:
            issued = selective.selective_credential(self.node, owed)
        return {"credentials": [{"credential": issued}]}

    def _check_proof(self, body: dict[str, Any], did: str) -> None:
        """Exactly one JWT key proof (Appendix F.1), by the member's key, over a fresh nonce."""
        proofs = body.get("proofs")
        if "proof" in body or not isinstance(proofs, dict) or list(proofs) != ["jwt"]:
            raise OAuthError(400, "invalid_proof", "send one key proof as proofs: {jwt: [...]}")
        jwts = proofs["jwt"]
        if not isinstance(jwts, list) or len(jwts) != 1:
            raise OAuthError(400, "invalid_proof", "send exactly one jwt proof")
        try:
            jws = jose.parse(jwts[0])
            key = jose.header_key(jws.header)
        except jose.JoseError as error:
            raise OAuthError(400, "invalid_proof", str(error)) from None
        if jws.header.get("typ") != PROOF_TYP:
            raise OAuthError(400, "invalid_proof", f"the proof's typ must be {PROOF_TYP}")
        if not jose.verify(jws, key):
            raise OAuthError(400, "invalid_proof", "the proof's signature does not verify")
        payload = jws.payload
        if payload.get("aud") != self.identifier:
            raise OAuthError(400, "invalid_proof", f"the proof's aud must be {self.identifier}")
        iat = payload.get("iat")
        now = self.seals.now()
        if (
            not isinstance(iat, int | float)
            or not now - MAX_PROOF_AGE <= iat <= now + MAX_CLOCK_SKEW
        ):
            raise OAuthError(400, "invalid_proof", "the proof's iat is missing or not recent")
        nonce = payload.get("nonce")
        claims = self.seals.open("nonce", nonce)
        if claims is None or not self.seals.spend(str(nonce), claims["e"]):
            raise OAuthError(
                400, "invalid_nonce", "the proof's nonce is missing, unknown, expired or used"
            )
        if key.did != did:
            raise OAuthError(
                400, "invalid_proof", f"the proof is not by the member's key ({did}): {key.did}"
            )


def offer_uri(offer: dict[str, Any]) -> str:
    """The offer by value, as the ``openid-credential-offer://`` URI a QR code carries."""
    return OFFER_SCHEME + "?credential_offer=" + quote(json.dumps(offer, separators=(",", ":")))
