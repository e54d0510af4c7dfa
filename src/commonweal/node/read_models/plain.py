"""The constitution and results in plain language, for pages and the command line.

Each sentence is a :class:`~commonweal.node.read_models.said.Said`: the English it always
was (the API, the command line and equality see it), translated where a page shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from commonweal.core.language import N_
from commonweal.domain.governance.liquid import NO_REVERSE_BEAT_PATH, NO_REVERSE_BEAT_PATH_UNSTATED
from commonweal.node.read_models import said
from commonweal.node.read_models.said import Said

METHOD_NAMES = {
    "yes_no": N_("a yes/no vote"),
    "consent": N_("consent: it passes unless someone objects with a reason"),
    "double_majority": N_("a double majority of member nodes and of their population"),
    "plurality": N_("plurality: the most first choices wins"),
    "approval": N_("approval voting: approve any number, the most approvals wins"),
    "score": N_("score voting"),
    "star": N_("STAR voting: score, then an automatic runoff of the top two"),
    "quadratic": N_("quadratic voting with voice credits"),
    "instant_runoff": N_("ranked voting, counted by instant runoff"),
    "schulze": N_("ranked voting, counted by the Schulze method"),
    "ranked_pairs": N_("ranked voting, counted by Ranked Pairs"),
    "stv": N_("single transferable vote (Scottish STV)"),
}


def method_words(method: str) -> str:
    """A voting method in words (its identifier when the node knows no words for it)."""
    return Said(METHOD_NAMES[method]) if method in METHOD_NAMES else method


def duration(seconds: int) -> Said:
    """``604800`` → ``"7 days"``; smaller spans in hours or minutes."""
    if seconds >= 86_400 and seconds % 86_400 == 0:
        return said.ngettext("%(num)d day", "%(num)d days", seconds // 86_400)
    if seconds >= 3_600 and seconds % 3_600 == 0:
        return said.ngettext("%(num)d hour", "%(num)d hours", seconds // 3_600)
    if seconds >= 60 and seconds % 60 == 0:
        return said.ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    return said.ngettext("%(num)d second", "%(num)d seconds", seconds)


def who(group: Any) -> Said:
    """``"members"`` → ``"any member"``; a role → ``"holders of the steward role"``."""
    if group == "members":
        return said._("any member")
    return said._("holders of the %(role)s role", role=group["role"])


def _voting(rules: Mapping[str, Any]) -> Said:
    method = rules["method"]
    options = rules.get("options", {})
    details: list[Said] = []
    if method == "stv":
        details.append(said.ngettext("%(num)d seat", "%(num)d seats", options["seats"]))
    if method == "quadratic":
        details.append(said._("%(credits)s voice credits each", credits=options["credits"]))
    if "max_score" in options:
        details.append(said._("scores 0 to %(max)s", max=options["max_score"]))
    if options.get("status_quo"):
        details.append(said._("with the status quo as an option"))
    named = method_words(method)
    if not details:
        return said._("Voting: %(method)s.", method=named)
    return said._("Voting: %(method)s, %(details)s.", method=named, details=_joined(details))


def _joined(parts: Sequence[str]) -> str:
    """Parts said one after another, separated by commas (in the page's language)."""
    joined = parts[0]
    for part in parts[1:]:
        joined = said._("%(first)s, %(next)s", first=joined, next=part)
    return joined


def describe_kind(
    rules: Mapping[str, Any], action_words: Mapping[str, str] | None = None
) -> list[Said]:
    """One sentence per rule of a kind of proposal; the actions it may carry are said by
    ``action_words`` (action type → words marked in the context "to do", translated where
    shown) where given, else by their types."""
    method = rules["method"]
    options = rules.get("options", {})
    sentences = [
        said._("Who may propose: %(who)s.", who=who(rules["proposers"])),
        said._("Who votes: %(who)s.", who=who(rules["electorate"])),
        said._(
            "Discussion lasts %(discussion)s, then voting lasts %(voting)s.",
            discussion=duration(rules["discussion_seconds"]),
            voting=duration(rules["voting_seconds"]),
        ),
        _voting(rules),
    ]
    if options.get("status_quo") and options.get(
        NO_REVERSE_BEAT_PATH, NO_REVERSE_BEAT_PATH_UNSTATED
    ):
        sentences.append(
            said._("An alternative the status quo reaches by a path of wins or ties cannot win.")
        )
    if rules["quorum"] not in ("0", "0/1"):
        sentences.append(
            said._(
                "At least %(quorum)s of the electorate must take part (quorum).",
                quorum=rules["quorum"],
            )
        )
    threshold = rules.get("threshold")
    if threshold:
        sentences.append(_threshold(method, threshold))
    if method == "double_majority":
        sentences.append(
            said._(
                "It passes if %(states)s of member nodes vote yes and they hold "
                "%(population)s of the population.",
                states=options["states_share"],
                population=options["population_share"],
            )
        )
    sentences.append(
        said._("Members may delegate their vote.")
        if rules.get("delegation")
        else said._("Votes are not delegated.")
    )
    actions = rules.get("actions", [])
    if actions:
        named = [
            said.pgettext("to do", action_words[a]) if action_words and a in action_words else a
            for a in actions
        ]
        sentences.append(
            said._("If it passes, the node itself can: %(actions)s.", actions=_joined(named))
        )
    return sentences


_THRESHOLDS = {
    ("more_than", "yes_no"): N_(
        "It passes if more than %(share)s of those voting yes or no vote yes."
    ),
    ("at_least", "yes_no"): N_(
        "It passes if at least %(share)s of those voting yes or no vote yes."
    ),
    ("more_than", "approval"): N_(
        "It passes if more than %(share)s of those voting approve the winner."
    ),
    ("at_least", "approval"): N_(
        "It passes if at least %(share)s of those voting approve the winner."
    ),
    ("more_than", None): N_(
        "It passes if more than %(share)s of those with a preference prefer the winner to "
        "the status quo."
    ),
    ("at_least", None): N_(
        "It passes if at least %(share)s of those with a preference prefer the winner to "
        "the status quo."
    ),
}


def _threshold(method: str, threshold: Mapping[str, str]) -> Said:
    ((relation, share),) = threshold.items()
    relation = "more_than" if relation == "more_than" else "at_least"
    measure = method if method in ("yes_no", "approval") else None
    return Said(_THRESHOLDS[(relation, measure)], {"share": share})


def describe_outcome(result: Mapping[str, Any]) -> Said:
    """One sentence: passed or not, and why."""
    if not result["quorum"]["met"]:
        return said._(
            "Not passed: %(participating)s took part, the quorum needed %(needed)s.",
            participating=result["participating"],
            needed=result["quorum"]["needed"],
        )
    if result["passed"]:
        return said._("Passed (%(turnout)s %% turnout).", turnout=result["turnout_percent"])
    threshold = result.get("threshold")
    if isinstance(threshold, dict) and threshold.get("met") is False:
        return said._("Not passed: it needed %(rule)s.", rule=threshold["rule"])
    if result["decided"] == ["status_quo"]:
        return said._("Not passed: the status quo won.")
    return said._("Not passed.")
