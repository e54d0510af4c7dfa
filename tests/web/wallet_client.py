"""An independent wallet, written for the tests from the specifications alone.

OpenID for Verifiable Credential Issuance 1.0 (pre-authorised code flow, JWT key proofs)
and OpenID for Verifiable Presentations 1.0 (requests by value and by ``request_uri``,
``direct_post``, an ``ldp_vc`` presentation signed ``eddsa-jcs-2022``). It uses httpx,
``cryptography``, ``rfc8785`` and ``base58`` only: none of Commonweal's own code, so
the node's implementation is checked against a second reading of the same texts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import base58
import httpx
import rfc8785
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def did_key_ed25519(public: bytes) -> str:
    return "did:key:z" + base58.b58encode(b"\xed\x01" + public).decode()


def jwt(header: dict[str, Any], payload: dict[str, Any], sign: Any) -> str:
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return signing_input + "." + b64url(sign(signing_input.encode()))


@dataclass
class Wallet:
    """A holder's wallet with one Ed25519 key (the member's did:key)."""

    seed: bytes

    @property
    def key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def did(self) -> str:
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return did_key_ed25519(public)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    # -- OpenID4VCI ----------------------------------------------------------------

    @staticmethod
    def read_offer(uri: str) -> dict[str, Any]:
        """A credential offer by value (§4.1.1): ``openid-credential-offer://?credential_offer=``."""
        parts = urlsplit(uri)
        assert parts.scheme == "openid-credential-offer"
        offer: dict[str, Any] = json.loads(parse_qs(parts.query)["credential_offer"][0])
        return offer

    @staticmethod
    def discover(
        http: httpx.Client, offer: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The issuer's metadata (§12.2.2) and its authorization server's (RFC 8414)."""
        issuer = offer["credential_issuer"]
        metadata = http.get(issuer + "/.well-known/openid-credential-issuer").json()
        assert metadata["credential_issuer"] == issuer
        server = metadata.get("authorization_servers", [issuer])[0]
        oauth = http.get(server + "/.well-known/oauth-authorization-server").json()
        return metadata, oauth

    @staticmethod
    def redeem(http: httpx.Client, oauth: dict[str, Any], code: str) -> httpx.Response:
        """The token request of the pre-authorised code flow (§6.1)."""
        return http.post(
            oauth["token_endpoint"],
            data={"grant_type": PRE_AUTHORIZED, "pre-authorized_code": code},
        )

    def proof(self, audience: str, nonce: str | None, **overrides: Any) -> str:
        """A key proof JWT (Appendix F.1) by this wallet's key."""
        header = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": self.kid}
        payload: dict[str, Any] = {"aud": audience, "iat": int(time.time())}
        if nonce is not None:
            payload["nonce"] = nonce
        header |= overrides.pop("header", {})
        payload |= overrides
        return jwt(header, payload, self.key.sign)

    @staticmethod
    def request_credential(
        http: httpx.Client, metadata: dict[str, Any], token: str, config_id: str, proof: str
    ) -> httpx.Response:
        """The credential request (§8.2)."""
        return http.post(
            metadata["credential_endpoint"],
            headers={"Authorization": f"Bearer {token}"},
            json={"credential_configuration_id": config_id, "proofs": {"jwt": [proof]}},
        )

    def receive(self, http: httpx.Client, offer_uri: str, config_id: str) -> dict[str, Any]:
        """The whole pre-authorised code flow; the credential."""
        offer = self.read_offer(offer_uri)
        metadata, oauth = self.discover(http, offer)
        code = offer["grants"][PRE_AUTHORIZED]["pre-authorized_code"]
        token = self.redeem(http, oauth, code).json()["access_token"]
        nonce = http.post(metadata["nonce_endpoint"]).json()["c_nonce"]
        proof = self.proof(metadata["credential_issuer"], nonce)
        answer = self.request_credential(http, metadata, token, config_id, proof)
        assert answer.status_code == 200, answer.text
        credential: dict[str, Any] = answer.json()["credentials"][0]["credential"]
        return credential

    # -- OpenID4VP -----------------------------------------------------------------

    @staticmethod
    def read_request(http: httpx.Client, uri: str) -> dict[str, Any]:
        """An Authorization Request (§5), by value or by ``request_uri`` (RFC 9101): a
        request object signed by the verifier's did:key is checked before it is used."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(uri).query).items()}
        if "request_uri" not in query:
            query["dcql_query"] = json.loads(query["dcql_query"])
            return query
        response = http.get(query["request_uri"])
        assert response.headers["content-type"].startswith("application/oauth-authz-req+jwt")
        head, body, signature = response.text.split(".")
        header = json.loads(unb64url(head))
        assert header["alg"] == "EdDSA" and header["typ"] == "oauth-authz-req+jwt"
        did = query["client_id"].removeprefix("decentralized_identifier:")
        assert header["kid"].startswith(did + "#")
        multikey = header["kid"].split("#")[1]
        raw = base58.b58decode(multikey[1:])
        assert raw[:2] == b"\xed\x01"
        Ed25519PublicKey.from_public_bytes(raw[2:]).verify(
            unb64url(signature), f"{head}.{body}".encode()
        )
        request: dict[str, Any] = json.loads(unb64url(body))
        assert request["client_id"] == query["client_id"]
        return request

    def present(
        self, credentials: list[dict[str, Any]], *, challenge: str, domain: str
    ) -> dict[str, Any]:
        """A presentation signed eddsa-jcs-2022 (vc-di-eddsa §3.3) for authentication."""
        vp: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": self.did,
            "verifiableCredential": credentials,
        }
        options = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "verificationMethod": self.kid,
            "proofPurpose": "authentication",
            "challenge": challenge,
            "domain": domain,
            "@context": vp["@context"],
        }
        digest = hashlib.sha256(rfc8785.dumps(options)).digest()
        digest += hashlib.sha256(rfc8785.dumps(vp)).digest()
        proof_value = "z" + base58.b58encode(self.key.sign(digest)).decode()
        return {**vp, "proof": {**options, "proofValue": proof_value}}

    @staticmethod
    def answer(
        http: httpx.Client, request: dict[str, Any], presentation: dict[str, Any]
    ) -> httpx.Response:
        """The ``direct_post`` response (§8.2): ``vp_token`` keyed by the DCQL query's id."""
        query_id = request["dcql_query"]["credentials"][0]["id"]
        return http.post(
            request["response_uri"],
            data={"vp_token": json.dumps({query_id: [presentation]}), "state": request["state"]},
        )


def es256_proof(audience: str, nonce: str) -> str:
    """A key proof by some other wallet's P-256 key, given as a JWK (ES256)."""
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }

    def sign(data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    header = {"alg": "ES256", "typ": "openid4vci-proof+jwt", "jwk": jwk}
    return jwt(header, {"aud": audience, "iat": int(time.time()), "nonce": nonce}, sign)
