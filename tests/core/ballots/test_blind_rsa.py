"""RFC 9474 blind RSA: every intermediate value of all four variants' vectors, both files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from commonweal.core.ballots import blind_rsa

FILES = ("rfc9474_rsabssa_vectors.json", "cfrg_draft_rsabssa_vectors_from_md.json")


def _hex(value: str) -> bytes:
    value = value[2:] if value.startswith("0x") else value
    return bytes.fromhex(value)


def _int(value: str) -> int:
    return int.from_bytes(_hex(value), "big")


def _cases(vectors_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    folder = vectors_dir / "ballots"
    return [
        (f"{name}:{case['name']}", case)
        for name in FILES
        for case in json.loads((folder / name).read_text())
    ]


def test_both_files_hold_all_four_variants(vectors_dir: Path) -> None:
    names = sorted(label for label, _ in _cases(vectors_dir))
    assert len(names) == 8
    assert {n.split(":")[1] for n in names} == {
        "RSABSSA-SHA384-PSS-Randomized",
        "RSABSSA-SHA384-PSSZERO-Randomized",
        "RSABSSA-SHA384-PSS-Deterministic",
        "RSABSSA-SHA384-PSSZERO-Deterministic",
    }


def test_every_intermediate_value(vectors_dir: Path) -> None:
    for label, case in _cases(vectors_dir):
        n, e, d = _int(case["n"]), _int(case["e"]), _int(case["d"])
        assert _int(case["p"]) * _int(case["q"]) == n, label
        salt_len = _int(case["sLen"])
        randomized = _int(case["is_randomized"]) == 1
        pk = blind_rsa.PublicKey(n, e, salt_len)
        msg = _hex(case["msg"])
        prefix = _hex(case["msg_prefix"]) if randomized else b""
        prepared = blind_rsa.prepare(msg, randomized=randomized, rng=lambda _n, p=prefix: p)
        assert prepared == _hex(case["input_msg"]), label
        salt = _hex(case["salt"]) if salt_len else b""
        if "encoded_msg" in case:
            encoded = blind_rsa.emsa_pss_encode(prepared, n.bit_length() - 1, salt)
            assert encoded == _hex(case["encoded_msg"]), label
        r = pow(_int(case["inv"]), -1, n)
        blinded = blind_rsa.blind(pk, prepared, rng=lambda _n, s=salt: s, r=r)
        assert blinded.blinded_msg == _hex(case["blinded_msg"]), label
        assert blinded.inv == _hex(case["inv"]), label
        blind_sig = blind_rsa.blind_sign(n, e, d, blinded.blinded_msg)
        assert blind_sig == _hex(case["blind_sig"]), label
        assert blind_rsa.check_blind_signature(pk, blinded.blinded_msg, blind_sig)
        sig = blind_rsa.finalize(pk, prepared, blind_sig, blinded.inv)
        assert sig == _hex(case["sig"]), label
        assert blind_rsa.verify(pk, prepared, sig)
        assert not blind_rsa.verify(pk, prepared + b"x", sig), label
        assert not blind_rsa.verify(pk, msg if randomized else msg + b"x", sig), label


def test_a_round_trip_with_a_fresh_key_and_a_tampered_signature() -> None:
    key = blind_rsa.generate(2048)
    numbers = key.private_numbers()
    pk = blind_rsa.PublicKey(numbers.public_numbers.n, numbers.public_numbers.e)
    prepared = blind_rsa.prepare(b"a token")
    blinded = blind_rsa.blind(pk, prepared)
    blind_sig = blind_rsa.blind_sign(pk.n, pk.e, numbers.d, blinded.blinded_msg)
    sig = blind_rsa.finalize(pk, prepared, blind_sig, blinded.inv)
    assert blind_rsa.verify(pk, prepared, sig)
    bad = bytes([blind_sig[0] ^ 1]) + blind_sig[1:]
    assert not blind_rsa.check_blind_signature(pk, blinded.blinded_msg, bad)
    with pytest.raises(blind_rsa.BlindRsaError):
        blind_rsa.finalize(pk, prepared, bad, blinded.inv)
