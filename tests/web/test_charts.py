"""Result charts: bars sized by value (decimal strings too), winners marked, and a table."""

from __future__ import annotations

from commonweal.web.charts import Bar, bar_chart, result_charts


def widths(svg: str) -> list[int]:
    import re

    return [int(w) for w in re.findall(r'<rect x="-?\d+" y="\d+" width="(\d+)"', svg)]


def test_bars_are_proportional_and_labelled() -> None:
    svg = bar_chart("Ballots", [Bar("yes", 4), Bar("no", 2), Bar("abstain", 0)])
    assert widths(svg) == [260, 130, 1]
    assert 'aria-label="Ballots"' in svg and "<title>Ballots</title>" in svg


def test_negative_votes_grow_leftwards_and_decimals_count() -> None:
    svg = bar_chart("Net", [Bar("Roof", "9.50000", winner=True), Bar("Shed", -3)])
    assert widths(svg) == [130, 41]
    assert "9.50000 ✓" in svg and '<line x1="320"' in svg


def test_a_result_gets_turnout_and_method_charts() -> None:
    result = {
        "method": "yes_no",
        "electorate": 5,
        "direct_voters": 2,
        "delegated_weight": 1,
        "participating": 3,
        "counts": {"yes": 2, "no": 1, "abstain": 0},
        "winners": ["7"],
    }
    charts = result_charts(result, {"7": "A boat"})
    assert [c["title"] for c in charts] == ["Who took part", "Ballots"]
    assert charts[0]["rows"] == [
        ("Voted themselves", 2, False),
        ("Votes by delegation", 1, False),
        ("Did not take part", 2, False),
    ]
