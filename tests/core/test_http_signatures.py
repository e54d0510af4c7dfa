"""RFC 9421 message signatures: the RFC's B.2.6 Ed25519 vector, and the peer profile."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from http_sf import StructuredFieldError, Token, ser

from commonweal.core.did import did_key_from_public_key, public_key_from_did_key
from commonweal.core.http_signatures import (
    MAX_AGE_SECONDS,
    Request,
    SignatureError,
    check_content_digest,
    content_digest,
    parse_dictionary,
    parse_signatures,
    sign_peer_request,
    sign_request,
    signature_base,
    verify_peer_request,
    verify_request,
)
from commonweal.core.keys import SigningKey
from tests.vectors import find_vectors

VECTOR = json.loads((find_vectors() / "federation" / "rfc9421-b26-ed25519.json").read_text())
COMPONENTS = ("date", "@method", "@path", "@authority", "content-type", "content-length")
PARAMS = {"created": 1618884473, "keyid": "test-key-ed25519"}


def vector_request() -> Request:
    request = VECTOR["request"]
    return Request(
        request["method"],
        request["target_uri"],
        list(request["headers"].items()),
        request["body"].encode(),
    )


def vector_key() -> SigningKey:
    private = load_pem_private_key(VECTOR["private_key_pem"].encode(), password=None)
    return SigningKey(private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))


def vector_public_key() -> bytes:
    public = load_pem_public_key(VECTOR["public_key_pem"].encode())
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_b26_signature_base_is_the_rfcs() -> None:
    assert signature_base(vector_request(), COMPONENTS, PARAMS) == VECTOR["signature_base"]


def test_b26_signing_reproduces_the_rfcs_headers() -> None:
    headers = sign_request(
        vector_request(), vector_key(), components=COMPONENTS, params=PARAMS, label="sig-b26"
    )
    assert vector_key().public_key == vector_public_key()
    assert headers == {
        "Signature-Input": VECTOR["Signature-Input"],
        "Signature": VECTOR["Signature"],
    }


def signed_vector(signature_header: str) -> Request:
    base = vector_request()
    headers = [
        *base.headers,
        ("Signature-Input", VECTOR["Signature-Input"]),
        ("Signature", signature_header),
    ]
    return Request(base.method, base.url, headers, base.body)


def test_b26_verifies_and_the_negative_case_does_not() -> None:
    def resolve(keyid: str) -> bytes:
        assert keyid == "test-key-ed25519"
        return vector_public_key()

    verified = verify_request(signed_vector(VECTOR["Signature"]), resolve)
    assert verified.label == "sig-b26" and verified.created == 1618884473
    with pytest.raises(SignatureError) as refused:
        verify_request(signed_vector(VECTOR["negative"]["Signature"]), resolve)
    assert refused.value.code == "bad_signature"


def test_b26_with_a_changed_component_fails() -> None:
    request = signed_vector(VECTOR["Signature"])
    tampered = Request("PUT", request.url, request.headers, request.body)
    with pytest.raises(SignatureError):
        verify_request(tampered, lambda _k: vector_public_key())


def test_b26_content_digest_is_rfc9530_sha512_of_the_body() -> None:
    header = VECTOR["request"]["headers"]["Content-Digest"]
    assert content_digest(VECTOR["request"]["body"].encode(), "sha-512") == header
    check_content_digest(header, VECTOR["request"]["body"].encode())
    with pytest.raises(SignatureError):
        check_content_digest(header, b'{"hello": "world!"}')


# -- structured fields ------------------------------------------------------------------


def test_structured_dictionary_round_trip() -> None:
    text = 'a=("x" "@y");created=1;keyid="k\\"q", b=:AAEC:, c, d=tok/en;p=?0'
    members = parse_dictionary(text)
    assert members["a"] == ([("x", {}), ("@y", {})], {"created": 1, "keyid": 'k"q'})
    assert members["b"] == (b"\x00\x01\x02", {})
    assert members["c"] == (True, {})
    assert members["d"] == (Token("tok/en"), {"p": False})
    assert isinstance(members["d"][0], Token)
    assert ser(members) == text
    assert parse_dictionary(ser(members)) == members


@pytest.mark.parametrize(
    "text",
    ["a=(", 'a="unterminated', "a=1,", "A=1", "a=1.5.0", "a=:not base64!:", 'a="\\x"', "a=1 b=2"],
)
def test_structured_dictionary_refuses_malformed_text(text: str) -> None:
    with pytest.raises(StructuredFieldError):
        parse_dictionary(text)


# -- the peer profile -------------------------------------------------------------------

KEY = SigningKey(bytes(range(32)))
KEYID = did_key_from_public_key(KEY.public_key)
URL = "http://127.0.0.1:8001/witness/add-checkpoint"
NOW = 1_800_000_000


def peer_request(body: bytes = b"old 0\n\nnote", *, now: int = NOW, **changes: str) -> Request:
    headers = sign_peer_request("POST", URL, body, KEY, KEYID, now=now)
    headers.update(changes)
    return Request("POST", URL, list(headers.items()), body)


def test_peer_request_verifies_with_the_signers_did_key() -> None:
    verified = verify_peer_request(peer_request(), public_key_from_did_key, now=NOW + 5)
    assert verified.keyid == KEYID and verified.created == NOW and len(verified.nonce) >= 16
    (signature,) = parse_signatures(peer_request())
    assert signature.text_param("tag") == "commonweal-peer"
    assert "content-digest" in signature.components


def test_peer_request_refusals_name_what_failed() -> None:
    def code(request: Request, now: int = NOW) -> str:
        with pytest.raises(SignatureError) as refused:
            verify_peer_request(request, public_key_from_did_key, now=now)
        return refused.value.code

    good = peer_request()
    assert code(Request("POST", URL, [], good.body)) == "unsigned"
    assert code(good, now=NOW + MAX_AGE_SECONDS + 1) == "stale_signature"
    assert code(Request("POST", URL, good.headers, b"old 1\n\nnote")) == "bad_digest"
    other_url = URL.replace("8001", "8002")
    assert code(Request("POST", other_url, good.headers, good.body)) == "bad_signature"
    forged = base64.b64encode(bytes(64)).decode()
    assert code(peer_request(Signature=f"peer=:{forged}:")) == "bad_signature"
