"""What the pages must refuse: tampered and forged events from the page itself, acts by a
signed-out visitor or by someone who is not a member, and cross-site session requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.web.browser.live import LiveNode
from tests.web.browser.steps import Shots, create_key, new_page, restore_key, watch_errors

SIGN_AND_POST = """async ({change}) => {
  const { loadKey } = await import('/static/js/keystore.js');
  const { signEvent, nodeDid } = await import('/static/js/events.js');
  const key = await loadKey();
  const last = await (await fetch(`/v1/authors/${key.did}`)).json();
  const event = await signEvent(key, {
    type: 'notary.document.attested', node: nodeDid(), seq: last.last_seq + 1,
    at: new Date().toISOString().replace(/\\.\\d+Z$/, 'Z'),
    body: {digest: 'sha256:' + 'ab'.repeat(32), title: 'Minutes'},
  });
  const sent = change(event);
  const response = await fetch('/v1/events', {method: 'POST', body: JSON.stringify(sent)});
  return {status: response.status, problem: await response.json()};
}"""

CHANGES = {
    "tampered body": "e => ({...e, body: {...e.body, title: 'Forged minutes'}})",
    "forged author": "e => ({...e, author: document.querySelector('meta[name=bob]').content})",
    "another node": "e => ({...e, node: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'})",  # noqa: E501
    "signature of another event": "e => ({...e, seq: e.seq + 1})",
}
CODES = {
    "tampered body": "bad_signature",
    "forged author": "bad_signature",
    "another node": "wrong_node",
    "signature of another event": "bad_signature",
}


@pytest.mark.slow
def test_forged_and_tampered_events_from_the_page_are_refused(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)
    restore_key(page, live.url, live.keys["alice"], "alice key passphrase")
    page.evaluate(
        "did => { const m = document.createElement('meta'); m.name = 'bob'; m.content = did;"
        " document.head.append(m); }",
        live.dids["bob"],
    )
    size = live.get("/.well-known/commonweal")["size"]
    for what, change in CHANGES.items():
        answer = page.evaluate(
            SIGN_AND_POST.replace("change(event)", f"({change})(event)"), {"change": None}
        )
        assert answer["status"] in (409, 422), (what, answer)
        assert answer["problem"]["code"] == CODES[what], (what, answer)
        assert answer["problem"]["detail"], what
    assert live.get("/.well-known/commonweal")["size"] == size  # nothing was logged

    # A script that changes an event after it was signed (here: on its way to the node)
    # gets the node's refusal, explained on the page.
    def tamper(route: Route) -> None:
        event = json.loads(route.request.post_data or "{}")
        event["body"]["name"] = "Captured Guild"
        route.continue_(post_data=json.dumps(event))

    page.route("**/v1/events", tamper)
    page.goto(f"{live.url}/steward")
    page.get_by_label("Name", exact=True).fill("Harbour Guild (renamed)")
    page.get_by_role("button", name="Update the profile").click()
    expect(page.locator("[data-errors]").filter(has_text="signature")).to_contain_text(
        "changed after it was signed"
    )
    shot(page, "tampered-refused")
    page.unroute("**/v1/events")
    assert live.get("/.well-known/commonweal")["name"] == "Harbour Guild"

    # Untouched, the same form works: a steward may update the node's profile.
    page.get_by_role("button", name="Update the profile").click()
    expect(page.locator("#status .message.success")).to_be_visible()
    assert live.get("/.well-known/commonweal")["name"] == "Harbour Guild (renamed)"
    assert errors == []
    context.close()


@pytest.mark.slow
def test_a_signed_out_visitor_and_a_stranger_cannot_act(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, page = new_page(browser)
    errors = watch_errors(page)
    for path in ("/proposals/new", "/delegation", "/me/credentials", "/steward"):
        response = page.goto(live.url + path)
        assert response is not None and response.status == 401, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Please sign in")
    shot(page, "sign-in-needed")
    page.goto(f"{live.url}/members/{live.dids['bob']}")
    assert page.locator("form[data-event]").count() == 0
    outcome = page.evaluate(
        """async () => {
          const { act } = await import('/static/js/events.js');
          const body = {digest: 'sha256:' + '00'.repeat(32)};
          try { await act('notary.document.attested', body); return 'acted'; }
          catch (e) { return e.message; }
        }"""
    )
    assert "holds no key" in outcome
    # No session can be opened from another site, nor without a valid answer.
    evil = live.client.post(
        "/session/challenge",
        headers={"Origin": "http://evil.example", "Content-Type": "application/json"},
        content=b"{}",
    )
    assert evil.status_code == 403 and evil.json()["code"] == "cross_site"
    form_post = live.client.post("/session", data={"holder": live.dids["alice"]})
    assert form_post.status_code == 403
    forged = live.client.post(
        "/session",
        json={"holder": live.dids["alice"], "proof": {"challenge": "made.up"}},
    )
    assert forged.status_code == 401 and forged.json()["code"] == "sign_in_failed"

    # A stranger with a key of their own is signed in, but the node refuses their acts.
    did = create_key(page, live.url, "stranger passphrase")
    cookie = next(c for c in context.cookies() if c["name"] == "cw_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "cw_session" not in page.evaluate("document.cookie")
    page.goto(f"{live.url}/delegation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegation")
    # the page offers no form they could not use, and says why
    expect(page.get_by_test_id("members-only")).to_contain_text("Only members in good standing")
    assert page.locator("form[data-event]").count() == 0
    shot(page, "stranger-told")
    # and the node refuses the act itself, signed with their key all the same
    refused = page.evaluate(
        """async (trustee) => {
          const { act } = await import('/static/js/events.js');
          try { await act('governance.delegation.set', {scope: 'node', trustee}); return {}; }
          catch (e) { return {status: e.status, code: e.code}; }
        }""",
        live.dids["alice"],
    )
    assert refused == {"status": 403, "code": "not_a_member"}, refused
    assert live.get(f"/v1/members/{live.dids['alice']}/delegations")["incoming"] == []
    assert did not in {m["did"] for m in live.get("/v1/members")["members"]}
    assert errors == []
    context.close()
