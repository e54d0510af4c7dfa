"""Reads sized by a page, not by the node: the directory and a proposal on a big node.

A node with ``members`` members, each a real signed application (with a private
profile, half of them showing their name) appended through the node's own batch path
under the ``open`` admission policy, and a proposal being voted on with delegation.
Then ``commonweal serve`` answers ``/v1/members``, ``/members`` (first and a deep
page), ``/v1/proposals/{id}`` and the proposal's page; each is timed over HTTP from
one client, and the 95th percentile reported.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

KIND = {
    "title": "Decision",
    "proposers": "members",
    "electorate": "members",
    "discussion_seconds": 0,
    "voting_seconds": 86_400,
    "quorum": "0",
    "method": "approval",
    "options": {},
    "delegation": True,
    "actions": [],
}
FOUNDERS = 3
REQUESTS = 40


def _key(n: int) -> Any:
    from commonweal.core.keys import SigningKey

    return SigningKey(hashlib.sha256(f"reads member {n}".encode()).digest())


def _profile(n: int) -> tuple[dict[str, Any], str]:
    salt = hashlib.sha256(f"reads salt {n}".encode()).hexdigest()  # 64 chars: 32+ bytes
    return {"display_name": f"Member {n}", "show_name": n % 2 == 0}, salt


def _applications(args: tuple[str, str, int, int]) -> list[tuple[bytes, str, str, str]]:
    """Signed applications for members ``start``…``stop``, with each one's profile row."""
    from commonweal.core.commitment import commitment
    from commonweal.core.events import sign_event

    node_did, at, start, stop = args
    out = []
    for n in range(start, stop):
        profile, salt = _profile(n)
        digest = commitment(profile, salt)
        event = sign_event(
            _key(n),
            type="membership.application.submitted",
            node=node_did,
            seq=1,
            at=at,
            body={"commitment": digest},
        )
        out.append((orjson.dumps(event), digest, salt, orjson.dumps(profile).decode()))
    return out


def build(data_dir: Path, members: int) -> int:
    """The node (``members`` applicants admitted at once, a proposal open); its id."""
    from commonweal.core.did import did_key_from_public_key
    from commonweal.core.events import sign_event
    from commonweal.core.rfc3339 import format_utc
    from commonweal.domain.governance.constitution import DEFAULT_CONSTITUTION
    from commonweal.node.kernel.setup import init_node
    from commonweal.node.services import governance
    from commonweal.store.schema import private_profiles

    constitution = {
        **{k: v for k, v in DEFAULT_CONSTITUTION.items() if k != "writes"},
        "kinds": {**DEFAULT_CONSTITUTION["kinds"], "decision-now": KIND},
    }
    founders = [did_key_from_public_key(_key(-1 - f).public_key) for f in range(FOUNDERS)]
    node = init_node(
        data_dir,
        name="Reads bench",
        founders=founders,
        constitution=constitution,
        admission={"admission": "open"},
    )
    try:
        at = format_utc(node.clock())
        step = 10_000
        jobs = [(node.identity.did, at, s, min(s + step, members)) for s in range(0, members, step)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for part in pool.imap(_applications, jobs):
                rows = [{"commitment": d, "salt": s, "profile": p} for _r, d, s, p in part]
                with node.store.engine.begin() as conn:
                    conn.execute(private_profiles.insert(), rows)
                raws = [raw for raw, *_rest in part]
                for i in range(0, len(raws), 1000):
                    node.submit_batch(raws[i : i + 1000])
                print(f"    {node.size:,} entries", flush=True)

        def signed(who: int, seq: int, event_type: str, body: dict[str, Any]) -> bytes:
            key = _key(-1 - who)
            event = sign_event(
                key, type=event_type, node=node.identity.did, seq=seq, at=at, body=body
            )
            return orjson.dumps(event)

        body = {"kind": "decision-now", "topic": "general", "title": "Pick", "text": "Pick."}
        proposal = node.submit(signed(0, 1, "governance.proposal.drafted", body)).index
        node.submit(signed(0, 2, "governance.proposal.submitted", {"proposal": proposal}))
        alt = {"proposal": proposal, "title": "Another", "text": "Another.", "actions": []}
        node.submit(signed(1, 1, "governance.alternative.added", alt))
        governance.run_due(node)
        node.checkpoint()
    finally:
        node.close()
    return proposal


def p95_ms(http: httpx.Client, path: str) -> float:
    """The 95th percentile, in ms, of ``REQUESTS`` sequential GETs of ``path``."""
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = http.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return statistics.quantiles(timings, n=20)[18]


def measure(data_dir: Path, proposal: int) -> dict[str, float]:
    """p95 per read over HTTP, against ``commonweal serve`` on the built node."""
    from bench.http_load import served

    with (
        served(data_dir, ("--no-rate-limit",)) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http,
    ):
        first = http.get("/v1/members?limit=1000").json()
        deep = first["next"]
        assert first["members"] and deep, "the directory has a second page"
        phase = http.get(f"/v1/proposals/{proposal}").json()["phase"]
        assert phase == "voting", phase
        return {
            "/v1/members": p95_ms(http, "/v1/members"),
            "/v1/members?cursor=… (page 2 of 1,000)": p95_ms(
                http, f"/v1/members?limit=1000&cursor={deep}"
            ),
            "/members": p95_ms(http, "/members"),
            "/members?status=all&cursor=…": p95_ms(http, f"/members?status=all&cursor={deep}"),
            "/v1/proposals": p95_ms(http, "/v1/proposals"),
            f"/v1/proposals/{proposal}": p95_ms(http, f"/v1/proposals/{proposal}"),
            f"/v1/proposals/{proposal}/ballots": p95_ms(http, f"/v1/proposals/{proposal}/ballots"),
            f"/proposals/{proposal}": p95_ms(http, f"/proposals/{proposal}"),
        }
