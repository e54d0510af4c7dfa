"""RFC 3339 UTC timestamps: one canonical output form, strict but complete parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonweal.core.rfc3339 import format_utc, parse_utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T12:00:00Z", datetime(2026, 11, 23, 12, tzinfo=UTC)),
        ("2026-11-23T12:00:00+00:00", datetime(2026, 11, 23, 12, tzinfo=UTC)),
        ("2026-11-23T12:00:00-00:00", datetime(2026, 11, 23, 12, tzinfo=UTC)),
        ("2026-11-23T13:30:00+01:30", datetime(2026, 11, 23, 12, tzinfo=UTC)),
        ("2026-11-23T02:00:00-10:00", datetime(2026, 11, 23, 12, tzinfo=UTC)),
        ("2026-11-23T12:00:00.5Z", datetime(2026, 11, 23, 12, 0, 0, 500_000, tzinfo=UTC)),
        ("2026-11-23T12:00:00.123456789Z", datetime(2026, 11, 23, 12, 0, 0, 123_456, tzinfo=UTC)),
        ("2024-02-29T23:59:59.999999Z", datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)),
        ("2026-01-01T00:30:00+01:00", datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),
    ],
)
def test_parses_to_utc(text: str, expected: datetime) -> None:
    parsed = parse_utc(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23 12:00:00Z",
        "2026-11-23t12:00:00Z",
        "2026-11-23T12:00:00",
        "2026-11-23T12:00Z",
        "2026-11-23T12:00:00.Z",
        "2026-11-23T12:00:00.1234567890Z",
        "2026-11-23T12:00:00+0100",
        "2026-11-23T12:00:00+24:00",
        "2026-11-23T12:00:00+01:60",
        "2026-02-30T12:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-12-31T23:59:60Z",
        "2026-11-23T12:00:00Z ",
        "26-11-23T12:00:00Z",
        "2026-11-23T12:00:00\uff15Z",
        "0001-01-01T00:00:00+01:00",
        "",
    ],
)
def test_refuses_everything_else(text: str) -> None:
    with pytest.raises(ValueError, match="not an RFC 3339 timestamp"):
        parse_utc(text)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 23, 12, tzinfo=UTC), "2026-11-23T12:00:00Z"),
        (datetime(2026, 11, 23, 12, 0, 0, 5, tzinfo=UTC), "2026-11-23T12:00:00.000005Z"),
        (datetime(2026, 11, 23, 13, tzinfo=timezone(timedelta(hours=1))), "2026-11-23T12:00:00Z"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
    ],
)
def test_canonical_form(moment: datetime, text: str) -> None:
    assert format_utc(moment) == text


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2026, 11, 23, 12))


FIXED_OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59)
)


@given(st.datetimes(datetime(2, 1, 1), datetime(9998, 12, 31), timezones=FIXED_OFFSETS))
def test_round_trip(moment: datetime) -> None:
    text = format_utc(moment)
    assert parse_utc(text) == moment
    assert format_utc(parse_utc(text)) == text


def test_out_of_range_after_conversion_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        format_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))
