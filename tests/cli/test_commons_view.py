"""The commons commands' rules in words, in the command line's language."""

from __future__ import annotations

from typing import Any

from commonweal.cli.commons_view import describe_rules
from commonweal.core.language import speaking

RULES: dict[str, Any] = {
    "access": {"role": "gardener"},
    "allocation": "lottery",
    "limits": {"max_hours": 1, "max_active": 2, "advance_days": 14},
    "deposit": {"amount": 2000, "unit": "EUR"},
    "sanctions": {
        "ladder": [{"kind": "warning"}, {"kind": "suspension", "days": 7}],
        "memory_days": 90,
    },
    "appeals": {"days": 1, "by": "stewards"},
}


def test_the_rules_in_english() -> None:
    assert describe_rules(RULES, {"EUR": 2}) == [
        "Who may use it: holders of the gardener role.",
        "Allocated in rounds, by a lot drawn from the log.",
        "Bookings last at most 1 hour; at most 2 at a time; at most 14 days ahead.",
        "Deposit: 20.00 EUR.",
        "Breaches: warning → suspension 7 days (remembered 90 days).",
        "Appeals within 1 day, heard by the stewards.",
    ]


def test_the_rules_in_french_and_arabic() -> None:
    with speaking("fr"):
        french = describe_rules(RULES, {"EUR": 2})
    assert "Attribué par tours, par un tirage au sort tiré du journal." in french
    assert "Caution : 20.00 EUR." in french
    assert "Recours sous 1 jour, examinés par les intendants." in french
    assert any("suspension de 7 jours" in sentence for sentence in french)
    with speaking("ar"):
        arabic = describe_rules(RULES, {"EUR": 2})
    assert "الطعون خلال يوم واحد، ينظر فيها المشرفون." in arabic
