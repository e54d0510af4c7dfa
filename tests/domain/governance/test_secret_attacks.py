"""Secret ballots under attack: each refused with its code, and nothing written.

Also: delegation meets secrecy (a token holder's delegation no longer applies, and
nothing is counted twice), a member teller's share, and decryption only after the close.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonweal.core.ballots import elgamal, ristretto, wire
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.domain.catalog import default_registry
from commonweal.domain.governance.secret_records import context, proof_text
from commonweal.node.kernel.errors import Rejected
from commonweal.node.kernel.verify import verify_log
from commonweal.node.services import secret_ballots
from tests.builders import Clock
from tests.community import Community
from tests.governance import delegate, draft, rules, submit, to_voting
from tests.governance import vote as public_vote
from tests.secret import cast, close, open_secret, run_due, sealed_event, secret_town, token
from tests.secret import vote as secret_vote

YES = {"choice": "yes"}


@pytest.fixture
def town(tmp_path: Path, clock: Clock) -> Iterator[Community]:
    yield from secret_town(tmp_path, clock)


def _secret_decision(town: Community, title: str = "Secret decision") -> int:
    proposal = draft(town, kind="yes-no-secret", title=title)
    submit(town, proposal)
    return proposal


def _open(town: Community, *proposals: int) -> None:
    to_voting(town, proposals[0])
    open_secret(town)


def _refused(town: Community, event: dict[str, Any]) -> str:
    size = town.node.size
    with pytest.raises(Rejected) as refusal:
        cast(town, event)
    assert town.node.size == size  # nothing written
    return refusal.value.code


def test_a_token_is_used_once(town: Community) -> None:
    proposal = _secret_decision(town)
    _open(town, proposal)
    ticket = token(town, "dana", proposal)
    cast(town, sealed_event(town, proposal, YES, ticket))
    assert _refused(town, sealed_event(town, proposal, {"choice": "no"}, ticket)) == "token_used"
    assert town.refused("dana", "governance.ballot.token.requested", _request(town, proposal)) == (
        "token_requested"
    )


def _request(town: Community, proposal: int) -> dict[str, Any]:
    view = secret_ballots.vote_view(town.node, proposal)
    from commonweal.client.secret_ballot import start_token

    return start_token(view)[1]


def test_forged_and_misdirected_tokens_are_refused(town: Community) -> None:
    first = _secret_decision(town, "First")
    second = _secret_decision(town, "Second")
    _open(town, first, second)
    ticket = token(town, "dana", first)
    forged = {**ticket, "signature": wire.b64u(secrets.token_bytes(256))}
    assert _refused(town, sealed_event(town, first, YES, forged)) == "invalid_token"
    other_prefix = {**ticket, "prefix": wire.b64u(secrets.token_bytes(32))}
    assert _refused(town, sealed_event(town, first, YES, other_prefix)) == "invalid_token"
    # a valid token of the first proposal, on the second: its message names the first
    event = sealed_event(town, first, YES, ticket)
    event["body"]["proposal"] = second
    resigned = _resign(town, event)
    assert _refused(town, resigned) == "wrong_token"
    # a token message naming another node (signed by this node's key: still refused)
    message = wire.token_prefix("did:web:elsewhere.example", first) + bytes(32)
    elsewhere = {**ticket, "message": wire.b64u(message)}
    assert _refused(town, sealed_event(town, first, YES, elsewhere)) == "wrong_token"
    cast(town, sealed_event(town, first, YES, ticket))  # the real one still works


def _resign(town: Community, event: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in event.items() if k not in ("sig", "author")}
    return sign_event(SigningKey.generate(), **{**unsigned, "type": event["type"]})


def test_after_the_close_and_by_the_ineligible(town: Community) -> None:
    proposal = _secret_decision(town)
    _open(town, proposal)
    outsider = town.refused("zed", "governance.ballot.token.requested", _request(town, proposal))
    assert outsider == "not_a_member"
    ticket = token(town, "dana", proposal)
    town.clock.advance(seconds=rules(town, proposal)["voting_seconds"])
    assert _refused(town, sealed_event(town, proposal, YES, ticket)) == "voting_closed"


def test_malformed_and_out_of_range_ballots_are_refused_by_their_proofs(town: Community) -> None:
    proposal = _secret_decision(town)
    _open(town, proposal)
    ticket = token(town, "dana", proposal)
    good = sealed_event(town, proposal, YES, ticket)
    view = secret_ballots.vote_view(town.node, proposal)
    key = wire.point(view["joint_key"])
    used = hashlib.sha256(wire.from_b64u(ticket["message"])).hexdigest()
    # a ciphertext of 7 (a yes/no field holds 0, 1 or 2) with a proof made as if it were 1
    nonce = ristretto.random_scalar()
    ct = elgamal.encrypt(key, 7, nonce)
    where = context(view["node"], proposal, used, 0)
    proofs = elgamal.prove_range(key, ct, 1, nonce, 2, where)
    body = copy.deepcopy(good["body"])
    body["fields"] = [
        {"a": wire.b64u(ct.a), "b": wire.b64u(ct.b), "proof": [proof_text(p) for p in proofs]}
    ]
    assert _refused(town, _with_body(town, body)) == "invalid_proof"
    # a point that is not a ristretto255 encoding
    body = copy.deepcopy(good["body"])
    body["fields"][0]["a"] = wire.b64u(bytes.fromhex("ff" * 31 + "7f"))
    assert _refused(town, _with_body(town, body)) == "invalid_body"
    # too many fields for the method
    body = copy.deepcopy(good["body"])
    body["fields"] = body["fields"] * 2
    assert _refused(town, _with_body(town, body)) == "invalid_ballot"
    # the good proof moved to another ballot's token: bound to the nullifier, so refused
    other = token(town, "erin", proposal)
    body = copy.deepcopy(good["body"])
    body["token"] = other
    assert _refused(town, _with_body(town, body)) == "invalid_proof"
    cast(town, good)


def _with_body(town: Community, body: dict[str, Any]) -> dict[str, Any]:
    return sign_event(
        SigningKey.generate(),
        type="governance.ballot.sealed",
        node=town.node.identity.did,
        seq=1,
        at=format_utc(town.clock()),
        body=body,
    )


def test_a_wrong_decryption_share_and_an_early_one_are_refused(town: Community) -> None:
    town.act("alice", "membership.role.defined", {"name": "teller", "permissions": []})
    town.act("alice", "membership.role.granted", {"member": town.did("bob"), "role": "teller"})
    proposal = _secret_decision(town)
    secret = ristretto.random_scalar()
    where = context(town.node.identity.did, proposal, town.did("bob"))
    share_body = {
        "proposal": proposal,
        "key": wire.b64u(ristretto.base_mul(secret)),
        "proof": proof_text(elgamal.prove_key(secret, where)),
    }
    assert town.refused("carol", "governance.teller.key.published", share_body) == "forbidden"
    town.act("bob", "governance.teller.key.published", share_body)
    _open(town, proposal)
    vote = town.node.state.get("governance.secret", proposal)
    assert sorted(vote["tellers"]) == sorted([town.node.identity.did, town.did("bob")])
    index = secret_vote(town, "dana", proposal, YES).index
    sealed = town.node.state.get(f"governance.secret.ballots.{proposal}", index)
    early = {
        "proposal": proposal,
        "ballots": _bob_shares(town, proposal, secret, index, sealed["fields"]),
    }
    assert town.refused("bob", "governance.teller.decrypted", early) == "too_early"
    town.clock.advance(seconds=rules(town, proposal)["voting_seconds"])
    run_due(town)  # the node posts its own shares; the vote waits for bob's
    assert town.node.state.get("governance.proposals", proposal)["phase"] == "voting"
    wrong = _bob_shares(town, proposal, ristretto.random_scalar(), index, sealed["fields"])
    bad = {"proposal": proposal, "ballots": wrong}
    assert town.refused("bob", "governance.teller.decrypted", bad) == "invalid_share"
    assert town.refused("carol", "governance.teller.decrypted", early) == "forbidden"
    town.act("bob", "governance.teller.decrypted", early)
    run_due(town)
    result = town.node.state.get("governance.proposals", proposal)["outcome"]
    assert result["passed"] and result["direct_voters"] == 1
    assert result["secret"]["tellers"] == sorted([town.node.identity.did, town.did("bob")])
    assert verify_log(town.node.store, default_registry()).ok


def _bob_shares(
    town: Community, proposal: int, secret: int, index: int, fields: list[list[str]]
) -> list[dict[str, Any]]:
    """Shares as bob posts them: the context names the node, as every teller's does."""
    return secret_ballots.shares_for(town.node.identity.did, proposal, secret, [(index, fields)])


def test_delegation_meets_secrecy(town: Community) -> None:
    proposal = _secret_decision(town)
    for name in ("dana", "erin", "fay"):
        delegate(town, name, "alice")
    _open(town, proposal)
    public_vote(town, "alice", proposal, {"choice": "no"})  # a delegate votes openly
    secret_vote(town, "dana", proposal, YES)  # a delegator overrides in secret
    assert (
        town.refused("dana", "governance.ballot.cast", {"proposal": proposal, "ballot": YES})
        == "secret_voter"
    )
    assert town.refused("alice", "governance.ballot.token.requested", _request(town, proposal)) == (
        "public_ballot"
    )
    from commonweal.node.services import governance

    path = governance.vote_path(town.node, proposal, town.did("dana"))
    assert path["secret_token"] and path["ballot"] is None and "chain" not in path
    assert governance.proposal_view(town.node, proposal)["secret"]["sealed_ballots"] == 1
    result = close(town, proposal)
    # alice carries erin and fay, not dana; dana's secret yes counts once
    assert result["direct_voters"] == 2
    assert result["delegated_weight"] == 2
    assert result["participating"] == 4
    assert verify_log(town.node.store, default_registry()).ok


def test_the_close_carries_a_recount_of_exactly_the_sealed_ballots(town: Community) -> None:
    proposal = _secret_decision(town)
    _open(town, proposal)
    for name, choice in (("dana", "yes"), ("erin", "no"), ("fay", "yes")):
        secret_vote(town, name, proposal, {"choice": choice})
    result = close(town, proposal)
    assert result["secret"] == {
        "tellers": [town.node.identity.did],
        "tokens_issued": 3,
        "sealed_ballots": 3,
        "spoiled": [],
    }
    assert result["direct_voters"] == 3 and result["passed"]
    entries = [e.type for e in town.node.store.entries(0, town.node.size)]
    assert entries.count("governance.ballot.sealed") == 3
    assert entries.count("governance.teller.decrypted") == 1


def test_a_recount_from_the_store_matches_the_close(town: Community) -> None:
    from commonweal.node.services import governance

    proposal = _secret_decision(town)
    delegate(town, "gus", "alice")
    _open(town, proposal)
    public_vote(town, "alice", proposal, {"choice": "no"})
    for name, choice in (("dana", "yes"), ("erin", "no"), ("fay", "yes")):
        secret_vote(town, name, proposal, {"choice": choice})
    result = close(town, proposal)
    recount = governance.recount_from_store(town.node.store, proposal, town.node.identity.did)
    assert recount == result


def test_verify_catches_a_wrong_decryption_share_or_tally_that_got_into_a_log(
    town: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node running altered rules logs a wrong share and a wrong result; verify's replay,
    with the real rules, refuses both."""
    from commonweal.domain.governance import closing

    town.act("alice", "membership.role.defined", {"name": "teller", "permissions": []})
    town.act("alice", "membership.role.granted", {"member": town.did("bob"), "role": "teller"})
    proposal = _secret_decision(town)
    secret = ristretto.random_scalar()
    where = context(town.node.identity.did, proposal, town.did("bob"))
    town.act(
        "bob",
        "governance.teller.key.published",
        {
            "proposal": proposal,
            "key": wire.b64u(ristretto.base_mul(secret)),
            "proof": proof_text(elgamal.prove_key(secret, where)),
        },
    )
    _open(town, proposal)
    index = secret_vote(town, "dana", proposal, {"choice": "no"}).index
    fields = town.node.state.get(f"governance.secret.ballots.{proposal}", index)["fields"]
    town.clock.advance(seconds=rules(town, proposal)["voting_seconds"])
    monkeypatch.setattr(elgamal, "check_decryption_share", lambda *_args: True)
    real_count = closing.count

    def flipped(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result = real_count(*args, **kwargs)
        return {**result, "direct_voters": result["direct_voters"] + 1}

    monkeypatch.setattr(closing, "count", flipped)
    monkeypatch.setattr("commonweal.node.services.governance.count", flipped)
    wrong = _bob_shares(town, proposal, (secret + 1) % ristretto.ORDER, index, fields)
    town.act("bob", "governance.teller.decrypted", {"proposal": proposal, "ballots": wrong})
    run_due(town)
    run_due(town)
    assert town.node.state.get("governance.proposals", proposal)["phase"] == "closed"
    monkeypatch.undo()
    report = verify_log(town.node.store, default_registry())
    assert not report.ok
    assert "invalid_share" in str(report) or "decryption share" in str(report)


def test_verify_catches_a_wrong_secret_result(
    town: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commonweal.domain.governance import closing

    proposal = _secret_decision(town)
    _open(town, proposal)
    secret_vote(town, "dana", proposal, {"choice": "no"})
    real_count = closing.count

    def padded(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result = real_count(*args, **kwargs)
        return {**result, "direct_voters": result["direct_voters"] + 1}

    monkeypatch.setattr(closing, "count", padded)
    monkeypatch.setattr("commonweal.node.services.governance.count", padded)
    assert close(town, proposal)["direct_voters"] == 2
    monkeypatch.undo()
    report = verify_log(town.node.store, default_registry())
    assert not report.ok
    assert "tally_mismatch" in str(report) or "recount" in str(report)


def test_the_page_of_a_secret_vote_offers_no_public_ballot(town: Community) -> None:
    from fastapi.testclient import TestClient

    from commonweal.web.app import create_app
    from tests.web.pages import sign_in

    proposal = _secret_decision(town)
    _open(town, proposal)
    with TestClient(create_app(town.node, background_checkpoints=False)) as client:
        sign_in(client, town.did("dana"))
        html = client.get(f"/proposals/{proposal}").text
    assert 'data-testid="secret-ballot"' in html and "This vote is secret" in html
    assert f'data-secret-ballot="{proposal}"' in html  # sealed in the page, not signed
    assert f"commonweal vote {proposal} " in html
    assert 'data-event="governance.ballot.cast"' not in html
    assert 'data-event="governance.ballot.sealed"' not in html  # never by the member's key


@pytest.mark.parametrize("fields", [1, 5, 11])
def test_a_batch_of_decryption_shares_fits_in_one_event(fields: int) -> None:
    import orjson

    key = ristretto.base_mul(ristretto.random_scalar())
    ct = elgamal.encrypt(key, 1, ristretto.random_scalar())
    one = [wire.b64u(ct.a), wire.b64u(ct.b)]
    size = secret_ballots.share_batch(fields)
    batch = [(10**9 + n, [one] * fields) for n in range(size)]
    shares = secret_ballots.shares_for("did:web:a-long-node-name.example", 10**9, 7, batch)
    body = {"proposal": 10**9, "ballots": shares}
    envelope = 600  # type, node, author, seq, at, sig
    assert len(orjson.dumps(body)) + envelope < 65_536
