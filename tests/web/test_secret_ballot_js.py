"""The proposal page's secret-ballot code (static/js: blinding.js, sealing.js,
secret-ballot.js) run in node, its output checked by the Python implementation.

RFC 9474's vectors go through the JavaScript blinding; a token blinded in JavaScript is
signed by core/ballots' ``blind_sign`` and finalized in JavaScript, and the signature
verifies in Python; ballots sealed in JavaScript pass the domain's parsing, every range
proof passes ``elgamal.check_range`` with the node's own context, decrypt to what was
cast, and the one-time key's signature verifies as any event's. With every random
scalar fixed, JavaScript and ``client/secret_ballot.seal`` seal the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from commonweal.core import jcs
from commonweal.core.ballots import blind_rsa, elgamal, ristretto, wire
from commonweal.core.did import public_key_from_did_key
from commonweal.core.events import parse_event, verify_encoded_signature
from commonweal.domain.governance.secret_casting import parse_sealed
from commonweal.domain.governance.secret_fields import encode, field_ranges
from commonweal.domain.governance.secret_records import context

NODE = shutil.which("node")
SCRIPT = Path(__file__).with_name("secret_ballot_check.mjs")
NODE_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

pytestmark = pytest.mark.skipif(NODE is None, reason="node (Node.js) is not installed")


def run_js(payload: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(NODE), "--experimental-detect-module", str(SCRIPT)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    "name", ["rfc9474_rsabssa_vectors.json", "cfrg_draft_rsabssa_vectors_from_md.json"]
)
def test_rfc9474_vectors_through_the_javascript_blinding(vectors_dir: Path, name: str) -> None:
    every = json.loads((vectors_dir / "ballots" / name).read_text())
    vectors = [
        {k: v.removeprefix("0x") for k, v in case.items()}
        for case in every
        if int(case["sLen"], 16) == 48 and int(case["is_randomized"], 16) == 1
    ]
    assert len(vectors) == 1  # RSABSSA-SHA384-PSS-Randomized, the variant the tokens use
    sent = [{**v, "n": "0x" + v["n"], "e": "0x" + v["e"], "inv": "0x" + v["inv"]} for v in vectors]
    got = run_js({"vectors": sent, "stage": "none"})["vectors"]
    for vector, mine in zip(vectors, got, strict=True):
        assert mine["input_msg"] == vector["input_msg"]
        if "encoded_msg" in vector:
            assert mine["encoded_msg"] == vector["encoded_msg"]
        assert mine["blinded_msg"] == vector["blinded_msg"]
        assert mine["sig"] == vector["sig"]


def _view(
    method: str, opts: dict[str, Any], options: list[str], key: bytes, rsa_key: Any
) -> dict[str, Any]:
    numbers = rsa_key.public_key().public_numbers()
    return {
        "proposal": 42,
        "node": NODE_DID,
        "method": method,
        "options": options,
        "method_options": opts,
        "ranges": field_ranges(method, opts, options),
        "token_key": {"n": wire.integer_text(numbers.n), "e": wire.integer_text(numbers.e)},
        "joint_key": wire.b64u(key),
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "opts", "options", "ballots"),
    [
        ("yes_no", {}, ["42"], [{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}]),
        ("approval", {}, ["42", "43", "44"], [{"approve": ["43", "44"]}]),
        ("schulze", {}, ["42", "43", "44"], [{"ranking": ["44", ["42", "43"]]}]),
        (
            "quadratic",
            {"credits": 9, "allow_negative": True},
            ["42", "43"],
            [{"votes": {"42": -2}}],
        ),
    ],
)
def test_a_ballot_sealed_in_javascript_passes_the_python_checks(
    method: str, opts: dict[str, Any], options: list[str], ballots: list[dict[str, Any]]
) -> None:
    secrets_ = [ristretto.random_scalar(), ristretto.random_scalar()]
    joint = elgamal.combine([ristretto.base_mul(s) for s in secrets_])
    rsa_key = blind_rsa.generate(2048)
    view = _view(method, opts, options, joint, rsa_key)
    numbers = rsa_key.private_numbers()
    started = run_js({"vectors": [], "stage": "token", "view": view})
    pending, body = started["pending"], started["body"]
    assert body == {"proposal": 42, "blinded": pending["blinded"]}
    message = wire.from_b64u(pending["message"])
    assert message.startswith(wire.token_prefix(NODE_DID, 42))
    assert len(message) == len(wire.token_prefix(NODE_DID, 42)) + wire.NONCE_LEN
    n = numbers.public_numbers.n
    blind_signature = blind_rsa.blind_sign(
        n, numbers.public_numbers.e, numbers.d, wire.from_b64u(body["blinded"])
    )
    sealed = run_js(
        {
            "vectors": [],
            "stage": "seal",
            "view": view,
            "pending": pending,
            "ballots": ballots,
            "blind_signature": wire.b64u(blind_signature),
        }
    )["sealed"]
    token_key = blind_rsa.PublicKey(n, numbers.public_numbers.e)
    one_time_keys = set()
    for ballot, made in zip(ballots, sealed, strict=True):
        event = made["event"]
        parsed = parse_sealed(event["body"])
        assert blind_rsa.verify(
            token_key, parsed["prefix"] + parsed["message"], parsed["signature"]
        )
        used = hashlib.sha256(parsed["message"]).hexdigest()
        values = encode(method, opts, options, ballot)
        for position, ((ct, proofs), high, value) in enumerate(
            zip(parsed["fields"], view["ranges"], values, strict=True)
        ):
            where = context(NODE_DID, 42, used, position)
            assert elgamal.check_range(joint, ct, proofs, high, where)
            assert not elgamal.check_range(
                joint, ct, proofs, high, context(NODE_DID, 42, used, position + 1)
            )
            shares = [ristretto.mul(s, ct.a) for s in secrets_]
            assert elgamal.decrypt(ct, shares, high) == value
        checked = parse_event(event)
        unsigned = {k: v for k, v in event.items() if k != "sig"}
        assert verify_encoded_signature(
            public_key_from_did_key(checked.author), jcs.canonicalize(unsigned), event["sig"]
        )
        assert checked.type == "governance.ballot.sealed" and checked.seq == 1
        one_time_keys.add(checked.author)
        receipt = made["receipt"]
        assert receipt["nullifier"] == used and receipt["ballot"] == 7
        assert receipt["ballot_hash"] == hashlib.sha256(jcs.canonicalize(event)).hexdigest()
    assert len(one_time_keys) == len(ballots)  # a fresh key for every ballot


@pytest.mark.parametrize(
    ("method", "opts", "options", "ballot"),
    [
        ("yes_no", {}, ["42"], {"choice": "no"}),
        ("score", {"max_score": 5}, ["42", "43"], {"scores": {"42": 5, "43": 0}}),
    ],
)
def test_javascript_and_python_seal_the_same_bytes_from_the_same_randomness(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    opts: dict[str, Any],
    options: list[str],
    ballot: dict[str, Any],
) -> None:
    """With every random scalar fixed, the page and client/secret_ballot.py seal a ballot
    into the same body, byte for byte: the same ciphertexts, commitments and challenges."""
    from commonweal.client import secret_ballot

    joint = ristretto.base_mul(12345678901234567890)
    view = _view(method, opts, options, joint, blind_rsa.generate(2048))
    token = {
        "prefix": wire.b64u(bytes(range(32))),
        "message": wire.b64u(wire.token_prefix(NODE_DID, 42) + bytes(32)),
        "signature": wire.b64u(b"\x01" * 256),
    }
    chunks = [hashlib.sha512(b"fixed %d" % n).digest() for n in range(64)]
    drawn = iter(chunks)
    monkeypatch.setattr(
        ristretto, "random_scalar", lambda: int.from_bytes(next(drawn), "little") % ristretto.ORDER
    )
    in_python = secret_ballot.seal(view, ballot, token)
    in_javascript = run_js(
        {
            "vectors": [],
            "stage": "seal-fixed",
            "view": view,
            "ballot": ballot,
            "token": token,
            "chunks": [c.hex() for c in chunks],
        }
    )
    used = len(chunks) - sum(1 for _ in drawn)
    assert in_javascript["drawn"] == used > 0
    assert jcs.canonicalize(in_javascript["body"]) == jcs.canonicalize(in_python)


def test_the_page_checks_proofs_python_made() -> None:
    from commonweal.client import secret_ballot

    joint = ristretto.base_mul(ristretto.random_scalar())
    options = ["42", "43", "44"]
    view = _view("approval", {}, options, joint, blind_rsa.generate(2048))
    message = wire.token_prefix(NODE_DID, 42) + bytes(32)
    token = {"prefix": "", "message": wire.b64u(message), "signature": ""}
    body = secret_ballot.seal(view, {"approve": ["43"]}, token)
    nullifier = hashlib.sha256(message).hexdigest()
    checks = run_js(
        {"vectors": [], "stage": "check", "view": view, "body": body, "nullifier": nullifier}
    )["checks"]
    assert checks == [[True, False]] * 3  # each proof holds where made, nowhere else
