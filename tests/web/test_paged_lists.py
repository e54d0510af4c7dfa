"""Every list that grows with the node, a page at a time: the ledger, bookings, sanctions,
gatherings, aid posts and a member's credentials. For each, following the cursors lists
every row exactly once (rows added between two pages included), a cursor the list did
not give out is refused, and a page asks the database the same number of statements
however many rows and members the node holds. Exports stream."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from commonweal.web.app import create_app
from commonweal.web.log_pages import PAGE as LOG_PAGE
from tests.commons import at, book, register
from tests.community import FOUNDERS, Community
from tests.governance import VOUCH
from tests.mutual import post
from tests.treasury import income, open_treasury
from tests.web.paging import refused_cursor, statements_for, walk


@pytest.fixture
def client(community: Community) -> Iterator[TestClient]:
    with TestClient(create_app(community.node, background_checkpoints=False)) as test_client:
        yield test_client


def grow(community: Community, prefix: str, members: int) -> None:
    """``members`` more members (vouched for by two founders), half showing their names."""
    for n in range(members):
        name = f"{prefix}{n}"
        community.apply(name, display_name=f"{prefix.title()} {n}", show_name=n % 2 == 0)
        for founder in ("alice", "bob"):
            community.act(founder, VOUCH, {"applicant": community.did(name)})


def test_the_ledger_walks_once_newest_page_first_and_bad_cursors_are_refused(
    client: TestClient, community: Community
) -> None:
    open_treasury(community)
    amounts = [100 * (n + 1) for n in range(7)]
    for amount in amounts[:5]:
        income(community, amount)
    seen = walk(
        client,
        "/v1/treasury/ledger?limit=2",
        "entries",
        between=lambda: [income(community, amount) for amount in amounts[5:]],
    )
    assert [e["postings"][1]["amount"] for e in seen] == amounts
    assert [e["id"] for e in seen] == sorted({e["id"] for e in seen})
    garden = walk(client, "/v1/treasury/ledger?limit=3&account=fund:garden&unit=EUR", "entries")
    assert garden == seen
    assert walk(client, "/v1/treasury/ledger?unit=HOUR", "entries") == []
    refused_cursor(client, "/v1/treasury/ledger")
    refused_cursor(client, "/treasury/ledger")
    page = client.get("/treasury/ledger?limit=3")
    assert page.status_code == 200 and 'rel="next"' in page.text and "7.00" in page.text
    link = page.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    older = client.get(link.replace("&amp;", "&"))
    assert "Newest" in older.text and "4.00" in older.text and "7.00" not in older.text


def test_exports_stream_every_entry(client: TestClient, community: Community) -> None:
    open_treasury(community)
    for amount in (100, 200, 300):
        income(community, amount)
    response = client.get("/v1/treasury/export.csv")
    assert "content-length" not in response.headers  # streamed, chunk by chunk
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(r["amount_minor"]) for r in rows if r["account"] == "fund:garden") == [
        100,
        200,
        300,
    ]
    document = client.get("/v1/treasury/export.json")
    assert "content-length" not in document.headers
    body = document.json()
    assert body["node"] == community.node.identity.did and len(body["entries"]) == 3
    assert [u["code"] for u in body["units"]] == ["EUR", "HOUR"]


def test_bookings_walk_once_upcoming_and_past(client: TestClient, community: Community) -> None:
    room = register(community, title="Room", units=3, limits={"max_active": 10})
    for n in range(6):
        book(community, "alice", room, start_hours=2 * n + 1, hours=1)
    community.clock.advance(hours=4)  # the first two have ended
    upcoming = walk(client, "/v1/commons/bookings?limit=2", "bookings")
    assert len(upcoming) == 4 and all(b["end"] > at(community) for b in upcoming)
    starts = [b["start"] for b in upcoming]
    assert starts == sorted(starts)
    everything = walk(
        client,
        "/v1/commons/bookings?include_past=true&limit=4",
        "bookings",
        between=lambda: book(community, "bob", room, start_hours=30, hours=1),
    )
    ids = [b["id"] for b in everything]
    assert len(ids) == len(set(ids)) == 7
    refused_cursor(client, "/v1/commons/bookings")


def test_sanctions_and_credentials_refuse_bad_cursors(
    client: TestClient, community: Community
) -> None:
    refused_cursor(client, "/v1/commons/sanctions")
    did = community.did("alice")
    credentials = walk(client, f"/v1/members/{did}/credentials?limit=1", "credentials")
    assert credentials and all(c["credentialSubject"]["id"] == did for c in credentials)
    assert len({c["id"] for c in credentials}) == len(credentials)
    assert credentials == client.get(f"/v1/members/{did}/credentials").json()["credentials"]
    refused_cursor(client, f"/v1/members/{did}/credentials")


def test_gatherings_walk_once(client: TestClient, community: Community) -> None:
    def schedule(hours: float, title: str) -> int:
        body = {
            "kind": "assembly",
            "title": title,
            "place": "The barn",
            "starts": at(community, hours=hours),
            "ends": at(community, hours=hours + 1),
            "capacity": 10,
        }
        return community.act("alice", "gatherings.gathering.scheduled", body).index

    made = [schedule(2 * n + 1, f"G{n}") for n in range(5)]
    community.clock.advance(hours=4)  # G0 and G1 are over
    upcoming = walk(client, "/v1/gatherings?limit=2", "gatherings")
    assert [g["id"] for g in upcoming] == made[2:]
    past = walk(client, "/v1/gatherings?when=past&limit=1", "gatherings")
    assert [g["id"] for g in past] == [made[1], made[0]]
    everything = walk(client, "/v1/gatherings?when=all&limit=2", "gatherings")
    assert [g["id"] for g in everything] == made
    refused_cursor(client, "/v1/gatherings")


def test_aid_posts_walk_once_newest_first(client: TestClient, community: Community) -> None:
    first = [post(community, "alice", "request") for _ in range(3)]
    offers = [post(community, "bob", "offer") for _ in range(2)]
    later: list[int] = []
    seen = walk(
        client,
        "/v1/aid/posts?limit=2",
        "posts",
        between=lambda: later.append(post(community, "carol", "request")),
    )
    ids = [p["id"] for p in seen]
    assert ids == sorted(first + offers, reverse=True)  # one posted meanwhile is newer
    assert [p["id"] for p in walk(client, "/v1/aid/posts?kind=offer&limit=1", "posts")] == (
        sorted(offers, reverse=True)
    )
    assert client.get("/v1/aid/posts").json()["posts"][0]["id"] == later[0]
    refused_cursor(client, "/v1/aid/posts")


def test_a_page_costs_the_same_statements_however_many_rows(
    client: TestClient, community: Community
) -> None:
    open_treasury(community)
    room = register(community, title="Room", units=50, limits={"max_active": 100})
    did = community.did("alice")
    pages = (
        "/v1/treasury/ledger?limit=3",
        "/treasury/ledger?limit=3",
        "/treasury",
        "/v1/commons/bookings?limit=3",
        "/v1/commons/sanctions?limit=3",
        "/v1/gatherings?limit=3",
        "/v1/aid/posts?limit=3",
        f"/v1/members/{did}/credentials?limit=3",
        "/v1/events?limit=3",
        f"/v1/authors/{did}/events?limit=3",
    )

    def more(prefix: str, rows: int) -> None:
        grow(community, prefix, rows)
        for n in range(rows):
            income(community, 100 + n)
            income(community, 1, to=f"member:{community.did(f'{prefix}{n}')}")
            book(community, "alice", room, start_hours=n + 1, hours=1)
            post(community, "alice", "request")

    more("s", 4)
    small = {path: statements_for(client, community.node, path) for path in pages}
    log_small = statements_for(client, community.node, "/log")
    more("b", 24)
    large = {path: statements_for(client, community.node, path) for path in pages}
    assert large == small, (small, large)
    # The log page shows its latest entries (a fixed page): the same statements, its
    # authors' names read in one query whose values grow only up to a page's authors.
    log_large = statements_for(client, community.node, "/log")
    assert log_large[0] == log_small[0] and log_large[1] <= LOG_PAGE + 2, (log_small, log_large)


def test_founders_are_in_the_credentials_list(client: TestClient, community: Community) -> None:
    for name in FOUNDERS:
        did = community.did(name)
        found = client.get(f"/v1/members/{did}/credentials").json()
        assert found["next"] is None and found["credentials"]


def test_the_log_and_an_authors_entries_walk_once(client: TestClient, community: Community) -> None:
    for n in range(5):
        post(community, "alice", "request", title=f"Post {n}")
    size = community.node.size
    entries = walk(client, "/v1/events?limit=4", "events")
    assert [e["index"] for e in entries] == list(range(size))
    did = community.did("alice")
    mine = walk(client, f"/v1/authors/{did}/events?limit=2", "events")
    seqs = [e["event"]["seq"] for e in mine]
    last_seq = client.get(f"/v1/authors/{did}").json()["last_seq"]
    assert seqs == list(range(last_seq, 0, -1))
    assert all(e["event"]["author"] == did for e in mine)
    refused_cursor(client, "/v1/events")
    refused_cursor(client, f"/v1/authors/{did}/events")


def test_the_gatherings_page_links_to_the_next(client: TestClient, community: Community) -> None:
    for n in range(3):
        body = {
            "kind": "assembly",
            "title": f"Meeting {n}",
            "place": "The barn",
            "starts": at(community, hours=n + 1),
            "ends": at(community, hours=n + 2),
            "capacity": 10,
        }
        community.act("alice", "gatherings.gathering.scheduled", body)
    first = client.get("/gatherings?limit=2")
    assert "Meeting 0" in first.text and "Meeting 2" not in first.text
    link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(link.replace("&amp;", "&"))
    assert "Meeting 2" in second.text and "Meeting 1" not in second.text
    assert "First page" in second.text and 'rel="next"' not in second.text
    refused_cursor(client, "/gatherings")
