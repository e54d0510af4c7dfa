"""Network votes in a member node's pages: a member of Aster reads an alliance's open call
on Aster's own pages (the question, how to vote, the weighting in words) and casts a
ballot with the form the page offers; when voting closes the page shows Aster's subtotal,
and the alliance's result page says which subtotals it audited against each member's
log (from its verified mirror). A non-steward's recognition is refused over HTTP with a
403 problem naming the code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from commonweal.domain.federation import precincts
from commonweal.domain.federation.recognition import GRANTED
from commonweal.node.services.federation import mirror
from commonweal.node.services.federation.service import Federation
from commonweal.node.services.federation.vote_audit import AUDITED, PENDING, audit_from_mirrors
from commonweal.web.app import create_app
from tests.builders import Clock
from tests.domain.federation.test_alliance import Network
from tests.federation import recognition_body
from tests.web.pages import page, sign_in
from tests.web.test_network_pages import Bridge


@pytest.fixture
def network(tmp_path: Path, clock: Clock) -> Iterator[tuple[Network, int]]:
    network = Network(tmp_path, clock, "per_capita")
    vote = network.call("network", ["adopt"])
    network.open(vote)
    yield network, vote
    network.close_nodes()


def _form(text: str) -> str:
    start = text.index('data-event="federation.precinct.ballot.cast"')
    return text[text.rindex("<form", 0, start) : text.index("</form>", start)]


def test_a_member_reads_the_call_and_votes_on_her_own_node(network: tuple[Network, int]) -> None:
    network_, vote = network
    aster = network_.nodes["Aster"]
    precinct = network_.precinct["Aster"]
    with TestClient(create_app(aster.node, background_checkpoints=False)) as client:
        home = page(client, "/")
        assert f'href="/network/precincts/{precinct}">Join the seed bank</a>' in home
        listed = page(client, "/network")
        assert f'href="/network/precincts/{precinct}"' in listed and "open" in listed
        on_its_page = page(client, f"/network/{network_.alliance.did}")
        assert f'href="/network/precincts/{precinct}"' in on_its_page
        signed_out = page(client, f"/network/precincts/{precinct}")
        assert "Do you agree with “Join the seed bank”?" in signed_out
        assert "Every ballot anywhere in the network counts once" in signed_out
        assert "a yes/no vote" in signed_out
        assert 'data-testid="sign-in-to-vote"' in signed_out
        assert "data-event" not in signed_out.split("<main", 1)[1]
        alice = aster.member("alice")
        sign_in(client, alice)
        form = _form(page(client, f"/network/precincts/{precinct}"))
        assert 'data-body="ballot"' in form
        hidden = re.search(r'name="(\w+)" value="(\d+)" data-type="int" data-ballot-for', form)
        assert hidden is not None and hidden.groups() == ("precinct", str(precinct))
        assert 'value="yes"' in form and 'value="no"' in form
        # What proposal.js builds from that form: {precinct, ballot: {choice}}.
        cast = {"precinct": precinct, "ballot": {"choice": "no"}}
        aster.act("alice", precincts.BALLOT_CAST, cast)
        voted = page(client, f"/network/precincts/{precinct}")
        assert "You voted: <strong>no</strong>" in voted
        assert "Change my ballot" in voted and "1 ballot cast so far" in voted
        assert re.search(r'id="choice-no" name="choice" value="no" required checked', voted)
        shown = client.get(f"/v1/federation/precincts/{precinct}").json()
        assert shown["ballots"] == {alice: {"choice": "no"}} and shown["vote"] == vote
        missing = client.get("/v1/federation/precincts/99999")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        assert page(client, "/network/precincts/99999", 404)


def test_the_subtotal_and_the_audited_result(network: tuple[Network, int], tmp_path: Path) -> None:
    network_, vote = network
    for node, members in (("Aster", 5), ("Birch", 3), ("Cedar", 4)):
        for n, member in enumerate(("alice", "bob", "carol", "dan", "eve")[:members]):
            network_.ballot(node, member, {"choice": "yes" if n % 2 else "no"})
    network_.clock.advance(seconds=3600)
    network_.close_and_report(vote)
    network_.close(vote)
    aster = network_.nodes["Aster"]
    hub = network_.alliance
    with TestClient(create_app(aster.node, background_checkpoints=False)) as client:
        closed = page(client, f"/network/precincts/{network_.precinct['Aster']}")
        assert "5 of 5 members voted" in closed
        assert "<li>no: 3</li>" in closed and "<li>yes: 2</li>" in closed
        assert "Cast my ballot" not in closed
    # The alliance recognises and mirrors Aster only: Aster's subtotal is audited from the
    # mirror, the two others wait for an audit from outside.
    hub.node.submit_as_node(GRANTED, recognition_body(aster.node, mirror=True, visitors=[]))
    on_hub, on_aster = Federation(hub.node), Federation(aster.node)
    bridge = Bridge(aster, on_aster, hub)
    on_hub.client = lambda url, signed=True: bridge  # type: ignore[method-assign,assignment,misc]
    aster.node.checkpoint()
    (aster_peer,) = on_hub.recognitions()
    mirror.sync(on_hub, aster_peer)
    audits = audit_from_mirrors(on_hub, vote)
    assert audits[aster.node.identity.key_did]["status"] == AUDITED
    assert [a["status"] for a in audits.values()].count(PENDING) == 2
    with TestClient(create_app(hub.node, background_checkpoints=False)) as client:
        home = page(client, "/")  # the alliance's decisions are its network votes
        assert re.search(r'data-testid="figure-decided"><a href="/network/votes">1<', home)
        assert 'data-testid="figure-voting"' not in home  # no proposals' figures
        one = page(client, f"/network/votes/{vote}")
        assert one.count('data-testid="audit-audited"') == 1
        assert one.count('data-testid="audit-pending"') == 2
        served = client.get(f"/v1/federation/votes/{vote}/audit").json()
        assert served["precincts"] == audits
        assert client.get("/v1/federation/votes/99999/audit").status_code == 404
    for federation in (on_hub, on_aster):
        federation.close()


def test_a_tampered_report_fails_the_audit(network: tuple[Network, int]) -> None:
    """The check the mirror audit runs refuses a subtotal its log does not say."""
    from commonweal.client.alliance_audit import AuditFailure, check_precinct_entries

    network_, vote = network
    aster = network_.nodes["Aster"]
    precinct = network_.precinct["Aster"]
    opened = {"type": precincts.OPENED, "body": {"alliance": network_.alliance.did, "vote": vote}}
    subtotal = {"electorate": 5, "ballots": 1, "patterns": [[{"choice": "yes"}, 1]]}
    closed = {"type": precincts.CLOSED, "body": {"precinct": precinct, "subtotal": subtotal}}
    source = {"origin": aster.node.identity.origin, "precinct": precinct, "closed": precinct + 1}
    people = [[f"{n:064x}", 0 if n == 1 else None] for n in range(1, 6)]
    report = {**subtotal, "source": source, "people": people}
    check_precinct_entries(opened, closed, report, network_.alliance.did, vote)
    inflated = {**report, "ballots": 2, "patterns": [[{"choice": "yes"}, 2]]}
    with pytest.raises(AuditFailure, match="differs from the node's log"):
        check_precinct_entries(opened, closed, inflated, network_.alliance.did, vote)
    with pytest.raises(AuditFailure, match="another vote"):
        check_precinct_entries(opened, closed, report, network_.alliance.did, vote + 1)
    with pytest.raises(AuditFailure, match="people do not match"):
        check_precinct_entries(
            opened, closed, {**report, "people": people[1:]}, network_.alliance.did, vote
        )


def test_a_non_steward_is_refused_over_http(network: tuple[Network, int]) -> None:
    """A member in good standing without the steward's permission signs a recognition:
    the API answers 403 with the code, and nothing is logged."""
    network_, _vote = network
    birch = network_.nodes["Birch"]
    aster = network_.nodes["Aster"]
    # Aster's members are founders (stewards); a newcomer is admitted by open admission.
    from commonweal.core.commitment import commitment, new_salt
    from commonweal.node.services import membership

    profile = {"display_name": "Dora"}
    salt = new_salt()
    event = aster.events.event(
        "dora",
        type="membership.application.submitted",
        body={"commitment": commitment(profile, salt)},
    )
    membership.apply(aster.node, event, profile, salt)
    size = aster.node.size
    signed = aster.events.event("dora", type=GRANTED, body=recognition_body(birch.node))
    with TestClient(create_app(aster.node, background_checkpoints=False)) as client:
        answer = client.post(
            "/v1/events",
            content=orjson.dumps(signed),
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 403, answer.text
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert problem["code"] == "forbidden" and "federation.recognize" in problem["detail"]
        alliance_page = f"/network/{network_.alliance.did}"
        sign_in(client, aster.member("alice"))  # a steward is offered the acts…
        assert 'data-testid="steward-acts"' in page(client, alliance_page)
        assert 'data-body="recognition-document"' in page(client, "/network")
        sign_in(client, aster.member("dora"))  # …a member who is not one is not
        for path in ("/network", alliance_page):
            assert 'data-testid="steward-acts"' not in page(client, path)
    assert aster.node.size == size
    # The steward recognises Birch from its identity document: what network.js builds
    # from the pasted /.well-known/commonweal (its did is the recognition's node).
    with TestClient(create_app(birch.node, background_checkpoints=False)) as other:
        document = other.get("/.well-known/commonweal").json()
    fields = ("key", "origin", "vkey", "witness", "url", "name")
    body = {"node": document["did"], **{k: document[k] for k in fields}, "terms": {}}
    aster.act("alice", GRANTED, body)
    with TestClient(create_app(aster.node, background_checkpoints=False)) as client:
        assert f'href="/network/{birch.did}">Birch</a>' in page(client, "/network")
