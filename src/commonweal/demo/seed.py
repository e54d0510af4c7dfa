"""The demo node: a realistic small community and a year and more of its public record.

The story is written with a clock that starts 400 days ago and moves on between
acts, so receipt times are spread as they would be in life: the 72-hour recovery
time lock really passes, a year of the treasury follows (``demo_treasury``); from
sixty days ago shared resources are booked, drawn by lot and sanctioned, and
gatherings held (``demo_commons``), mutual aid and funding happen (``demo_funding``),
places are registered (``demo_places``), and proposals are discussed and voted on for as
long as the constitution says (``demo_governance``). At four turns of the story a steward
asks for a census (``demo.census``), so the census page has a history. Members' keys are
kept in ``members/``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from commonweal.capability import DemoChapter
from commonweal.core.commitment import commitment, new_salt
from commonweal.core.did import did_key_from_public_key
from commonweal.core.events import sign_event
from commonweal.core.keys import SigningKey
from commonweal.core.rfc3339 import format_utc
from commonweal.demo import alliance as demo_alliance
from commonweal.domain.membership.policy import DEFAULT_POLICY
from commonweal.node.kernel.service import Node, Receipt
from commonweal.node.kernel.setup import init_node, read_key_file, write_key_file
from commonweal.node.services import membership

if TYPE_CHECKING:
    from commonweal.capabilities.assembly import Assembly

NAME = "Riverside Commons"
DESCRIPTION = (
    "A co-living hub and tool library by the river: a shared workshop, a community "
    "garden and a monthly assembly."
)
FOUNDERS = ("amara", "bruno", "chen")
PROFILES = {
    "amara": ("Amara Okafor", "Garden group, founding steward"),
    "bruno": ("Bruno Lindqvist", "Keeps the workshop running"),
    "chen": ("Chen Wei", "Tool library"),
    "dalia": ("Dalia Haddad", "Joined through two vouches"),
    "emil": ("Emil Novak", "Joined by a steward's approval"),
    "farah": ("Farah Rahimi", "Joined when admission was open"),
    "gio": ("Gio Rossi", "Moved away"),
    "hana": ("Hana Sato", "Recovered her membership after losing her phone"),
    "ivo": ("Ivo Marić", "Runs the repair café; admitted by a vote"),
    "jonas": ("Jonas Berg", "Applied last week; one vouch so far"),
}
DOCUMENTS = (
    ("amara", "Founding charter of Riverside Commons", "Adopted at the founding assembly."),
    ("bruno", "Minutes of the November assembly", "Agreed: workshop hours, garden rota."),
    ("chen", "Tool library inventory, autumn 2026", "112 tools, 3 retired, 9 new."),
    ("dalia", "Open letter on the riverside footpath", "Signed for the garden group."),
)


@dataclass
class DemoClock:
    """A clock the story moves forward; it never runs past the real now."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(days=400))

    def __call__(self) -> datetime:
        return self.now

    def later(self, **delta: float) -> None:
        self.now = min(self.now + timedelta(**delta), datetime.now(UTC))


@dataclass
class Story:
    """Members with keys and counters, acting on the demo node."""

    node: Node
    clock: DemoClock
    keys_dir: Path
    keys: dict[str, SigningKey] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    alliance: demo_alliance.Alliance | None = None

    def key(self, name: str) -> SigningKey:
        if name not in self.keys:
            self.keys[name] = SigningKey.generate()
            write_key_file(self.keys_dir / f"{name}.key", self.keys[name], None)
        return self.keys[name]

    def did(self, name: str) -> str:
        return did_key_from_public_key(self.key(name).public_key)

    def event(self, name: str, event_type: str, body: dict[str, Any]) -> dict[str, Any]:
        self.seqs[name] = self.seqs.get(name, 0) + 1
        return sign_event(
            self.key(name),
            type=event_type,
            node=self.node.identity.did,
            seq=self.seqs[name],
            at=format_utc(self.clock()),
            body=body,
        )

    def act(
        self,
        name: str,
        event_type: str,
        body: dict[str, Any] | None = None,
        *,
        minutes: float = 180,
    ) -> Receipt:
        """Sign ``event_type`` as ``name`` and submit it; the story's clock then moves on
        ``minutes`` (three hours unless told)."""
        receipt = self.node.submit(orjson.dumps(self.event(name, event_type, body or {})))
        self.clock.later(minutes=minutes)
        return receipt

    def wait(self, seconds: float) -> None:
        self.clock.later(seconds=seconds)

    def skip_to(self, days_before_now: float) -> None:
        self.clock.now = max(self.clock.now, datetime.now(UTC) - timedelta(days=days_before_now))

    def apply(self, name: str) -> None:
        profile = _profile(name)
        salt = new_salt()
        event = self.event(
            name, "membership.application.submitted", {"commitment": commitment(profile, salt)}
        )
        membership.apply(self.node, event, profile, salt)
        self.clock.later(hours=5)

    def as_node(self, event_type: str, body: dict[str, Any]) -> None:
        self.node.submit_as_node(event_type, body)
        self.clock.later(hours=1)


def create_demo(
    data_dir: Path,
    public_url: str = "http://127.0.0.1:8000",
    *,
    program: Assembly | None = None,
    node_key: SigningKey | None = None,
    alliance: demo_alliance.Alliance | None = None,
) -> Node:
    """Create the demo node, reached at ``public_url``: members admitted by each policy,
    one gone, one recovered, then every capability's chapters of ``program`` (the
    capabilities assembled, ``commonweal.capabilities.PROGRAM`` unless given); with
    ``alliance`` (and the ``node_key`` it knows as a member node), the community joins it
    and opens its precinct of the open network vote."""
    if program is None:
        from commonweal.capabilities import PROGRAM  # the entry point reads the list

        program = PROGRAM
    clock = DemoClock()
    keys_dir = data_dir / "members"
    keys_dir.mkdir(parents=True, exist_ok=True)
    founders = {name: SigningKey.generate() for name in FOUNDERS}
    for name, key in founders.items():
        write_key_file(keys_dir / f"{name}.key", key, None)
    node = init_node(
        data_dir,
        name=NAME,
        description=DESCRIPTION,
        url=public_url,
        key=node_key,
        clock=clock,
        founders=[did_key_from_public_key(k.public_key) for k in founders.values()],
        founder_profiles={
            did_key_from_public_key(key.public_key): _profile(name)
            for name, key in founders.items()
        },
        admission=DEFAULT_POLICY,
        registry=program.registry(),
    )
    story = Story(node, clock, keys_dir, keys=dict(founders), seqs={}, alliance=alliance)
    chapters = [*program.demo_chapters(), DemoChapter(SIXTY_DAYS_AGO, _sixty_days_ago)]
    _tell(story, sorted(chapters, key=lambda chapter: chapter.order))
    demo_alliance.open_precincts(story)
    node.clock = _real_clock
    node.checkpoint()
    return node


SIXTY_DAYS_AGO = 15
"""Where the story jumps to sixty days before now, among the chapters' ``order``: after
the treasury's first weeks (10), before the commons' past (20)."""


def _sixty_days_ago(story: Story) -> None:
    story.skip_to(days_before_now=60)


def _tell(story: Story, chapters: list[DemoChapter]) -> None:
    did = story.did
    for name, title, note in DOCUMENTS[:3]:
        story.act(name, "notary.document.attested", _document(title, note))
    # Admission by vouches (the default policy: two members vouch).
    story.apply("dalia")
    story.act("amara", "membership.vouch.given", {"applicant": did("dalia")})
    story.act("bruno", "membership.vouch.given", {"applicant": did("dalia")})
    story.act("dalia", "notary.document.attested", _document(*DOCUMENTS[3][1:]))
    # Admission by a steward's approval.
    story.as_node("membership.policy.set", {**DEFAULT_POLICY, "admission": "approval"})
    story.apply("emil")
    story.act("chen", "membership.application.approved", {"applicant": did("emil")})
    # Open admission for a welcome week.
    story.as_node("membership.policy.set", {**DEFAULT_POLICY, "admission": "open"})
    story.apply("farah")
    story.apply("gio")
    story.apply("hana")
    story.as_node("membership.policy.set", dict(DEFAULT_POLICY))
    story.act("amara", "membership.role.granted", {"member": did("farah"), "role": "treasurer"})
    # Gio moves away: his credential is revoked.
    story.act("gio", "membership.member.left")
    # Hana names guardians, loses her phone, and recovers her membership.
    story.act(
        "hana",
        "membership.guardians.set",
        {"guardians": [did("amara"), did("dalia")], "threshold": 2},
    )
    story.act("hana-new-phone", "membership.recovery.requested", {"member": did("hana")})
    story.act(
        "amara",
        "membership.recovery.vouched",
        {"member": did("hana"), "new": did("hana-new-phone")},
    )
    story.act(
        "dalia",
        "membership.recovery.vouched",
        {"member": did("hana"), "new": did("hana-new-phone")},
    )
    story.clock.later(hours=73)
    membership.complete_due_recoveries(story.node)
    for chapter in chapters:  # treasury, commons, funding, governance: see their `demo`
        chapter.tell(story)
    # An application still open, for the join page and the steward console.
    story.apply("jonas")
    story.act("amara", "membership.vouch.given", {"applicant": did("jonas")})


def _profile(name: str) -> dict[str, Any]:
    display, bio = PROFILES[name]
    return {"display_name": display, "bio": bio, "show_name": name != "gio"}


def _document(title: str, note: str) -> dict[str, str]:
    digest = "sha256:" + hashlib.sha256(title.encode()).hexdigest()
    return {"digest": digest, "title": title, "note": note}


def _real_clock() -> datetime:
    return datetime.now(UTC)


def member_dids(data_dir: Path) -> dict[str, str]:
    """The demo members' DIDs, by name."""
    return {
        path.stem: did_key_from_public_key(read_key_file(path, None).public_key)
        for path in sorted((data_dir / "members").glob("*.key"))
    }
