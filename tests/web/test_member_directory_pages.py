"""The member directory a page at a time: every member once, bad cursors refused, and a
page's cost (in database statements) independent of how many members the node has."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from commonweal.node.services import member_directory
from commonweal.web.app import create_app
from tests.community import FOUNDERS, Community
from tests.web.paging import FOLLOWING_THREADS


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def applicants(community: Community, names: list[str]) -> None:
    for name in names:
        community.apply(name, display_name=name.title(), show_name=name.endswith("0"))


def walk(client: TestClient, path: str, between: Any = None) -> list[dict[str, Any]]:
    """Every entry, following ``next``; ``between`` runs after the first page."""
    seen: list[dict[str, Any]] = []
    response = client.get(path)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(body["members"])
        if between is not None:
            between()
            between = None
        if body["next"] is None:
            assert "link" not in response.headers
            return seen
        link = re.fullmatch(r'<([^>]+)>; rel="next"', response.headers["link"])
        assert link is not None and body["next"] in link.group(1)
        response = client.get(link.group(1))


def test_pages_walk_everyone_once_even_when_people_join_meanwhile(
    client: TestClient, community: Community
) -> None:
    applicants(community, [f"early{i}" for i in range(11)])
    late = [f"late{i}" for i in range(5)]
    seen = walk(client, "/v1/members?limit=4", between=lambda: applicants(community, late))
    dids = [entry["did"] for entry in seen]
    expected = {community.did(name) for name in [*FOUNDERS, *(f"early{i}" for i in range(11))]}
    expected |= {community.did(name) for name in late}
    assert len(dids) == len(set(dids)) == len(expected) == 19 and set(dids) == expected
    order = [(entry["applied"], entry["did"]) for entry in seen]
    assert order == sorted(order)
    names = {entry["did"]: entry["name"] for entry in seen}
    assert names[community.did("early1")] is None and names[community.did("early0")] == "Early0"


def test_without_a_cursor_the_first_page_and_a_next(
    client: TestClient, community: Community
) -> None:
    applicants(community, [f"p{i}" for i in range(member_directory.DEFAULT_PAGE)])
    body = client.get("/v1/members").json()
    assert len(body["members"]) == member_directory.DEFAULT_PAGE and body["next"]
    rest = client.get("/v1/members", params={"cursor": body["next"]}).json()
    assert len(rest["members"]) == len(FOUNDERS) and rest["next"] is None
    everyone = client.get(f"/v1/members?limit={member_directory.MAX_PAGE}").json()
    assert everyone["next"] is None and len(everyone["members"]) == 103


def test_status_filter_pages_hold_only_that_status(
    client: TestClient, community: Community
) -> None:
    applicants(community, [f"a{i}" for i in range(6)])
    members = walk(client, "/v1/members?status=member&limit=2")
    assert {m["did"] for m in members} == {community.did(n) for n in FOUNDERS}
    waiting = walk(client, "/v1/members?status=applicant&limit=1")
    assert [m["status"] for m in waiting] == ["applicant"] * 6


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cursor=not-a-cursor!", "invalid_cursor"),
        ("cursor=WzEsMl0", "invalid_cursor"),  # [1,2]: the wrong shape
        ("cursor=" + "A" * 600, "invalid_request"),
        ("limit=0", "invalid_request"),
        (f"limit={member_directory.MAX_PAGE + 1}", "invalid_request"),
        ("limit=ten", "invalid_request"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/members", "/members"])
def test_bad_cursor_or_limit_is_a_400_problem(
    client: TestClient, path: str, query: str, code: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    if path.startswith("/v1/") or code == "invalid_request":
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
    else:  # a page answers a person a refusal of the node's rules as a page
        assert response.headers["content-type"].startswith("text/html")


def statements_for(client: TestClient, community: Community, path: str) -> int:
    counted: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread().name not in FOLLOWING_THREADS:
            counted.append(statement)

    engine = community.node.store.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def test_a_page_costs_the_same_statements_however_many_members(
    client: TestClient, community: Community
) -> None:
    from tests.governance import draft, submit, to_voting

    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    pages = (
        "/v1/members?limit=5",
        "/members?status=all&limit=5",
        "/members?limit=5",
        "/v1/proposals",
        f"/v1/proposals/{proposal}",
        f"/proposals/{proposal}",
        f"/v1/proposals/{proposal}/ballots?limit=5",
    )
    applicants(community, [f"s{i}" for i in range(7)])
    small = {path: statements_for(client, community, path) for path in pages}
    applicants(community, [f"b{i}" for i in range(60)])
    large = {path: statements_for(client, community, path) for path in pages}
    assert large == small, (small, large)
    assert small["/v1/members?limit=5"] <= 1  # the page's profiles, in one query


def test_the_page_links_to_the_next_one(client: TestClient, community: Community) -> None:
    applicants(community, [f"h{i}0" for i in range(6)])  # shown names: H00 … H50
    first = client.get("/members?status=all&limit=4")  # the 3 founders, then H00
    assert first.status_code == 200 and "H00" in first.text and "H10" not in first.text
    link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first.text)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&"))
    assert "H10" in second.text and "H40" in second.text and "H00" not in second.text
    assert "First page" in second.text and 'rel="next"' in second.text  # H50 is left


def test_ballot_pages_list_every_voter_once(client: TestClient, community: Community) -> None:
    from tests.governance import admit, draft, submit, to_voting, vote

    voters = [f"v{i}" for i in range(5)]
    admit(community, *voters)
    proposal = draft(community)
    submit(community, proposal)
    to_voting(community, proposal)
    for name in ["alice", "bob", *voters[:3]]:
        vote(community, name, proposal, {"choice": "yes"})
    path = f"/v1/proposals/{proposal}/ballots"
    first = client.get(path, params={"limit": 2}).json()
    assert len(first["ballots"]) == 2 and first["next"]
    for name in voters[3:]:  # vote between two page reads
        vote(community, name, proposal, {"choice": "no"})
    community.act("bob", "governance.ballot.withdrawn", {"proposal": proposal})
    seen = list(first["ballots"])
    cursor = first["next"]
    while cursor:
        page = client.get(path, params={"limit": 2, "cursor": cursor}).json()
        seen.extend(page["ballots"])
        cursor = page["next"]
    voters_seen = [b["voter"] for b in seen]
    assert voters_seen == sorted(voters_seen) and len(set(voters_seen)) == len(voters_seen)
    everyone = client.get(path).json()
    assert everyone["next"] is None
    now = {b["voter"] for b in everyone["ballots"]}
    assert now == {community.did(n) for n in ["alice", *voters]}
    # every ballot there all along is in the walk once; one cast meanwhile is there if its
    # voter sorts after the cursor (docs/protocol.md), bob's if his page came before he left
    throughout = {community.did(n) for n in ["alice", *voters[:3]]}
    assert throughout <= set(voters_seen) <= now | {community.did("bob")}
    assert client.get(path, params={"cursor": "WzEsMl0"}).json()["code"] == "invalid_cursor"


def test_proposal_pages_newest_first_each_once(client: TestClient, community: Community) -> None:
    from tests.governance import draft

    drafted = [draft(community, title=f"Idea {n}") for n in range(7)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/proposals", params=params).json()
        seen.extend(p["id"] for p in body["proposals"])
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == sorted(drafted, reverse=True)
    page = client.get("/proposals?limit=3")
    link = re.search(r'<a href="([^"]+)" rel="next">Older proposals</a>', page.text)
    assert page.status_code == 200 and "Idea 6" in page.text and link is not None
    older = client.get(link.group(1).replace("&amp;", "&"))
    assert "Idea 3" in older.text and "Idea 4" not in older.text and "Newest" in older.text
    assert client.get("/v1/proposals?cursor=WyJ4Il0").json()["code"] == "invalid_cursor"
    assert client.get("/v1/proposals").json()["next"] is None  # 7 fit the default page
