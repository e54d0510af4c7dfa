"""The domain's one RFC 3339 reader and its time arithmetic (domain/timestamps.py), and
the body readers that go through it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from commonweal.domain.errors import InvalidBody
from commonweal.domain.fields import utc_time
from commonweal.domain.funding.fields import instant
from commonweal.domain.timestamps import later, moment, reached, stamp, utc_stamp

NOT_RFC_3339 = [
    "2026-W49-1T18:00Z",  # an ISO 8601 week date
    "2026-W49-1T18:00:00Z",
    "2026-335T18:00:00Z",  # an ordinal date
    "20261201T180000Z",  # the basic format
    "2026-12-01T18:00Z",  # no seconds
    "2026-12-01T18Z",
    "2026-12-01T18:00:00",  # no zone
    "2026-12-01",
    "2026-12-01 18:00:00Z",  # a space for the T
    "2026-12-01T18:00:00,5Z",  # a decimal comma
    "2026-12-01T18:00:00+0100",
    "2026-12-01T18:00:60Z",  # a leap second
    "2026-02-30T18:00:00Z",
]


@pytest.mark.parametrize("text", NOT_RFC_3339)
def test_anything_but_rfc_3339_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        moment(text)


@pytest.mark.parametrize("text", NOT_RFC_3339)
def test_a_funding_instant_refuses_what_is_not_rfc_3339(text: str) -> None:
    # the old reader (datetime.fromisoformat) took the week date and the others
    with pytest.raises(InvalidBody) as refused:
        instant({"closes": text}, "closes")
    assert "RFC 3339" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2026-12-01T18:00:00Z", "2026-12-01T18:00:00Z"),
        ("2026-12-01T19:30:00+01:30", "2026-12-01T18:00:00Z"),
        ("2026-12-01T18:00:00.250Z", "2026-12-01T18:00:00.250000Z"),
        ("2026-12-01T18:00:00.000000Z", "2026-12-01T18:00:00Z"),
        ("2026-12-01T18:00:00.123456789Z", "2026-12-01T18:00:00.123456Z"),
    ],
)
def test_instants_are_written_as_the_node_writes_receipt_times(text: str, written: str) -> None:
    assert instant({"closes": text}, "closes") == written


def test_utc_time_keeps_the_second_and_refuses_what_is_not_a_real_time() -> None:
    assert utc_time({"t": "2026-05-01T11:00:00+02:00"}, "t") == "2026-05-01T09:00:00Z"
    for bad in ("2026-02-30T09:00:00Z", "2026-05-01T09:00Z", "2026-W18-5T09:00:00Z"):
        with pytest.raises(InvalidBody):
            utc_time({"t": bad}, "t")


def test_arithmetic() -> None:
    assert later("2026-12-01T18:00:00Z", 90) == "2026-12-01T18:01:30Z"
    assert later("2026-12-01T18:00:00.5Z", -1) == "2026-12-01T17:59:59.500000Z"
    assert later("2026-12-01T23:00:00-01:00", 0) == "2026-12-02T00:00:00Z"
    assert reached("2026-12-01T18:00:00Z", "2026-12-01T18:00:00Z")
    assert reached("2026-12-01T19:00:00+01:00", "2026-12-01T18:00:00Z")
    assert not reached("2026-12-01T17:59:59.999999Z", "2026-12-01T18:00:00Z")
    zoned = datetime(2026, 12, 1, 19, 0, 0, 700, tzinfo=timezone(timedelta(hours=1)))
    assert stamp(zoned) == "2026-12-01T18:00:00.000700Z"
    assert utc_stamp(zoned) == "2026-12-01T18:00:00Z"
    assert moment("2026-12-01T18:00:00Z") == datetime(2026, 12, 1, 18, tzinfo=UTC)
