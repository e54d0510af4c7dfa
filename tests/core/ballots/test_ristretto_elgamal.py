"""ristretto255 through libsodium against RFC 9496's vectors; ElGamal and its proofs."""

from __future__ import annotations

import pytest

from commonweal.core.ballots import elgamal
from commonweal.core.ballots import ristretto as group

# RFC 9496 appendix A.1: the encodings of 0·B … 15·B
MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496 appendix A.2: encodings that decoding must refuse
INVALID = [
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


def test_small_multiples_of_the_generator() -> None:
    expected = [bytes.fromhex(h) for h in MULTIPLES]
    assert [group.base_mul(n) for n in range(16)] == expected
    assert [group.mul(n, group.BASE) for n in range(16)] == expected
    assert elgamal.small_multiples(15) == expected
    assert group.add(expected[7], expected[8]) == expected[15]
    assert group.sub(expected[3], expected[5]) == group.neg(expected[2])
    assert group.base_mul(group.ORDER) == group.IDENTITY
    assert all(group.is_valid(p) for p in expected)


def test_invalid_encodings_are_refused() -> None:
    assert len(INVALID) == 29
    for encoding in INVALID:
        assert not group.is_valid(bytes.fromhex(encoding)), encoding
        with pytest.raises(group.InvalidPoint):
            group.decode(bytes.fromhex(encoding))


def _key() -> tuple[list[int], bytes]:
    secrets = [group.random_scalar() for _ in range(3)]
    return secrets, elgamal.combine([group.base_mul(x) for x in secrets])


def test_every_value_in_range_proves_and_decrypts() -> None:
    secrets, key = _key()
    for value in range(4):
        nonce = group.random_scalar()
        ct = elgamal.encrypt(key, value, nonce)
        proof = elgamal.prove_range(key, ct, value, nonce, 3, b"ctx")
        assert elgamal.check_range(key, ct, proof, 3, b"ctx")
        assert not elgamal.check_range(key, ct, proof, 3, b"another ballot")
        shares = [elgamal.decryption_share(x, ct, b"d") for x in secrets]
        assert elgamal.decrypt(ct, [d for d, _p in shares], 3) == value


def test_an_out_of_range_ciphertext_cannot_be_proven_in_range() -> None:
    _secrets, key = _key()
    nonce = group.random_scalar()
    ct = elgamal.encrypt(key, 2, nonce)  # proves as if it were 1: the OR-proof fails
    forged = elgamal.prove_range(key, ct, 1, nonce, 1, b"ctx")
    assert not elgamal.check_range(key, ct, forged, 1, b"ctx")


def test_a_wrong_decryption_share_fails_its_proof() -> None:
    secrets, key = _key()
    ct = elgamal.encrypt(key, 1, group.random_scalar())
    d, proof = elgamal.decryption_share(secrets[0], ct, b"d")
    share = group.base_mul(secrets[0])
    assert elgamal.check_decryption_share(share, ct, d, proof, b"d")
    wrong = group.add(d, group.BASE)
    assert not elgamal.check_decryption_share(share, ct, wrong, proof, b"d")
    assert elgamal.check_key(share, elgamal.prove_key(secrets[0], b"k"), b"k")
    assert not elgamal.check_key(share, elgamal.prove_key(secrets[1], b"k"), b"k")


# -- a second, independent implementation -------------------------------------------


def test_the_independent_group_passes_the_same_vectors() -> None:
    from tests.core.ballots import independent

    for n, encoding in enumerate(MULTIPLES):
        assert independent.encode(independent.mul(n, independent.B)) == bytes.fromhex(encoding)
    for encoding in INVALID:
        assert independent.decode(bytes.fromhex(encoding)) is None


def test_the_independent_verifier_accepts_real_proofs_and_refuses_tampered_ones() -> None:
    from tests.core.ballots import independent

    secrets, key = _key()
    nonce = group.random_scalar()
    ct = elgamal.encrypt(key, 2, nonce)
    proof = elgamal.prove_range(key, ct, 2, nonce, 3, b"ctx")
    assert independent.range_ok(key, ct.a, ct.b, proof, 3, b"ctx")
    tampered = [(proof[0][0], (proof[0][1] + 1) % group.ORDER), *proof[1:]]
    assert not independent.range_ok(key, ct.a, ct.b, tampered, 3, b"ctx")
    assert not independent.range_ok(key, ct.a, ct.b, proof, 3, b"other")
    share = group.base_mul(secrets[0])
    assert independent.key_ok(share, elgamal.prove_key(secrets[0], b"k"), b"k")
    parts = [elgamal.decryption_share(x, ct, b"d") for x in secrets]
    for x, (d, p) in zip(secrets, parts, strict=True):
        assert independent.share_ok(group.base_mul(x), ct.a, d, p, b"d")
        assert not independent.share_ok(group.base_mul(x), ct.a, group.add(d, group.BASE), p, b"d")
    assert independent.decrypt(ct.b, [d for d, _p in parts], 3) == 2
