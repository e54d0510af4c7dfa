"""The constitution and results in plain language, for pages and the command line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commonweal.domain.governance.liquid import NO_REVERSE_BEAT_PATH, NO_REVERSE_BEAT_PATH_UNSTATED

METHOD_NAMES = {
    "yes_no": "a yes/no vote",
    "consent": "consent: it passes unless someone objects with a reason",
    "double_majority": "a double majority of member nodes and of their population",
    "plurality": "plurality: the most first choices wins",
    "approval": "approval voting: approve any number, the most approvals wins",
    "score": "score voting",
    "star": "STAR voting: score, then an automatic runoff of the top two",
    "quadratic": "quadratic voting with voice credits",
    "instant_runoff": "ranked voting, counted by instant runoff",
    "schulze": "ranked voting, counted by the Schulze method",
    "ranked_pairs": "ranked voting, counted by Ranked Pairs",
    "stv": "single transferable vote (Scottish STV)",
}


def duration(seconds: int) -> str:
    """``604800`` → ``"7 days"``; smaller spans in hours or minutes."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def who(group: Any) -> str:
    """``"members"`` → ``"any member"``; a role → ``"holders of the steward role"``."""
    if group == "members":
        return "any member"
    return f"holders of the {group['role']} role"


def describe_kind(
    rules: Mapping[str, Any], action_words: Mapping[str, str] | None = None
) -> list[str]:
    """One sentence per rule of a kind of proposal; the actions it may carry are said by
    ``action_words`` (action type → words) where given, else by their types."""
    method = rules["method"]
    options = rules.get("options", {})
    sentences = [
        f"Who may propose: {who(rules['proposers'])}.",
        f"Who votes: {who(rules['electorate'])}.",
        f"Discussion lasts {duration(rules['discussion_seconds'])}, "
        f"then voting lasts {duration(rules['voting_seconds'])}.",
        f"Voting: {METHOD_NAMES.get(method, method)}"
        + (
            f", {options['seats']} seat{'s' if options['seats'] != 1 else ''}"
            if method == "stv"
            else ""
        )
        + (f", {options['credits']} voice credits each" if method == "quadratic" else "")
        + (f", scores 0 to {options['max_score']}" if "max_score" in options else "")
        + (", with the status quo as an option" if options.get("status_quo") else "")
        + ".",
    ]
    if options.get("status_quo") and options.get(
        NO_REVERSE_BEAT_PATH, NO_REVERSE_BEAT_PATH_UNSTATED
    ):
        sentences.append(
            "An alternative the status quo reaches by a path of wins or ties cannot win."
        )
    if rules["quorum"] not in ("0", "0/1"):
        sentences.append(f"At least {rules['quorum']} of the electorate must take part (quorum).")
    threshold = rules.get("threshold")
    if threshold:
        ((relation, share),) = threshold.items()
        words = "more than" if relation == "more_than" else "at least"
        measure = {
            "yes_no": "of those voting yes or no vote yes",
            "approval": "of those voting approve the winner",
        }.get(method, "of those with a preference prefer the winner to the status quo")
        sentences.append(f"It passes if {words} {share} {measure}.")
    if method == "double_majority":
        sentences.append(
            f"It passes if {options['states_share']} of member nodes vote yes and they hold "
            f"{options['population_share']} of the population."
        )
    sentences.append(
        "Members may delegate their vote."
        if rules.get("delegation")
        else "Votes are not delegated."
    )
    actions = rules.get("actions", [])
    if actions:
        said = [action_words.get(a, a) for a in actions] if action_words else actions
        sentences.append(f"If it passes, the node itself can: {', '.join(said)}.")
    return sentences


def describe_outcome(result: Mapping[str, Any]) -> str:
    """One sentence: passed or not, and why."""
    if not result["quorum"]["met"]:
        return (
            f"Not passed: {result['participating']} took part, "
            f"the quorum needed {result['quorum']['needed']}."
        )
    if result["passed"]:
        return f"Passed ({result['turnout_percent']} % turnout)."
    threshold = result.get("threshold")
    if isinstance(threshold, dict) and threshold.get("met") is False:
        return f"Not passed: it needed {threshold['rule']}."
    if result["decided"] == ["status_quo"]:
        return "Not passed: the status quo won."
    return "Not passed."
