"""Every page, in-process over the demo node: what a visitor and a signed-in member see,
the verifier's plain-language verdicts, downloads and QR codes, and error pages."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.web.pages import Demo, sign_in

PUBLIC = {
    "/": ["Riverside Commons", "How we decide", "Recent activity", "Amara Okafor"],
    "/constitution": ["Constitutional amendment", "Who votes: any member."],
    "/members": ["Dalia Haddad", "steward"],
    "/members?status=applicant": ["Jonas Berg"],
    "/proposals": ["Workshop opening hours", "Voting now", "Drafts"],
    "/proposals?phase=voting": ["What should we spend the spring on?"],
    "/log": ["Latest checkpoint", "Entries"],
    "/verify": ["Verify a credential"],
    "/key": ["Create my key", "Restore it"],
    "/join": ["Create my key", "2 members"],
    "/events/3": ["Proof that it is in the log"],
}


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_pages_show_the_community(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    for text in PUBLIC[path]:
        assert text in page.text, (path, text)
    assert page.text.count("<h1") == 1


def test_results_of_every_closed_method(client: TestClient, demo: Demo) -> None:
    closed = [p for p in client.get("/v1/proposals?phase=closed").json()["proposals"]]
    methods = set()
    for proposal in closed:
        page = client.get(f"/proposals/{proposal['id']}")
        assert page.status_code == 200
        assert 'data-testid="outcome"' in page.text and '<svg class="chart"' in page.text
        methods.add(proposal["rules"]["method"])
    assert {"yes_no", "schulze", "stv", "consent"} <= methods
    stv = next(p for p in closed if p["rules"]["method"] == "stv")
    assert "Count, stage by stage" in client.get(f"/proposals/{stv['id']}").text


def test_member_pages_need_a_session(client: TestClient) -> None:
    for path in ("/me/credentials", "/delegation", "/proposals/new", "/steward", "/me"):
        page = client.get(path)
        assert page.status_code == 401 and "Please sign in" in page.text, path


def test_a_member_sees_their_own_things(client: TestClient, demo: Demo) -> None:
    dids = demo[1]
    sign_in(client, dids["amara"])
    credentials = client.get("/me/credentials").text
    owed = [
        row
        for _key, row in demo[0].state.items("membership.credentials")
        if row["subject"] == dids["amara"]
    ]
    assert len(owed) >= 2  # membership and steward, and whatever she attended
    assert credentials.count('class="card credential"') == len(owed)
    assert "Role: steward" in credentials and "Attended: " in credentials
    delegation = client.get("/delegation").text
    assert "Chen Wei" in delegation  # chen trusts amara with everything
    voting = client.get("/v1/proposals?phase=voting").json()["proposals"][0]
    assert "You voted: <strong>" in client.get(f"/proposals/{voting['id']}").text
    steward = client.get("/steward").text
    assert "Jonas Berg" in steward and "Applied last week" in steward  # stewards read profiles
    assert 'data-event="node.profile.updated"' in steward
    log = client.get("/log").text
    assert "My receipts" in log and log.count("data-verify-entry") >= 10


def test_the_steward_console_is_for_stewards(client: TestClient, demo: Demo) -> None:
    sign_in(client, demo[1]["dalia"])
    page = client.get("/steward")
    assert page.status_code == 403 and "steward" in page.text
    assert 'href="/steward"' not in client.get("/").text


def test_vouching_shows_on_an_applicants_page(client: TestClient, demo: Demo) -> None:
    jonas = client.get("/v1/members?").json()["members"]
    applicant = next(m for m in jonas if m["status"] == "applicant")
    sign_in(client, demo[1]["bruno"])
    page = client.get(f"/members/{applicant['did']}").text
    assert "1 of 2" in page and 'data-event="membership.vouch.given"' in page
    sign_in(client, demo[1]["amara"])  # amara already vouched
    assert "You vouched for this applicant." in client.get(f"/members/{applicant['did']}").text


def test_verify_gives_a_plain_verdict(client: TestClient, demo: Demo) -> None:
    dids = demo[1]
    good = client.get(f"/members/{dids['dalia']}/credentials/1.json")
    assert good.headers["content-disposition"].startswith("attachment")
    verdict = client.post("/verify", data={"document": good.text})
    assert verdict.status_code == 200 and "Valid: this credential is genuine" in verdict.text
    revoked = client.get(f"/members/{dids['gio']}/credentials/1.json").text
    assert "Its issuer has revoked it" in client.post("/verify", data={"document": revoked}).text
    tampered = json.loads(good.text)
    tampered["credentialSubject"]["id"] = dids["gio"]
    answer = client.post("/verify", data={"document": json.dumps(tampered)}).text
    assert "Not valid" in answer and "changed since it was signed" in answer
    garbage = client.post("/verify", data={"document": "{not json"})
    assert garbage.status_code == 400 and "That is not JSON" in garbage.text
    presentation = json.dumps({"type": ["VerifiablePresentation"], "holder": dids["dalia"]})
    missing = client.post("/verify", data={"document": presentation}).text
    assert "give the challenge and the domain" in missing


def test_credential_qr_codes_and_error_pages(client: TestClient, demo: Demo) -> None:
    qr = client.get(f"/members/{demo[1]['dalia']}/credentials/1/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml" and qr.text.startswith("<svg")
    assert client.post("/qr.svg", content=b"x" * 3000).status_code == 400
    missing = client.get("/members/did:key:z6MkNobodyAtAll")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert client.get(f"/members/{demo[1]['dalia']}/credentials/9.json").status_code == 404
    bad = client.get("/proposals?phase=sometime")
    assert bad.status_code == 400 and "Phase must be one of" in bad.text


def test_the_steward_page_shows_the_address_the_node_is_served_at(
    client: TestClient, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The defect: the demo served on :8200 showed the public address :8000 (the one it
    was created with). The form offers the served address and says the profile lags."""
    node = demo[0]
    created_with = node.config.public_url
    assert created_with == "http://127.0.0.1:8000"
    monkeypatch.setattr(node, "config", replace(node.config, public_url="http://127.0.0.1:8200"))
    sign_in(client, demo[1]["amara"])
    steward = client.get("/steward").text
    assert 'name="url" value="http://127.0.0.1:8200"' in steward
    assert f"its profile still announces {created_with}" in steward
    assert "commonweal verify http://127.0.0.1:8200<" in steward
    assert steward.count(":8000") == 1  # only where it says the profile lags


def test_a_verdict_and_its_problems_in_the_readers_language(client: TestClient, demo: Demo) -> None:
    dids = demo[1]
    good = json.loads(client.get(f"/members/{dids['dalia']}/credentials/1.json").text)
    untyped = dict(good, type=["MembershipCredential"])  # a former f-string's problem
    shown = {"document": json.dumps(untyped)}
    english = client.post("/verify", data=shown).text
    assert "Not valid: this credential should not be trusted." in english
    assert "type must include VerifiableCredential" in english
    french = client.post("/verify", data=shown, headers={"Accept-Language": "fr"}).text
    assert "Non valide : il ne faut pas se fier à ce justificatif." in french
    assert "type doit inclure VerifiableCredential" in french
    arabic = client.post("/verify", data=shown, headers={"Accept-Language": "ar"}).text
    assert "يجب أن يتضمن type القيمة VerifiableCredential" in arabic
    revoked = client.get(f"/members/{dids['gio']}/credentials/1.json").text
    french = client.post("/verify", data={"document": revoked}, headers={"Accept-Language": "fr"})
    assert "Son émetteur l’a révoqué : il ne compte plus." in french.text
    assert "l’émetteur a révoqué ce justificatif" in french.text
