"""Amounts and times as the reader writes them (web/local_format.py), both ways, and how the
reader's language and zone are chosen (web/i18n.py). The expected texts are written out by
hand from CLDR's conventions, not computed with Babel."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from commonweal.web import i18n, local_format
from commonweal.web.i18n import Reader, accepted_languages, choose_reader
from commonweal.web.local_format import NotReadable, read_amount, read_wall_clock


def reader(language: str, zone: str = "UTC") -> Reader:
    return Reader(language, ZoneInfo(zone))


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
def test_a_comma_is_the_decimal_mark_where_the_locale_says_so(language: str) -> None:
    assert read_amount("86,40", reader(language)) == "86.40"
    assert read_amount("0,5", reader(language)) == "0.5"
    assert read_amount("12", reader(language)) == "12"


@pytest.mark.parametrize(
    ("language", "typed", "canonical"),
    [
        ("es", "1.234,5", "1234.5"),
        ("pt", "1.234,56", "1234.56"),
        ("es", "12.345.678,9", "12345678.9"),
        ("fr", "1 234,5", "1234.5"),  # an ordinary space where French groups with U+202F
        ("fr", "1\u202f234,5", "1234.5"),
        ("fr", "1\u00a0234,56", "1234.56"),
        ("en", "1,234.5", "1234.5"),
        ("en", "86.40", "86.40"),
        ("ar", "86.40", "86.40"),
        ("ar", "٨٦٫٤٠", "86.40"),  # Arabic-Indic digits and decimal mark
        ("es", "86.40", "86.40"),  # a dot that cannot be a thousands mark (two decimals)
        ("es", "1.234", "1234"),  # the locale's own grouping, placed right: a thousand
    ],
)
def test_amounts_in_the_readers_own_format(language: str, typed: str, canonical: str) -> None:
    assert read_amount(typed, reader(language)) == canonical


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "86,40"),  # in English a comma groups thousands: 8,640 or 86.40?
        ("en", "1.234,5"),
        ("es", "1,234.5"),
        ("fr", "1.234,5"),
        ("fr", "1,2,3"),
        ("pt", "abc"),
        ("pt", "-5"),
        ("es", "12,5e3"),
        ("fr", ""),
        ("fr", "9" * 41),
        ("en", "1,2,3"),
    ],
)
def test_anything_ambiguous_or_garbled_is_refused_saying_how_to_write_it(
    language: str, typed: str
) -> None:
    with pytest.raises(NotReadable) as refused:
        read_amount(typed, reader(language))
    message = str(refused.value)
    assert typed[:10] in message or "empty" in message or "too long" in message
    if typed and len(typed) < 40:
        assert "write it like" in message


def test_the_refusal_shows_the_locales_own_example() -> None:
    with pytest.raises(NotReadable, match=r"write it like 1\.234,56"):
        read_amount("1,234.5", reader("es"))
    with pytest.raises(NotReadable, match=r"write it like 1,234\.56"):
        read_amount("86,40", reader("en"))


def test_wall_clock_times_are_read_in_the_readers_zone_and_kept_in_utc() -> None:
    assert read_wall_clock("2026-12-07T18:05", reader("ar", "Asia/Dubai")) == "2026-12-07T14:05"
    assert read_wall_clock("2026-12-07T18:05", reader("en")) == "2026-12-07T18:05"
    assert read_wall_clock("2026-07-01T09:30:15", reader("pt", "America/Sao_Paulo")) == (
        "2026-07-01T12:30:15"
    )
    # Lisbon in summer is UTC+1
    assert read_wall_clock("2026-07-01T09:30", reader("pt", "Europe/Lisbon")) == (
        "2026-07-01T08:30"
    )


def test_a_time_the_clocks_skip_is_refused() -> None:
    # Europe/Paris springs forward on 29 March 2026 at 02:00: 02:30 never happens.
    with pytest.raises(NotReadable, match="does not exist in Europe/Paris"):
        read_wall_clock("2026-03-29T02:30", reader("fr", "Europe/Paris"))
    for bad in ("2026-02-30T10:00", "tomorrow", "2026-12-07 18:05", ""):
        with pytest.raises(NotReadable):
            read_wall_clock(bad, reader("fr"))


def test_times_are_shown_in_the_readers_zone_with_the_zone_named() -> None:
    at = "2026-12-07T14:05:00Z"
    assert local_format.when(at, reader("en")) == "7 Dec 2026, 14:05 (UTC)"
    dubai = local_format.when(at, reader("en", "Asia/Dubai"))
    assert dubai.startswith("7 Dec 2026, 18:05") and "United Arab Emirates" in dubai
    french = local_format.when(at, reader("fr", "Europe/Paris"))
    assert french.startswith("7 déc. 2026, 15:05") and "France" in french
    arabic = local_format.when(at, reader("ar", "Asia/Dubai"))
    assert "الإمارات" in arabic and "2026" in arabic


def test_days_and_numbers_by_locale() -> None:
    assert local_format.day("2026-03-05", reader("en")) == "5 Mar 2026"
    assert local_format.day("2026-03-05", reader("fr")) == "5 mars 2026"
    # a log time is the day it was where the reader is
    assert local_format.day("2026-03-05T22:30:00Z", reader("en", "Asia/Dubai")) == "6 Mar 2026"
    assert local_format.number(1234567, reader("en")) == "1,234,567"
    assert local_format.number(1234567, reader("es")) == "1.234.567"
    assert local_format.number(1234567, reader("fr")) == "1\u202f234\u202f567"
    assert local_format.decimal_text("1234.50", reader("pt"), grouped=True) == "1.234,50"
    assert local_format.decimal_text("1234.50", reader("fr"), grouped=False) == "1234,50"


def test_accept_language_is_read_by_quality_then_order() -> None:
    assert accepted_languages("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == ["fr", "en"]
    assert accepted_languages("de, ar;q=0.2, pt-BR;q=0.9") == ["pt", "ar"]
    assert accepted_languages("es;q=0, en") == ["en"]
    assert accepted_languages("") == []
    assert accepted_languages("x" * 5000) == []


def test_the_reader_is_chosen_in_the_documented_order(monkeypatch: pytest.MonkeyPatch) -> None:
    prefs = {"language": "pt-BR", "time_zone": "America/Sao_Paulo"}
    chosen = choose_reader(
        chosen="ar", preferences=prefs, accept_language="fr", browser_zone="Asia/Tokyo"
    )
    assert (chosen.language, chosen.zone.key) == ("ar", "America/Sao_Paulo")
    chosen = choose_reader(
        chosen=None, preferences=prefs, accept_language="fr", browser_zone="Asia/Tokyo"
    )
    assert (chosen.language, chosen.direction) == ("pt", "ltr")
    chosen = choose_reader(
        chosen="klingon", preferences=None, accept_language="fr", browser_zone="Asia/Tokyo"
    )
    assert (chosen.language, chosen.zone.key) == ("fr", "Asia/Tokyo")
    monkeypatch.setenv("COMMONWEAL_LANGUAGE", "es")
    chosen = choose_reader(
        chosen=None, preferences=None, accept_language="de", browser_zone="Mars/Olympus"
    )
    assert (chosen.language, chosen.zone.key) == ("es", "UTC")
    assert choose_reader(
        chosen=None, preferences=None, accept_language="ar", browser_zone="../../etc/passwd"
    ) == Reader("ar", ZoneInfo("UTC"))


def test_arabic_reads_right_to_left_and_translates() -> None:
    arabic = reader("ar")
    assert arabic.direction == "rtl"
    assert arabic.gettext("Proposals") == "المقترحات"
    assert reader("en").gettext("Proposals") == "Proposals"
    with i18n.reading_as(reader("fr")):
        assert i18n.current().gettext("Members") == "Membres"
    assert i18n.current().language == "en"
