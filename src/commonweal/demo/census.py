"""The demo's census chapters: at four turns of the story a steward asks for a census
and the node takes it (docs/census.md), so the census page has a history — members,
activity, gatherings and funds over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commonweal.node.services import census

if TYPE_CHECKING:
    from commonweal.demo.seed import Story


def _census(story: Story, note: str) -> None:
    story.act("amara", "census.requested", {"note": note})
    census.run_due(story.node)


def founding(story: Story) -> None:
    """After the founding year's first members (before the treasury's chapter)."""
    _census(story, "after the founding year's first members")


def treasury_year(story: Story) -> None:
    """After a year of the treasury (before the story jumps to sixty days ago)."""
    _census(story, "a year of the treasury")


def spring(story: Story) -> None:
    """After the spring's gatherings (the commons' past)."""
    _census(story, "after the spring's gatherings")


def this_month(story: Story) -> None:
    """The story's last chapter: this month's census."""
    _census(story, "this month")
